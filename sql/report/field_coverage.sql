-- field_coverage: the field coverage of the last run that recorded one (crawl_coverage): share of its
-- articles with each field, the recent runs' median it was judged by, and whether it collapsed.
-- One row per field, in the item's order (warehouse.coverage.recorded_fields).
with

coverage as (
    select * from internal.crawl_coverage
),

runs as (
    select run_id, started_at from crawl_runs
),

last_run as (
    select coverage.run_id
    from coverage
    join runs using (run_id)
    order by runs.started_at desc, coverage.run_id desc
    limit 1
),

fields as (
    select
        run_id, field, items, present, share, baseline, baseline_runs, flagged,
        array_position(
            ['title', 'published_at', 'period_start', 'period_end', 'published_on', 'authors', 'category_status',
             'category_status_text', 'photo_credit', 'body', 'similar_links'], field
        ) as item_order
    from coverage
    where run_id = (select run_id from last_run)
)

select run_id, field, items, present, share, baseline, baseline_runs, flagged from fields
order by item_order nulls last, field
