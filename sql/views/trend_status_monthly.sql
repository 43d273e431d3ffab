-- trend_status_monthly: one row per month × category × category_status, for every month from
-- the first article with a published_on to the last, every category and every status such an article has.
-- Columns: month (date, first day of the Minsk calendar month of stg_articles.published_on), category,
--          category_status (NULL counts the articles whose page shows no status),
--          articles (0 when none).
-- Summed over category_status, articles equals trend_monthly.articles.
-- Articles with neither a publication date nor a week (published_on NULL) are left out.
create or replace view trend_status_monthly as
with

articles as (
    select * from stg_articles
    where month is not null
),

bounds as (
    select min(month) as first_month, max(month) as last_month
    from articles
),

months as (
    select cast(month as date) as month
    from bounds, range(first_month, last_month + interval 1 month, interval 1 month) as m(month)
),

categories as (
    select distinct category from articles
),

statuses as (
    select distinct category_status from articles
),

published as (
    select month, category, category_status, count(*) as articles
    from articles
    group by month, category, category_status
),

filled as (
    select
        months.month,
        categories.category,
        statuses.category_status,
        coalesce(published.articles, 0) as articles
    from months
    cross join categories
    cross join statuses
    left join published
        on published.month = months.month
        and published.category = categories.category
        -- NULL is a status of its own here (no status shown), so compare it as a value
        and published.category_status is not distinct from statuses.category_status
)

select * from filled
order by month, category, category_status nulls last
