-- stg_articles: one row per article (its latest version), typed for the views downstream.
-- Columns: every column of `articles` (as ../../shared/CONTRACT.md says), and
--          published_local (timestamp: published_at on the Minsk wall clock),
--          published_on (date: the Minsk calendar day of published_at, or else period_end),
--          month (date, first day of published_on's month; NULL when the page shows no date).
-- Every trend view buckets by published_on: a dated page by the day it was published, a weekly
-- one by the last day of the week it covers (so a week across a month or year end counts in
-- the month it ends in, the month the commentary was written in).
-- The day is taken on the Minsk wall clock, not the session's: timezone() with a named zone
-- gives the same local time whatever `TimeZone` the analyst's session has, so an article
-- published at 00:30 on 1 March in Minsk is a March article everywhere.
create or replace view stg_articles as
with

source as (
    select * from articles
),

dated as (
    select
        *,
        timezone('Europe/Minsk', published_at) as published_local,
        coalesce(cast(timezone('Europe/Minsk', published_at) as date), period_end) as published_on
    from source
),

bucketed as (
    select *, cast(date_trunc('month', published_on) as date) as month
    from dated
)

select * from bucketed
