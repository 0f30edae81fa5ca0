-- DDL that a corpus load (newsagg.seed.CorpusLoader) has to re-run: the indexes and constraints it dropped
-- before copying rows on several connections, in the order that restores them. The drop and this record commit
-- together, and the restore deletes the rows it re-ran in the same transaction, so after a crash whatever is listed
-- here is exactly what is missing. Empty except while a load runs or after one was killed.
-- The seeder's own migration, in its own history (newsagg_seed_history). IF NOT EXISTS: databases migrated by
-- newsagg 0.1 have the table already, from the core's V2 of then.
CREATE TABLE IF NOT EXISTS seed_pending_ddl (
    position INTEGER PRIMARY KEY,
    ddl      TEXT NOT NULL
);
