-- Nothing to do on SQLite (the name is kept in step with ../../postgres/). The order of the
-- columns is a PostgreSQL matter here: its gap report reads the grids over the network from a
-- row walked column by column; SQLite's report meets its goal, and rebuilding its table (with
-- its foreign keys and generated columns, migration 000025) was not measured to gain.
SELECT 1;
