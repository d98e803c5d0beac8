-- Back to the cells alone.
CREATE TABLE answer_counts_old (
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
    PRIMARY KEY (segment_id, requirement_id, session_id)
) WITHOUT ROWID;
INSERT INTO answer_counts_old (segment_id, requirement_id, session_id, n11, n12, n13, n14, n15, n21, n22, n23, n24, n25, n31, n32, n33, n34, n35, n41, n42, n43, n44, n45, n51, n52, n53, n54, n55, importance_sum, importance_n)
SELECT segment_id, requirement_id, session_id, n11, n12, n13, n14, n15, n21, n22, n23, n24, n25, n31, n32, n33, n34, n35, n41, n42, n43, n44, n45, n51, n52, n53, n54, n55, importance_sum, importance_n FROM answer_counts;
DROP TABLE answer_counts;
ALTER TABLE answer_counts_old RENAME TO answer_counts;
