-- The warehouse's tables: the contract's (main) first, then the bookkeeping (internal).
select table_schema, table_name
from information_schema.tables
where table_catalog = current_database() and table_schema in ('main', 'internal') and table_type = 'BASE TABLE'
order by table_schema <> 'main', table_name;
