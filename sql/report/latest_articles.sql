-- latest_articles: the five newest articles of the selection (by published_on: the Minsk day of
-- publication, or the last day of the week a weekly page covers), whose neighbours the report
-- lists. published_local is the Minsk wall clock (NULL on a weekly page: it shows no time of day);
-- period_start/period_end the week covered; authors the page's author line (empty: none named).
-- Params: $since, $category.
with

articles as (
    select * from stg_articles
),

selected as (
    select
        url, title, authors, language, category, category_status, category_status_text,
        published_at, published_local, period_start, period_end, published_on
    from articles
    where month is not null
        and ($since::date is null or month >= $since::date)
        and ($category::varchar is null or category = $category::varchar)
)

select * from selected
order by published_on desc, published_at desc nulls last, url
limit 5
