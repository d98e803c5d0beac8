ALTER TABLE ticket_durations ALTER COLUMN period TYPE TEXT COLLATE "default";
DELETE FROM ticket_durations d
WHERE NOT EXISTS (SELECT 1 FROM tickets t WHERE t.id = d.ticket_id)
   OR NOT EXISTS (SELECT 1 FROM calendars c WHERE c.id = d.calendar_id);
ALTER TABLE ticket_durations
    ADD CONSTRAINT ticket_durations_calendar_id_fkey FOREIGN KEY (calendar_id) REFERENCES calendars (id) ON DELETE CASCADE,
    ADD CONSTRAINT ticket_durations_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES tickets (id) ON DELETE CASCADE;
