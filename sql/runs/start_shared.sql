-- A run's row when more than one writer may record it: a shared crawl's workers' manifests
-- (warehouse/staging_load.py), or a crawl whose end found the warehouse busy and kept the run in
-- its spool (warehouse/spooled_runs.py). The first makes the row; the next leave it as it is.
insert into crawl_runs (run_id, spider, started_at) values ($run_id, $spider, $at)
on conflict do nothing;
