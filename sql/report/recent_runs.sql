-- recent_runs: the last 10 crawl runs (crawl_runs), newest first.
with

runs as (
    select * from crawl_runs
)

select
    run_id, started_at, finished_at, finish_reason, pages_fetched,
    items_new, items_updated, items_unchanged, items_invalid, errors, items_undated
from runs
order by started_at desc, run_id desc
limit 10
