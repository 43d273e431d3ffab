-- articles_monthly: the lines of "Articles per month": trend_monthly as it is, for the selection.
-- One row per month × category. Params: $since, $category.
with

trend as (
    select * from trend_monthly
),

selected as (
    select month, category, articles, share, change
    from trend
    where ($since::date is null or month >= $since::date)
        and ($category::varchar is null or category = $category::varchar)
)

select * from selected
order by category, month
