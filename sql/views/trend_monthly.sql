-- trend_monthly: one row per month × category, for every month from the first article with a published_on
-- to the last and every category that has one.
-- Columns: month (date, first day of the Minsk calendar month of stg_articles.published_on), category,
--          articles (published that month; 0 when none: a gap in a trend is a zero, not a missing row),
--          share (articles / all articles of that month, rounded to 2 decimals as analysts read it;
--                 NULL in a month with no articles at all),
--          change (articles minus the same category's previous month; NULL in the first month).
-- Articles with neither a publication date nor a week (published_on NULL) are left out.
create or replace view trend_monthly as
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

published as (
    select month, category, count(*) as articles
    from articles
    group by month, category
),

filled as (
    select
        months.month,
        categories.category,
        coalesce(published.articles, 0) as articles
    from months
    cross join categories
    left join published
        on published.month = months.month
        and published.category = categories.category
),

compared as (
    select
        month,
        category,
        articles,
        round(articles / nullif(sum(articles) over (partition by month), 0), 2) as share,
        articles - lag(articles) over (partition by category order by month) as change
    from filled
)

select * from compared
order by month, category
