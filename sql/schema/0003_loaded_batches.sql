-- Bookkeeping of the loader (not part of the CONTRACT): one row per spool/staging batch file
-- merged into the warehouse. The loader inserts it in the same transaction as the batch's rows,
-- so loading the same file twice is a no-op: batches are loaded exactly once.
create table _loaded_batches (
    batch               varchar primary key,   -- file name, e.g. 20240101T000000-ab12-000003.jsonl
    run_id              varchar not null,      -- from the file name: <run_id>-<seq>.jsonl
    loaded_at           timestamptz not null,
    articles_new        integer not null,
    articles_updated    integer not null,
    articles_unchanged  integer not null,
    articles_invalid    integer not null,
    errors              integer not null
);
