-- rising_terms: "Rising terms": the 10 terms of highest lift in each of the latest three months
-- of trend_terms_monthly within the selection (the view's own order: lift, then articles, then term).
-- trend_terms_monthly is over all categories, so $category does not apply. Params: $since.
with

terms as (
    select * from trend_terms_monthly
),

in_range as (
    select * from terms
    where $since::date is null or month >= $since::date
),

latest_months as (
    select distinct month from in_range
    order by month desc
    limit 3
),

ranked as (
    select
        in_range.month,
        in_range.term,
        in_range.articles,
        in_range.lift,
        row_number() over (
            partition by in_range.month order by in_range.lift desc, in_range.articles desc, in_range.term
        ) as position
    from in_range
    join latest_months using (month)
)

select month, position, term, articles, lift from ranked
where position <= 10
order by month desc, position
