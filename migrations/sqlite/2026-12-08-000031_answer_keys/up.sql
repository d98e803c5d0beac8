-- Nothing to do on SQLite (the name is kept in step with ../../postgres/). PostgreSQL keeps
-- the answers' key in a row per respondent and segment; SQLite's import meets its goal with
-- the key on every answer, and one writer at a time needs no other guard.
SELECT 1;
