-- The latest crawl run.
select run_id from crawl_runs order by started_at desc, run_id desc limit 1;
