-- Each ticket's business durations under each calendar (issue 12), kept in the same
-- transaction as every ticket write and rebuilt for a calendar whose hours, holidays or
-- timezone change, so that a month's counts are an aggregate query over one key range
-- (calendar, month). `priority` is the ticket's, in lower
-- case; a null duration means the ticket lacks that timestamp. Filled by the application
-- (business time needs the calendar): start-up fills it when tickets exist and it is empty.
CREATE TABLE ticket_durations (
    calendar_id INTEGER NOT NULL REFERENCES calendars (id) ON DELETE CASCADE,
    period TEXT NOT NULL,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    segment_id INTEGER NOT NULL,
    priority TEXT,
    response_seconds BIGINT,
    resolution_seconds BIGINT,
    PRIMARY KEY (calendar_id, period, ticket_id)
);
CREATE INDEX ticket_durations_ticket_idx ON ticket_durations (ticket_id);
