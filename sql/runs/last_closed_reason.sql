-- How the latest closed crawl run ended (open runs are not closed yet).
select finish_reason from crawl_runs where finished_at is not null order by started_at desc limit 1;
