-- Which requirements, segments and sessions have answers (PostgreSQL; keep the name in step
-- with ../../sqlite/). Issue 16: the answer grids' three foreign keys were checked by a trigger
-- per grid, 300 000 checks and most of a million-answer import's write of its 100 000 grids.
-- The references move to one row per requirement, segment and session that has answers, which
-- every write of answers inserts (ON CONFLICT DO NOTHING) in its transaction beside the grids:
-- one check per newly answered requirement instead of one per grid. The rules stay: a
-- requirement, segment or session with answers cannot be removed (these rows' keys refuse
-- it), and answers cannot name a missing one (the insert's key check, which also locks the
-- parent row against a concurrent removal). `kanogap recount` rebuilds these rows with the
-- grids; the consistency tests hold every grid's references here.
CREATE TABLE answered_requirements (requirement_id INTEGER PRIMARY KEY REFERENCES requirements (id));
CREATE TABLE answered_segments (segment_id INTEGER PRIMARY KEY REFERENCES segments (id));
CREATE TABLE answered_sessions (session_id INTEGER PRIMARY KEY REFERENCES sessions (id));
INSERT INTO answered_requirements SELECT DISTINCT requirement_id FROM answer_counts;
INSERT INTO answered_segments SELECT DISTINCT segment_id FROM answer_counts;
INSERT INTO answered_sessions SELECT DISTINCT session_id FROM answer_counts WHERE session_id <> 0;
ALTER TABLE answer_counts
    DROP CONSTRAINT answer_counts_requirement_id_fkey,
    DROP CONSTRAINT answer_counts_segment_id_fkey,
    DROP CONSTRAINT answer_counts_session_ref_fkey;
-- Only the session key used it (its removal looked the grids up).
DROP INDEX answer_counts_session_ref_idx;
ALTER TABLE answer_counts DROP COLUMN session_ref;
