-- Back to the answers with an id, their own references and the key led by requirement; the
-- grids without references.
CREATE TABLE kano_responses_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    requirement_id INTEGER NOT NULL REFERENCES requirements (id),
    segment_id INTEGER NOT NULL REFERENCES segments (id),
    session_id INTEGER REFERENCES sessions (id),
    respondent TEXT NOT NULL,
    functional INTEGER NOT NULL CHECK (functional BETWEEN 1 AND 5),
    dysfunctional INTEGER NOT NULL CHECK (dysfunctional BETWEEN 1 AND 5),
    importance INTEGER CHECK (importance BETWEEN 1 AND 5),
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO kano_responses_old (requirement_id, segment_id, session_id, respondent, functional, dysfunctional, importance, created_at)
SELECT requirement_id, segment_id, session_id, respondent, functional, dysfunctional, importance, created_at FROM kano_responses;
DROP TABLE kano_responses;
ALTER TABLE kano_responses_old RENAME TO kano_responses;
CREATE UNIQUE INDEX kano_responses_respondent_key ON kano_responses (requirement_id, segment_id, respondent);
DROP INDEX answer_counts_requirement_idx;
DROP INDEX answer_counts_session_ref_idx;
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
    PRIMARY KEY (segment_id, requirement_id, session_id)
) WITHOUT ROWID;
INSERT INTO answer_counts_new (segment_id, requirement_id, session_id, n11, n12, n13, n14, n15, n21, n22, n23, n24, n25, n31, n32, n33, n34, n35, n41, n42, n43, n44, n45, n51, n52, n53, n54, n55, importance_sum, importance_n)
SELECT segment_id, requirement_id, session_id, n11, n12, n13, n14, n15, n21, n22, n23, n24, n25, n31, n32, n33, n34, n35, n41, n42, n43, n44, n45, n51, n52, n53, n54, n55, importance_sum, importance_n FROM answer_counts;
DROP TABLE answer_counts;
ALTER TABLE answer_counts_new RENAME TO answer_counts;
