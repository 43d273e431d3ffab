-- A crawl run starts: its row in crawl_runs, open (finished_at NULL) until finish.sql closes it.
insert into crawl_runs (run_id, spider, started_at) values ($run_id, $spider, $at);
