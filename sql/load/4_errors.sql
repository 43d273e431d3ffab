-- Error records of the group, and article records too incomplete to store, go to crawl_errors.
-- $run_id: the run every batch of the group belongs to (from the file names, <run_id>-<seq>.jsonl);
-- $now is the loader's clock.

insert into crawl_errors (run_id, url, kind, message, occurred_at)
select $run_id, coalesce(url, '(unknown)'), coalesce(kind, 'unknown'), message, coalesce(occurred_at, $now)
from _load_raw
where record = 'error'

union all

select $run_id, coalesce(url, '(unknown)'), 'invalid', 'article record lacks ' || missing, seen_at
from _load_invalid;
