-- summary: one row, the report's header: what the selection holds and what the warehouse holds.
-- Columns: articles (dated articles in the selection; equals the sum of trend_monthly.articles
--          over it), english, russian, belarusian, first_month, last_month, categories,
--          articles_in_warehouse (all articles, dated or not), undated_in_warehouse (neither a date
--          nor a week: no published_on).
-- Params: $since, $category.
with

articles as (
    select * from stg_articles
),

selected as (
    select * from articles
    where month is not null
        and ($since::date is null or month >= $since::date)
        and ($category::varchar is null or category = $category::varchar)
),

summarised as (
    select
        (select count(*) from selected) as articles,
        (select count(*) from selected where language = 'en') as english,
        (select count(*) from selected where language = 'ru') as russian,
        (select count(*) from selected where language = 'be') as belarusian,
        (select min(month) from selected) as first_month,
        (select max(month) from selected) as last_month,
        (select count(distinct category) from selected) as categories,
        (select count(*) from articles) as articles_in_warehouse,
        (select count(*) from articles where month is null) as undated_in_warehouse
)

select * from summarised
