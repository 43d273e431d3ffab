-- Check: every article has a title. A blank title counts as missing: it is what an extractor
-- that lost the heading returns. Returns the offending articles; must return none.
with

source as (
    select url, title from articles
)

select url, title
from source
where title is null or trim(title) = ''
order by url
