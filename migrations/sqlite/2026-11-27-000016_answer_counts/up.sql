-- Answer counts (SQLite). Keep in step with ../../postgres/ (same migration names).
-- The 5×5 Kano answer grid per (segment, requirement, wave), kept in the same transaction as
-- every write of kano_responses, so that reports read counts instead of every answer.
-- session_id 0 stands for answers given outside a session (a primary key cannot hold NULL on
-- both databases alike). n<F><D> counts the answers with functional F and dysfunctional D
-- (1 like .. 5 dislike). `kanogap recount` rebuilds the table from kano_responses.
CREATE TABLE answer_counts (
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
