-- (name, applied_at) of every migration the log in `internal` records, in order.
select name, applied_at from internal._schema_migrations order by name;
