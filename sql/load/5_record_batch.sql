-- Mark the batch file as loaded, in the same transaction as its rows: loading the same file
-- again finds this row and does nothing (exactly once). The last statement's row is what
-- Warehouse.load_batch reports.

insert into _loaded_batches
    (batch, run_id, loaded_at, articles_new, articles_updated, articles_unchanged, articles_invalid, errors)
select
    $batch,
    $run_id,
    $now,
    count(*) filter (where outcome = 'new'),
    count(*) filter (where outcome = 'updated'),
    -- a 304 revalidation is an unchanged article too
    count(*) filter (where outcome = 'unchanged') + (select count(*) from _load_revisits where record = 'seen'),
    (select count(*) from _load_invalid),
    (select count(*) from _load_raw where record = 'error')
from _load_articles;

select articles_new, articles_updated, articles_unchanged, articles_invalid, errors
from _loaded_batches
where batch = $batch;
