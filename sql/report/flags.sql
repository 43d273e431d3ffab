-- flags: what wants an analyst's look before trusting the trends. One row per flag:
-- kind, subject, detail. (Failing data checks, sql/checks/*.sql, are added by the report.)
--   coverage    a field of the last run with coverage collapsed against the recent runs (layout drift);
--   run         one of the last 10 runs that did not finish normally (interrupted, still running, ...);
--   undated     articles stored with neither a date nor a week: they are in no monthly trend;
--   gone        articles that now answer 404/410 (kept, with gone_at);
--   status      articles whose page shows a status in words the extractor could not map
--               (category_status NULL, the words in category_status_text): in no status trend.
with

runs as (
    select * from crawl_runs
    order by started_at desc, run_id desc
    limit 10
),

coverage as (
    select * from internal.crawl_coverage
),

errors as (
    select * from crawl_errors
),

articles as (
    select * from articles
),

last_coverage_run as (
    select coverage.run_id
    from coverage
    join crawl_runs using (run_id)
    order by crawl_runs.started_at desc, coverage.run_id desc
    limit 1
),

collapsed as (
    select
        'coverage' as kind,
        coverage.field as subject,
        coalesce(
            (select min(message) from errors
             where errors.run_id = coverage.run_id and errors.kind = 'coverage' and errors.message ilike '%' || coverage.field || '%'),
            format('run {}: {} of {} articles have it', coverage.run_id, coverage.present, coverage.items)
        ) as detail
    from coverage
    where coverage.run_id = (select run_id from last_coverage_run)
        and coverage.flagged
),

unfinished as (
    select
        'run' as kind,
        run_id as subject,
        format('finish_reason {}', coalesce(finish_reason, 'none: still running or killed')) as detail
    from runs
    where finish_reason is distinct from 'finished'
),

undated as (
    select
        'undated' as kind,
        'articles' as subject,
        format('{} article(s) with neither a date nor a week are in no monthly trend', count(*)) as detail
    from stg_articles
    where published_on is null
    having count(*) > 0
),

gone as (
    select
        'gone' as kind,
        'articles' as subject,
        format('{} article(s) now answer 404/410 (kept, articles.gone_at is set)', count(*)) as detail
    from articles
    where gone_at is not null
    having count(*) > 0
),

status_words as (
    select
        'status' as kind,
        'articles' as subject,
        format('{} article(s) show a status in words not understood, e.g. “{}”: category_status is NULL',
               count(*), min(category_status_text)) as detail
    from articles
    where category_status is null and category_status_text is not null
    having count(*) > 0
)

select * from collapsed
union all select * from unfinished
union all select * from undated
union all select * from gone
union all select * from status_words
