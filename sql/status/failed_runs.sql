-- Runs among the recent ones that did not succeed: ended other than 'finished' (failed, a
-- signal, a budget, a full disk, interrupted) or not ended at all (still running, or dead: the
-- next crawl closes it as 'interrupted'). Parameters: $recent (how many recent runs to look at).
with recent as (
    select * from crawl_runs order by started_at desc, run_id desc limit $recent
)
select run_id, started_at, coalesce(finish_reason, 'not ended') as finish_reason, errors
from recent
where finish_reason is distinct from 'finished'
order by started_at desc, run_id desc;
