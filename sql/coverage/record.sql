-- Warehouse.record_coverage, statement 1: one crawl run's field coverage (crawl_coverage), each
-- field with the baseline it is judged by: the median share of the last $window earlier runs that
-- ended 'finished', scraped at least $min_items articles and were not flagged for that field.
-- Flagged: a field in $checked whose share fell below $ratio × baseline and more than $absolute
-- under it, in a run of at least $min_items articles. $rows: JSON list of {field, items, present,
-- rules}. Fields and rule names: warehouse/coverage.py.
insert into internal.crawl_coverage (run_id, field, items, present, share, rules, baseline, baseline_runs, flagged)
with given as (
    select unnest(json_transform(
        $rows, '[{"field": "VARCHAR", "items": "INTEGER", "present": "INTEGER", "rules": "MAP(VARCHAR, INTEGER)"}]'
    )) as r
),
current_run as (
    select r.field, r.items, r.present, r.present / nullif(r.items, 0) as share, coalesce(r.rules, map()) as rules
    from given
),
earlier as (
    select c.field, c.share,
           row_number() over (partition by c.field order by runs.started_at desc, runs.run_id desc) as recency
    from internal.crawl_coverage c
    join crawl_runs runs using (run_id)
    where c.run_id <> $run_id and runs.finish_reason = 'finished' and c.items >= $min_items and not c.flagged
),
baseline as (
    select field, median(share) as baseline, count(*) as runs
    from earlier where recency <= $window group by field
)
select $run_id, field, items, present, share, rules, baseline.baseline, coalesce(baseline.runs, 0),
       coalesce(
           list_contains($checked::varchar[], field) and items >= $min_items
           and share < baseline.baseline * $ratio and baseline.baseline - share > $absolute,
           false)
from current_run left join baseline using (field);
