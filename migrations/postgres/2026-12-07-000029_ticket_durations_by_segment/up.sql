-- A month's durations keyed by segment within the month (keep the name in step with
-- ../../sqlite/, which explains it): one month of one segment is one key range. A ticket has
-- one segment, so the key stays one row per ticket, calendar and month.
ALTER TABLE ticket_durations DROP CONSTRAINT ticket_durations_pkey;
ALTER TABLE ticket_durations ADD CONSTRAINT ticket_durations_pkey PRIMARY KEY (calendar_id, period, segment_id, ticket_id);
