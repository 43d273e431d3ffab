-- Check: every article has a list of authors, empty when its page names none; never NULL (the
-- loader stores [] for a record without authors, and migration 0007 gave older rows []).
-- A NULL or a blank name is an extractor or loader fault. Returns the offending articles; must
-- return none.
with

source as (
    select url, authors from articles
)

select url, authors
from source
where authors is null or list_bool_or(list_transform(authors, lambda name: name is null or trim(name) = ''))
order by url
