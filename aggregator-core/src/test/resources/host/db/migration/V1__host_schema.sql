-- A host application's own first migration, in Flyway's defaults (public schema, flyway_schema_history).
CREATE TABLE customers (
    id   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL
);
-- A table named like one of the core's, to show that the two schemas keep them apart.
CREATE TABLE sources (
    id    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label TEXT NOT NULL
);
