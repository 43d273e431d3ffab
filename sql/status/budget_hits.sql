-- The last run's crawl-budget hits (crawl_errors of kind 'budget': a listing too deep, a page
-- with too many links, too many requests queued, the pages-per-run cap): what was cut short.
with last_run as (
    select run_id from crawl_runs order by started_at desc, run_id desc limit 1
)
select e.run_id, count(*) as hits, min(e.message) as example
from crawl_errors e join last_run using (run_id)
where e.kind = 'budget'
group by e.run_id;
