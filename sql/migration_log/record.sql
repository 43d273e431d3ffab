-- A migration file applied: its row in the log, in the migration's own transaction.
insert into internal._schema_migrations (name, applied_at) values ($name, $at);
