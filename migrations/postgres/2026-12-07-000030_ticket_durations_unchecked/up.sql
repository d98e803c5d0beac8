-- Ticket durations without a reference check per row (PostgreSQL; keep the name in step with
-- ../../sqlite/). They are derived rows: written only beside the ticket they belong to, in the
-- same transaction (import, demo), removed with their calendar by the operation that deletes
-- it, and rebuilt by `kanogap recount`; tickets are never deleted. Yet their two foreign keys
-- fired a trigger each per row: importing 300 000 tickets under two calendars spent about 8 of
-- its 33 s in 1.2 million checks (`EXPLAIN ANALYZE` of the same 600 000 rows: 15.4 s with the
-- checks, 6.2 s without). The month compares bytes (`COLLATE "C"`, as the answers'
-- respondent): 'YYYY-MM' orders the same, and the key's inserts took about a tenth less.
ALTER TABLE ticket_durations
    DROP CONSTRAINT ticket_durations_calendar_id_fkey,
    DROP CONSTRAINT ticket_durations_ticket_id_fkey;
ALTER TABLE ticket_durations ALTER COLUMN period TYPE TEXT COLLATE "C";
