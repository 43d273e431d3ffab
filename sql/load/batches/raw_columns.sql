-- The columns the batch was read with into _load_raw (an older staging batch may lack some).
select column_name from (describe _load_raw);
