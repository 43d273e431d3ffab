-- The highest block of the file a table's data lives in (NULL for a table held in its
-- metadata alone). Parameters: $table ('schema.table').
select max(block_id) from pragma_storage_info($table) where block_id >= 0;
