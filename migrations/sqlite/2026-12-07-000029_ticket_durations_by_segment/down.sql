-- The key of migration 000022: (calendar, month, ticket).
CREATE TABLE ticket_durations_rebuilt (
    calendar_id INTEGER NOT NULL REFERENCES calendars (id) ON DELETE CASCADE,
    period TEXT NOT NULL,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    segment_id INTEGER NOT NULL,
    priority TEXT,
    response_seconds BIGINT,
    resolution_seconds BIGINT,
    PRIMARY KEY (calendar_id, period, ticket_id)
) WITHOUT ROWID;
INSERT INTO ticket_durations_rebuilt (calendar_id, period, ticket_id, segment_id, priority, response_seconds, resolution_seconds)
SELECT calendar_id, period, ticket_id, segment_id, priority, response_seconds, resolution_seconds FROM ticket_durations;
DROP TABLE ticket_durations;
ALTER TABLE ticket_durations_rebuilt RENAME TO ticket_durations;
CREATE INDEX ticket_durations_ticket_idx ON ticket_durations (ticket_id);
