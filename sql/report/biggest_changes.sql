-- biggest_changes: the month of each category's biggest month-on-month change (trend_monthly.change,
-- up or down) within the selection; the markers on the "Articles per month" lines.
-- One row per category that changed at all; ties go to the later month. Params: $since, $category.
with

trend as (
    select * from trend_monthly
),

selected as (
    select month, category, articles, change
    from trend
    where change is not null
        and change <> 0
        and ($since::date is null or month >= $since::date)
        and ($category::varchar is null or category = $category::varchar)
),

ranked as (
    select
        *,
        row_number() over (partition by category order by abs(change) desc, month desc) as position
    from selected
)

select month, category, articles, change from ranked
where position = 1
order by abs(change) desc, category
