-- Check: every article has a body. A blank body counts as missing: it is what an extractor
-- that lost the paragraphs returns. Returns the offending articles; must return none.
with

source as (
    select url, body from articles
)

select url, body
from source
where body is null or trim(body) = ''
order by url
