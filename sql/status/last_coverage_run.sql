-- The latest run that recorded its field coverage.
select run_id
from internal.crawl_coverage join crawl_runs using (run_id)
order by started_at desc, run_id desc
limit 1;
