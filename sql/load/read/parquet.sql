-- Read a group of staging batches (Parquet, see warehouse/staging.py) into _load_raw, for
-- ../1_stage.sql. Each file was written from read/jsonl.sql's table, without its `batch`, so it
-- has the same columns and types, `ordinality` (the record's line in its spool batch) included.
-- Parameters: $batch_paths (the .parquet files of one run, in name order).

create or replace temp table _load_raw as
select
    * exclude (filename, ordinality),
    parse_filename(filename) as batch,
    -- the files in order, then each one's lines in order: later lines win
    row_number() over (order by filename, ordinality) as ordinality
from read_parquet($batch_paths, filename = true);
