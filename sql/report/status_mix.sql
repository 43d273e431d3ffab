-- status_mix: the stacked bars of "Category status per month": trend_status_monthly as it is,
-- for the selection, without its zero rows (a zero draws nothing).
-- One row per month × category × category_status (NULL: the page shows no status).
-- Params: $since, $category.
with

mix as (
    select * from trend_status_monthly
),

selected as (
    select month, category, category_status, articles
    from mix
    where articles > 0
        and ($since::date is null or month >= $since::date)
        and ($category::varchar is null or category = $category::varchar)
)

select * from selected
order by category, month, category_status nulls last
