-- The runs (crawl_runs)
select run_id, finish_reason, pages_fetched, items_new, items_updated, items_unchanged,
       items_invalid, errors, items_undated
from crawl_runs order by started_at;
