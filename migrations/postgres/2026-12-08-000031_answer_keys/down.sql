ALTER TABLE kano_responses ADD CONSTRAINT kano_responses_pkey PRIMARY KEY (respondent, segment_id, requirement_id);
DROP TABLE answer_keys;
