-- Answer count sums (PostgreSQL). Keep in step with ../../sqlite/ (same migration names).
-- What classification needs of each grid, stored beside its cells (issue 16): the pairs per
-- Kano category (the evaluation table of domain::kano: A, O, M, I, R, Q) and the totals of the
-- DuMouchel scores (functional 4 2 0 -1 -2, dysfunctional -2 -1 0 2 4 from like to dislike).
-- Generated columns, so every writer of the cells keeps them without knowing of them; a
-- report reads 10 columns instead of adding up the 25 cells per grid on every read.
-- tests/service.rs checks them against the domain's sums after every kind of write.
ALTER TABLE answer_counts
    ADD COLUMN pairs_a BIGINT GENERATED ALWAYS AS (n12 + n13 + n14) STORED,
    ADD COLUMN pairs_o BIGINT GENERATED ALWAYS AS (n15) STORED,
    ADD COLUMN pairs_m BIGINT GENERATED ALWAYS AS (n25 + n35 + n45) STORED,
    ADD COLUMN pairs_i BIGINT GENERATED ALWAYS AS (n22 + n23 + n24 + n32 + n33 + n34 + n42 + n43 + n44) STORED,
    ADD COLUMN pairs_r BIGINT GENERATED ALWAYS AS (n21 + n31 + n41 + n51 + n52 + n53 + n54) STORED,
    ADD COLUMN pairs_q BIGINT GENERATED ALWAYS AS (n11 + n55) STORED,
    ADD COLUMN functional_score BIGINT GENERATED ALWAYS AS ((4) * (n11 + n12 + n13 + n14 + n15) + (2) * (n21 + n22 + n23 + n24 + n25) + (-1) * (n41 + n42 + n43 + n44 + n45) + (-2) * (n51 + n52 + n53 + n54 + n55)) STORED,
    ADD COLUMN dysfunctional_score BIGINT GENERATED ALWAYS AS ((-2) * (n11 + n21 + n31 + n41 + n51) + (-1) * (n12 + n22 + n32 + n42 + n52) + (2) * (n14 + n24 + n34 + n44 + n54) + (4) * (n15 + n25 + n35 + n45 + n55)) STORED;
