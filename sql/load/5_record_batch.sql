-- Mark each batch file of the group as loaded, in the same transaction as its rows: loading the
-- same file again finds its row and does nothing (exactly once). Each file's row counts what
-- came from it. The last statement's row (the group's totals) is what Warehouse.load_batches
-- reports. Parameters: $batches (the group's file names), $run_id, $now.

insert into internal._loaded_batches
    (batch, run_id, loaded_at, articles_new, articles_updated, articles_unchanged, articles_invalid, errors)
with

batches as (
    select unnest($batches::varchar[]) as batch
),

articles as (
    select
        batch,
        count(*) filter (where outcome = 'new') as new,
        count(*) filter (where outcome in ('updated', 'earlier')) as updated,
        count(*) filter (where outcome in ('unchanged', 'seen_earlier')) as unchanged
    from _load_articles
    group by batch
),

not_modified as (
    -- a 304 revalidation is an unchanged article too
    select batch, count(*) as seen from _load_revisits where record = 'seen' group by batch
),

invalid as (
    select batch, count(*) as invalid from _load_invalid group by batch
),

errors as (
    select batch, count(*) as errors from _load_raw where record = 'error' group by batch
)

select
    batch, $run_id, $now,
    coalesce(articles.new, 0),
    coalesce(articles.updated, 0),
    coalesce(articles.unchanged, 0) + coalesce(not_modified.seen, 0),
    coalesce(invalid.invalid, 0),
    coalesce(errors.errors, 0)
from batches
left join articles using (batch)
left join not_modified using (batch)
left join invalid using (batch)
left join errors using (batch);

select
    sum(articles_new), sum(articles_updated), sum(articles_unchanged), sum(articles_invalid), sum(errors)
from internal._loaded_batches
where list_contains($batches::varchar[], batch);
