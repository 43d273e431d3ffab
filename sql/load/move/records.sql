-- The group's 'moved' records (the site's host changed), in spool order: each is applied before
-- the records that follow it are merged (site.sql).
select ordinality, from_sites, to_site
from _load_raw
where record = 'moved' and to_site is not null and len(from_sites) > 0
order by ordinality;
