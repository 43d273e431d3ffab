-- The catalog's spelling of the table or view to export ($name, any case; an exact match first).
select table_name from information_schema.tables
where table_schema = 'main' and lower(table_name) = lower($name)
order by table_name = $name desc;
