-- The columns of the exported table or view ($name) with their types, in order.
select column_name, data_type from information_schema.columns
where table_schema = 'main' and table_name = $name order by ordinal_position;
