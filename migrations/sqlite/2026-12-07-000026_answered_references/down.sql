-- Nothing to do on SQLite (the name is kept in step with ../../postgres/): there the answer
-- grids keep their foreign keys, which SQLite checks inline with a lookup in the parent's key,
-- not with a trigger per row as PostgreSQL does.
SELECT 1;
