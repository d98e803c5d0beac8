-- A grid's ten sums packed in one stored value (PostgreSQL; keep the name in step with
-- ../../sqlite/). A report reads each grid's key and its 10 sums; PostgreSQL spends about as
-- long formatting and sending each column of a row as reading it (issue 16, measured with
-- `COPY (SELECT ...) TO '/dev/null'` over 100 000 grids: 70 ms for the key and 10 sums as
-- columns, 33 ms for the key and one stored 80-byte value, 73 ms when the value is packed at
-- read time). So the 8 generated sums (migration 000024) and the importance become one
-- generated `sums`: ten big-endian 64-bit integers, in the order A, O, M, I, R, Q pairs,
-- Σ functional score, Σ dysfunctional score, importance sum, importance count, unpacked by
-- `db::responses::PackedSums`. It stays right after the key (migration 000027), and the
-- cells remain the record. Nothing references answer_counts (migration 000026).
CREATE TABLE answer_counts_rebuilt (
    segment_id INTEGER NOT NULL,
    requirement_id INTEGER NOT NULL,
    session_id INTEGER NOT NULL,
    sums BYTEA GENERATED ALWAYS AS (
        int8send(n12 + n13 + n14)
        || int8send(n15)
        || int8send(n25 + n35 + n45)
        || int8send(n22 + n23 + n24 + n32 + n33 + n34 + n42 + n43 + n44)
        || int8send(n21 + n31 + n41 + n51 + n52 + n53 + n54)
        || int8send(n11 + n55)
        || int8send((4) * (n11 + n12 + n13 + n14 + n15) + (2) * (n21 + n22 + n23 + n24 + n25) + (-1) * (n41 + n42 + n43 + n44 + n45) + (-2) * (n51 + n52 + n53 + n54 + n55))
        || int8send((-2) * (n11 + n21 + n31 + n41 + n51) + (-1) * (n12 + n22 + n32 + n42 + n52) + (2) * (n14 + n24 + n34 + n44 + n54) + (4) * (n15 + n25 + n35 + n45 + n55))
        || int8send(importance_sum)
        || int8send(importance_n)
    ) STORED,
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
