-- (name, applied_at) of every migration in an older warehouse's log (main), in order.
select name, applied_at from main._schema_migrations order by name;
