ALTER TABLE ticket_durations DROP CONSTRAINT ticket_durations_pkey;
ALTER TABLE ticket_durations ADD CONSTRAINT ticket_durations_pkey PRIMARY KEY (calendar_id, period, ticket_id);
