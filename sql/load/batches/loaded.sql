-- Which of the group's batch files ($names) are loaded already: loading one again is a no-op.
select batch from internal._loaded_batches where list_contains($names::varchar[], batch);
