-- The layout of migration 000027: the sums as generated columns of their own.
CREATE TABLE answer_counts_rebuilt (
    segment_id INTEGER NOT NULL,
    requirement_id INTEGER NOT NULL,
    session_id INTEGER NOT NULL,
    pairs_a BIGINT GENERATED ALWAYS AS (n12 + n13 + n14) STORED,
    pairs_o BIGINT GENERATED ALWAYS AS (n15) STORED,
    pairs_m BIGINT GENERATED ALWAYS AS (n25 + n35 + n45) STORED,
    pairs_i BIGINT GENERATED ALWAYS AS (n22 + n23 + n24 + n32 + n33 + n34 + n42 + n43 + n44) STORED,
    pairs_r BIGINT GENERATED ALWAYS AS (n21 + n31 + n41 + n51 + n52 + n53 + n54) STORED,
    pairs_q BIGINT GENERATED ALWAYS AS (n11 + n55) STORED,
    functional_score BIGINT GENERATED ALWAYS AS ((4) * (n11 + n12 + n13 + n14 + n15) + (2) * (n21 + n22 + n23 + n24 + n25) + (-1) * (n41 + n42 + n43 + n44 + n45) + (-2) * (n51 + n52 + n53 + n54 + n55)) STORED,
    dysfunctional_score BIGINT GENERATED ALWAYS AS ((-2) * (n11 + n21 + n31 + n41 + n51) + (-1) * (n12 + n22 + n32 + n42 + n52) + (2) * (n14 + n24 + n34 + n44 + n54) + (4) * (n15 + n25 + n35 + n45 + n55)) STORED,
    importance_sum BIGINT NOT NULL DEFAULT 0,
    importance_n BIGINT NOT NULL DEFAULT 0,
    n11 BIGINT NOT NULL DEFAULT 0,
    n12 BIGINT NOT NULL DEFAULT 0,
    n13 BIGINT NOT NULL DEFAULT 0,
    n14 BIGINT NOT NULL DEFAULT 0,
    n15 BIGINT NOT NULL DEFAULT 0,
    n21 BIGINT NOT NULL DEFAULT 0,
    n22 BIGINT NOT NULL DEFAULT 0,
    n23 BIGINT NOT NULL DEFAULT 0,
    n24 BIGINT NOT NULL DEFAULT 0,
    n25 BIGINT NOT NULL DEFAULT 0,
    n31 BIGINT NOT NULL DEFAULT 0,
    n32 BIGINT NOT NULL DEFAULT 0,
    n33 BIGINT NOT NULL DEFAULT 0,
    n34 BIGINT NOT NULL DEFAULT 0,
    n35 BIGINT NOT NULL DEFAULT 0,
    n41 BIGINT NOT NULL DEFAULT 0,
    n42 BIGINT NOT NULL DEFAULT 0,
    n43 BIGINT NOT NULL DEFAULT 0,
    n44 BIGINT NOT NULL DEFAULT 0,
    n45 BIGINT NOT NULL DEFAULT 0,
    n51 BIGINT NOT NULL DEFAULT 0,
    n52 BIGINT NOT NULL DEFAULT 0,
    n53 BIGINT NOT NULL DEFAULT 0,
    n54 BIGINT NOT NULL DEFAULT 0,
    n55 BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (segment_id, requirement_id, session_id)
);
INSERT INTO answer_counts_rebuilt (segment_id, requirement_id, session_id, importance_sum, importance_n, n11, n12, n13, n14, n15, n21, n22, n23, n24, n25, n31, n32, n33, n34, n35, n41, n42, n43, n44, n45, n51, n52, n53, n54, n55)
SELECT segment_id, requirement_id, session_id, importance_sum, importance_n, n11, n12, n13, n14, n15, n21, n22, n23, n24, n25, n31, n32, n33, n34, n35, n41, n42, n43, n44, n45, n51, n52, n53, n54, n55 FROM answer_counts ORDER BY segment_id, requirement_id, session_id;
DROP TABLE answer_counts;
ALTER TABLE answer_counts_rebuilt RENAME TO answer_counts;
ALTER INDEX answer_counts_rebuilt_pkey RENAME TO answer_counts_pkey;
CREATE INDEX answer_counts_requirement_idx ON answer_counts (requirement_id);
