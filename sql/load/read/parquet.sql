-- Read a group of staging batches (Parquet, see warehouse/staging.py) into _load_raw, for
-- ../1_stage.sql. Each file was written from read/jsonl.sql's table, without its `batch`, so it
-- has the same columns and types, `ordinality` (the record's line in its spool batch) included.
-- Parameters: $batch_paths (the .parquet files of one run, in name order). union_by_name: a batch
-- staged by an earlier version lacks newer columns (the loader adds any column no file has).

create or replace temp table _load_raw as
select
    * exclude (filename, ordinality),
    parse_filename(filename) as batch,
    -- the files in order, then each one's lines in order: later lines win
    row_number() over (order by filename, ordinality) as ordinality
from read_parquet($batch_paths, filename = true, union_by_name = true);
