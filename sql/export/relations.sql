-- The tables and views `warehouse export` offers when a name is wrong (none named _...).
select table_name from information_schema.tables where table_schema = 'main'
and table_name not like '\_%' escape '\' order by table_name;
