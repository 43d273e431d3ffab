-- latest_articles: the five newest dated articles of the selection, whose neighbours the report lists.
-- published_local is the Minsk wall clock. Params: $since, $category.
with

articles as (
    select * from stg_articles
),

selected as (
    select url, title, language, category, category_status, published_at, published_local
    from articles
    where month is not null
        and ($since::date is null or month >= $since::date)
        and ($category::varchar is null or category = $category::varchar)
)

select * from selected
order by published_at desc, url
limit 5
