-- Answer counts (PostgreSQL). Keep in step with ../../sqlite/ (same migration names).
-- The 5×5 Kano answer grid per (segment, requirement, wave), kept in the same transaction as
-- every write of kano_responses, so that reports read counts instead of every answer.
-- session_id 0 stands for answers given outside a session (a primary key cannot hold NULL on
-- both databases alike). n<F><D> counts the answers with functional F and dysfunctional D
-- (1 like .. 5 dislike). `kanogap recount` rebuilds the table from kano_responses.
CREATE TABLE answer_counts (
    segment_id INTEGER NOT NULL,
    requirement_id INTEGER NOT NULL,
    session_id INTEGER NOT NULL,
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
    importance_sum BIGINT NOT NULL DEFAULT 0,
    importance_n BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (segment_id, requirement_id, session_id)
);
INSERT INTO answer_counts (segment_id, requirement_id, session_id, n11, n12, n13, n14, n15, n21, n22, n23, n24, n25, n31, n32, n33, n34, n35, n41, n42, n43, n44, n45, n51, n52, n53, n54, n55, importance_sum, importance_n)
SELECT segment_id, requirement_id, COALESCE(session_id, 0),
    SUM(CASE WHEN functional = 1 AND dysfunctional = 1 THEN 1 ELSE 0 END),
    SUM(CASE WHEN functional = 1 AND dysfunctional = 2 THEN 1 ELSE 0 END),
    SUM(CASE WHEN functional = 1 AND dysfunctional = 3 THEN 1 ELSE 0 END),
    SUM(CASE WHEN functional = 1 AND dysfunctional = 4 THEN 1 ELSE 0 END),
    SUM(CASE WHEN functional = 1 AND dysfunctional = 5 THEN 1 ELSE 0 END),
    SUM(CASE WHEN functional = 2 AND dysfunctional = 1 THEN 1 ELSE 0 END),
    SUM(CASE WHEN functional = 2 AND dysfunctional = 2 THEN 1 ELSE 0 END),
    SUM(CASE WHEN functional = 2 AND dysfunctional = 3 THEN 1 ELSE 0 END),
    SUM(CASE WHEN functional = 2 AND dysfunctional = 4 THEN 1 ELSE 0 END),
    SUM(CASE WHEN functional = 2 AND dysfunctional = 5 THEN 1 ELSE 0 END),
    SUM(CASE WHEN functional = 3 AND dysfunctional = 1 THEN 1 ELSE 0 END),
    SUM(CASE WHEN functional = 3 AND dysfunctional = 2 THEN 1 ELSE 0 END),
    SUM(CASE WHEN functional = 3 AND dysfunctional = 3 THEN 1 ELSE 0 END),
    SUM(CASE WHEN functional = 3 AND dysfunctional = 4 THEN 1 ELSE 0 END),
    SUM(CASE WHEN functional = 3 AND dysfunctional = 5 THEN 1 ELSE 0 END),
    SUM(CASE WHEN functional = 4 AND dysfunctional = 1 THEN 1 ELSE 0 END),
    SUM(CASE WHEN functional = 4 AND dysfunctional = 2 THEN 1 ELSE 0 END),
    SUM(CASE WHEN functional = 4 AND dysfunctional = 3 THEN 1 ELSE 0 END),
    SUM(CASE WHEN functional = 4 AND dysfunctional = 4 THEN 1 ELSE 0 END),
    SUM(CASE WHEN functional = 4 AND dysfunctional = 5 THEN 1 ELSE 0 END),
    SUM(CASE WHEN functional = 5 AND dysfunctional = 1 THEN 1 ELSE 0 END),
    SUM(CASE WHEN functional = 5 AND dysfunctional = 2 THEN 1 ELSE 0 END),
    SUM(CASE WHEN functional = 5 AND dysfunctional = 3 THEN 1 ELSE 0 END),
    SUM(CASE WHEN functional = 5 AND dysfunctional = 4 THEN 1 ELSE 0 END),
    SUM(CASE WHEN functional = 5 AND dysfunctional = 5 THEN 1 ELSE 0 END),
    COALESCE(SUM(importance), 0), COUNT(importance)
FROM kano_responses
GROUP BY segment_id, requirement_id, COALESCE(session_id, 0);
-- The answers' secondary indexes served the per-segment GROUP BYs and "answered by my
-- segments" filters, which now read answer_counts; every import paid for them per row.
DROP INDEX kano_responses_segment_idx;
DROP INDEX kano_responses_session_idx;
