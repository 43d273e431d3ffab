-- A run's share of articles per field against the recent runs' median it was judged by, in the
-- order of the recorded fields. Parameters: $run, $fields (the recorded fields, in order).
select field, items, present, round(100 * share, 1) as share_pct, round(100 * baseline, 1) as baseline_pct,
       baseline_runs,
       case when flagged then 'COLLAPSED'
            when share is null then 'no articles'
            when baseline is null then 'no baseline yet'
            else 'ok' end as state,
       rules
from internal.crawl_coverage
where run_id = $run
order by array_position($fields::varchar[], field), field;
