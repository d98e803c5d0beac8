-- The answers' key moves to one row per respondent and segment (PostgreSQL; keep the name in
-- step with ../../sqlite/). Issue 16: a B-tree entry per answer was most of a million-answer
-- import on PostgreSQL, whatever its columns (measured in psql: 1.0-1.3 s of 1.7-1.9 s, the
-- same for a unique key, a plain index and a one-column index), and an index per answer is
-- what nothing but the key needed: answers are only ever inserted, and read in full or by
-- respondent.
-- * answer_keys holds, for each respondent and segment, the requirements answered: one index
--   entry per questionnaire instead of one per answer. The rule stays one answer per
--   respondent for a requirement and segment; every write of answers takes its keys here in
--   its transaction (db::responses), an upsert that adds requirements only when none is taken
--   yet, so of two concurrent writers of one key the second waits on the row and is refused.
-- * kano_responses keeps the answers without an index (a heap in insertion order).
-- `kanogap recount` rebuilds these rows with the grids.
CREATE TABLE answer_keys (
    respondent TEXT COLLATE "C" NOT NULL,
    segment_id INTEGER NOT NULL,
    requirement_ids INTEGER[] NOT NULL,
    PRIMARY KEY (respondent, segment_id)
);
INSERT INTO answer_keys (respondent, segment_id, requirement_ids)
SELECT respondent, segment_id, array_agg(requirement_id ORDER BY requirement_id)
FROM kano_responses GROUP BY respondent, segment_id;
ALTER TABLE kano_responses DROP CONSTRAINT kano_responses_pkey;
