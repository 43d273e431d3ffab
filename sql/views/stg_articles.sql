-- stg_articles: one row per article (its latest version), typed for the views downstream.
-- Columns: url, language, category, category_status, title, body,
--          published_at (timestamptz), published_local (timestamp, Minsk wall clock),
--          month (date, first day of the Minsk calendar month; NULL when the page shows no date).
-- The month is taken on the Minsk wall clock, not the session's: timezone() with a named zone
-- gives the same local time whatever `TimeZone` the analyst's session has, so an article
-- published at 00:30 on 1 March in Minsk is a March article everywhere.
create or replace view stg_articles as
with

source as (
    select * from articles
),

renamed as (
    select
        ---- ids
        url,
        language,
        category,
        category_status,
        ---- text
        title,
        body,
        ---- timestamps
        published_at,
        timezone('Europe/Minsk', published_at) as published_local,
        cast(date_trunc('month', timezone('Europe/Minsk', published_at)) as date) as month
    from source
)

select * from renamed
