-- Answer count sums (SQLite). Keep in step with ../../postgres/ (same migration names).
-- What classification needs of each grid, stored beside its cells (issue 16): the pairs per
-- Kano category (the evaluation table of domain::kano: A, O, M, I, R, Q) and the totals of the
-- DuMouchel scores (functional 4 2 0 -1 -2, dysfunctional -2 -1 0 2 4 from like to dislike).
-- Generated columns, so every writer of the cells keeps them without knowing of them; a
-- report reads 10 columns instead of adding up the 25 cells per grid on every read.
-- tests/service.rs checks them against the domain's sums after every kind of write.
-- SQLite cannot add a stored generated column to a table: the table is rebuilt.
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
