-- The migration log: one row per sql/schema/ file applied (warehouse/migrate.py). It lives in the
-- schema `internal` with the rest of the bookkeeping, out of the analysts' `main`.
create schema if not exists internal;

create table if not exists internal._schema_migrations (
    name        varchar primary key,   -- file name, e.g. 0001_core_tables.sql
    applied_at  timestamptz not null
);
