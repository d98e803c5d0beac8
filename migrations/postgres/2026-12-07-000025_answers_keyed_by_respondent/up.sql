-- The answers are keyed by respondent, segment and requirement (keep the name in step with
-- ../../sqlite/). Issue 16: a million-answer import spent most of its time keeping the
-- answers' indexes.
-- * The key leads with the respondent: a survey export comes respondent by respondent, so an
--   import writes the index nearly in order; keyed by requirement first, every answer landed
--   somewhere else in it. Same three columns, same rule: one answer per respondent for a
--   requirement and segment. Readers look answers up by respondent.
-- * It is the primary key: the serial `id` nothing read cost a sequence call and a second
--   index per answer (a second of a million-answer import).
-- * Respondents compare byte by byte (COLLATE "C"), as on SQLite: they are identifiers, not
--   words to sort by a language's rules, and a locale's comparison is slower.
ALTER TABLE kano_responses DROP COLUMN id;
DROP INDEX kano_responses_respondent_key;
ALTER TABLE kano_responses ALTER COLUMN respondent TYPE TEXT COLLATE "C";
ALTER TABLE kano_responses ADD CONSTRAINT kano_responses_pkey PRIMARY KEY (respondent, segment_id, requirement_id);
