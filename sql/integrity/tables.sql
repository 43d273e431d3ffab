-- Every table of the warehouse (contract tables and the internal bookkeeping), as
-- 'schema.table' for pragma_storage_info, and the file's block size.
select schema_name || '.' || table_name as qualified,
       (select block_size from pragma_database_size() where database_name = current_database()) as block_size
from duckdb_tables()
where database_name = current_database() and not temporary
order by qualified;
