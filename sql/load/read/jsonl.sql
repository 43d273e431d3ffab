-- Read a group of spool batches (JSON lines, see warehouse/spool.py) into _load_raw, for
-- ../1_stage.sql. The loader merges a group of batch files of one run in one transaction.
-- Parameters: $batch_paths (the .jsonl files, in name order), $columns (name -> DuckDB type,
-- from warehouse/loader.py): explicit types, so a batch whose records lack a field still reads.
-- warehouse/staging.py writes a staging batch from this same table, so both read alike.

create or replace temp table _load_raw as
select
    * exclude (filename),
    parse_filename(filename) as batch,   -- the file the record came from, for _loaded_batches
    ordinality                           -- 1, 2, ... over the files in order: later lines win
from read_json($batch_paths, columns = $columns, format = 'newline_delimited', filename = true)
    with ordinality;
