-- Read one spool batch (JSON lines, see warehouse/spool.py) into _load_raw, for ../1_stage.sql.
-- Parameters: $batch_path (the .jsonl file), $columns (name -> DuckDB type, from
-- warehouse/loader.py): explicit types, so a batch whose records lack a field still reads.
-- warehouse/staging.py writes a staging batch from this same table, so both read alike.

create or replace temp table _load_raw as
select *   -- `ordinality` = line number in the file, 1-based
from read_json($batch_path, columns = $columns, format = 'newline_delimited') with ordinality;
