-- Check: every similar link comes from an article the warehouse holds (its dst may be any
-- page: the site links to articles not crawled yet). Returns the orphan links; must return none.
with

links as (
    select src_url, dst_url, position from similar_links
),

held as (
    select url from articles
)

select links.*
from links
where links.src_url not in (select url from held)
order by src_url, position
