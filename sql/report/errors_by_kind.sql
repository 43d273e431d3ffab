-- errors_by_kind: crawl_errors of the last 10 runs per kind: how many in the last run, how many in
-- the 10, and the latest one's url and message. One row per kind.
with

runs as (
    select run_id, started_at from crawl_runs
    order by started_at desc, run_id desc
    limit 10
),

last_run as (
    select run_id from runs
    order by started_at desc, run_id desc
    limit 1
),

errors as (
    select * from crawl_errors
    where run_id in (select run_id from runs)
),

by_kind as (
    select
        kind,
        count(*) filter (where run_id = (select run_id from last_run)) as last_run,
        count(*) as recent_runs,
        arg_max(url, occurred_at) as latest_url,
        arg_max(message, occurred_at) as latest_message
    from errors
    group by kind
)

select * from by_kind
order by last_run desc, recent_runs desc, kind
