-- Read one staging batch (Parquet, see warehouse/staging.py) into _load_raw, for ../1_stage.sql.
-- The file was written from read/jsonl.sql's table, so it has the same columns and types,
-- `ordinality` (the record's line in its spool batch) included.
-- Parameters: $batch_path (the .parquet file).

create or replace temp table _load_raw as
select * from read_parquet($batch_path);
