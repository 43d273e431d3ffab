-- Check: category_status is one of the site's known words (positive | negative | neutral).
-- NULL is allowed: some pages show no status. Extraction stores whatever word the icon
-- carries, so a new word lands here for a human to add to this list or fix the extractor.
-- Returns each unknown status with its article count and one example; must return none.
with

source as (
    select url, category_status from articles
    where category_status is not null
),

unknown as (
    select category_status, count(*) as articles, min(url) as example_url
    from source
    where category_status not in ('positive', 'negative', 'neutral')
    group by category_status
)

select * from unknown
order by category_status
