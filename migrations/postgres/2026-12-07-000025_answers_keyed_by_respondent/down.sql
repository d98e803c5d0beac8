ALTER TABLE kano_responses DROP CONSTRAINT kano_responses_pkey;
ALTER TABLE kano_responses ALTER COLUMN respondent TYPE TEXT COLLATE "default";
CREATE UNIQUE INDEX kano_responses_respondent_key ON kano_responses (requirement_id, segment_id, respondent);
ALTER TABLE kano_responses ADD COLUMN id SERIAL PRIMARY KEY;
