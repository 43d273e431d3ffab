-- Where this warehouse keeps its migration log: 'internal', 'main' (a warehouse made before the
-- log moved; carried over by the next `warehouse init`), both, or neither (a fresh file).
select table_schema
from information_schema.tables
where table_catalog = current_database() and table_name = '_schema_migrations'
order by table_schema;
