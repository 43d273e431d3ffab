-- Read one spool batch the way the loader does (../load/read/jsonl.sql), to find a batch it
-- would refuse: `warehouse status` runs it on an in-memory connection for each waiting batch.
-- Parameters: $batch_paths (one .jsonl file), $columns (name -> DuckDB type, the loader's).
select count(*)
from read_json($batch_paths, columns = $columns, format = 'newline_delimited');
