-- A warehouse made before the log moved to `internal` keeps it in main._schema_migrations: its
-- records are carried over (the migrations they name must not run again) and the old table
-- dropped, in one transaction.
insert or ignore into internal._schema_migrations (name, applied_at)
select name, applied_at from main._schema_migrations;

drop table main._schema_migrations;
