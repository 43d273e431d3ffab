-- Check: the week an article covers is whole and in order: both ends or neither, the start no
-- later than the end, and at most a fortnight long (the site's pages cover one week; a longer
-- span is a mis-read year or month). Returns the offending articles; must return none.
with

source as (
    select url, period_start, period_end from articles
    where period_start is not null or period_end is not null
)

select url, period_start, period_end
from source
where period_start is null
    or period_end is null
    or period_start > period_end
    or period_end - period_start > 14
order by url
