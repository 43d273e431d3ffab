-- A worker's spool batch, read into _load_raw by sql/load/read/jsonl.sql, written as a staging
-- batch (Parquet) to $out. The loader names a record's batch after the file it reads
-- (read/parquet.sql), so the column is left out.
copy (select * exclude (batch) from _load_raw) to $out (format parquet);
