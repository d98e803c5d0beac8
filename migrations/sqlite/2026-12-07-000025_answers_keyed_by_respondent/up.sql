-- The answers are keyed by respondent, segment and requirement, and their references move to
-- the answer counts (keep the name in step with ../../postgres/). Issue 16: a million-answer
-- import spent most of its time on the answers' key, id and references.
-- * The key leads with the respondent: a survey export comes respondent by respondent, so an
--   import writes the key nearly in order; keyed by requirement first, every answer landed
--   somewhere else in it. Same three columns, same rule: one answer per respondent for a
--   requirement and segment. Readers look answers up by respondent.
-- * It is the primary key of a WITHOUT ROWID table: one b-tree per answer instead of the
--   table's and the index's, and no AUTOINCREMENT counter written per statement (the `id`
--   nothing read).
-- * The references to requirement, segment and session are checked once per grid in
--   answer_counts (written in the same transaction as the answers; `kanogap recount` and the
--   consistency tests hold them equal), as on PostgreSQL since migration 000023, instead of
--   three lookups per answer. A requirement, segment or session with answers still cannot be
--   removed, and no answer can name a missing one.
-- SQLite can change neither a key nor a reference in place: both tables are rebuilt.
CREATE TABLE kano_responses_new (
    requirement_id INTEGER NOT NULL,
    segment_id INTEGER NOT NULL,
    session_id INTEGER,
    respondent TEXT NOT NULL,
    -- Answers 1..5: like, must-be, neutral, live-with, dislike.
    functional INTEGER NOT NULL CHECK (functional BETWEEN 1 AND 5),
    dysfunctional INTEGER NOT NULL CHECK (dysfunctional BETWEEN 1 AND 5),
    importance INTEGER CHECK (importance BETWEEN 1 AND 5),
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (respondent, segment_id, requirement_id)
) WITHOUT ROWID;
INSERT INTO kano_responses_new (requirement_id, segment_id, session_id, respondent, functional, dysfunctional, importance, created_at)
SELECT requirement_id, segment_id, session_id, respondent, functional, dysfunctional, importance, created_at FROM kano_responses
ORDER BY respondent, segment_id, requirement_id;
DROP TABLE kano_responses;
ALTER TABLE kano_responses_new RENAME TO kano_responses;
CREATE TABLE answer_counts_new (
    segment_id INTEGER NOT NULL,
    requirement_id INTEGER NOT NULL,
    session_id INTEGER NOT NULL,
    n11 INTEGER NOT NULL DEFAULT 0,
    n12 INTEGER NOT NULL DEFAULT 0,
    n13 INTEGER NOT NULL DEFAULT 0,
    n14 INTEGER NOT NULL DEFAULT 0,
    n15 INTEGER NOT NULL DEFAULT 0,
    n21 INTEGER NOT NULL DEFAULT 0,
    n22 INTEGER NOT NULL DEFAULT 0,
    n23 INTEGER NOT NULL DEFAULT 0,
    n24 INTEGER NOT NULL DEFAULT 0,
    n25 INTEGER NOT NULL DEFAULT 0,
    n31 INTEGER NOT NULL DEFAULT 0,
    n32 INTEGER NOT NULL DEFAULT 0,
    n33 INTEGER NOT NULL DEFAULT 0,
    n34 INTEGER NOT NULL DEFAULT 0,
    n35 INTEGER NOT NULL DEFAULT 0,
    n41 INTEGER NOT NULL DEFAULT 0,
    n42 INTEGER NOT NULL DEFAULT 0,
    n43 INTEGER NOT NULL DEFAULT 0,
    n44 INTEGER NOT NULL DEFAULT 0,
    n45 INTEGER NOT NULL DEFAULT 0,
    n51 INTEGER NOT NULL DEFAULT 0,
    n52 INTEGER NOT NULL DEFAULT 0,
    n53 INTEGER NOT NULL DEFAULT 0,
    n54 INTEGER NOT NULL DEFAULT 0,
    n55 INTEGER NOT NULL DEFAULT 0,
    importance_sum INTEGER NOT NULL DEFAULT 0,
    importance_n INTEGER NOT NULL DEFAULT 0,
    pairs_a INTEGER GENERATED ALWAYS AS (n12 + n13 + n14) STORED,
    pairs_o INTEGER GENERATED ALWAYS AS (n15) STORED,
    pairs_m INTEGER GENERATED ALWAYS AS (n25 + n35 + n45) STORED,
    pairs_i INTEGER GENERATED ALWAYS AS (n22 + n23 + n24 + n32 + n33 + n34 + n42 + n43 + n44) STORED,
    pairs_r INTEGER GENERATED ALWAYS AS (n21 + n31 + n41 + n51 + n52 + n53 + n54) STORED,
    pairs_q INTEGER GENERATED ALWAYS AS (n11 + n55) STORED,
    functional_score INTEGER GENERATED ALWAYS AS ((4) * (n11 + n12 + n13 + n14 + n15) + (2) * (n21 + n22 + n23 + n24 + n25) + (-1) * (n41 + n42 + n43 + n44 + n45) + (-2) * (n51 + n52 + n53 + n54 + n55)) STORED,
    dysfunctional_score INTEGER GENERATED ALWAYS AS ((-2) * (n11 + n21 + n31 + n41 + n51) + (-1) * (n12 + n22 + n32 + n42 + n52) + (2) * (n14 + n24 + n34 + n44 + n54) + (4) * (n15 + n25 + n35 + n45 + n55)) STORED,
    -- The grids hold the references the answers held (0: outside any session).
    session_ref INTEGER GENERATED ALWAYS AS (NULLIF(session_id, 0)) STORED REFERENCES sessions (id),
    PRIMARY KEY (segment_id, requirement_id, session_id),
    FOREIGN KEY (requirement_id) REFERENCES requirements (id),
    FOREIGN KEY (segment_id) REFERENCES segments (id)
) WITHOUT ROWID;
INSERT INTO answer_counts_new (segment_id, requirement_id, session_id, n11, n12, n13, n14, n15, n21, n22, n23, n24, n25, n31, n32, n33, n34, n35, n41, n42, n43, n44, n45, n51, n52, n53, n54, n55, importance_sum, importance_n)
SELECT segment_id, requirement_id, session_id, n11, n12, n13, n14, n15, n21, n22, n23, n24, n25, n31, n32, n33, n34, n35, n41, n42, n43, n44, n45, n51, n52, n53, n54, n55, importance_sum, importance_n FROM answer_counts;
DROP TABLE answer_counts;
ALTER TABLE answer_counts_new RENAME TO answer_counts;
-- A requirement's or session's removal looks its grids up (the key leads with the segment).
CREATE INDEX answer_counts_requirement_idx ON answer_counts (requirement_id);
CREATE INDEX answer_counts_session_ref_idx ON answer_counts (session_ref);
