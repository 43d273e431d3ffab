-- Check: every article url is stored once (CONTRACT: the same article reached by two
-- addresses is one row). Returns each duplicated url with how often it occurs; must return none.
with

source as (
    select url from articles
)

select url, count(*) as occurrences
from source
group by url
having count(*) > 1
order by url
