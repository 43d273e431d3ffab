-- The recent crawl runs, newest first. Parameters: $recent (how many).
select run_id, spider, started_at, finished_at, finish_reason, pages_fetched,
       items_new, items_updated, items_unchanged, items_invalid, errors, items_undated
from crawl_runs
order by started_at desc, run_id desc
limit $recent;
