-- DDL that a corpus load (newsagg.core.corpus.CorpusLoader) has to re-run: the indexes and constraints it dropped
-- before copying rows on several connections, in the order that restores them. The drop and this record commit
-- together, and the restore deletes the rows it re-ran in the same transaction, so after a crash whatever is listed
-- here is exactly what is missing. Empty except while a load runs or after one was killed.
CREATE TABLE seed_pending_ddl (
    position INTEGER PRIMARY KEY,
    ddl      TEXT NOT NULL
);
