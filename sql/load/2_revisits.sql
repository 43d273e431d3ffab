-- Revisits of stored articles that carry no content (see the spool records in warehouse/spool.py):
--   seen  the page answered 304 Not Modified: the article is unchanged, only last_seen_at moves;
--   gone  the page answered 404 or 410: the article is kept and marked gone, never deleted.
-- A full article record (2_merge_articles.sql) fetched after the page went also clears gone_at:
-- the page is back (an older capture loaded late says nothing about now).

create or replace temp table _load_revisits as
select r.batch, r.record, r.url, coalesce(r.fetched_at, $now) as seen_at
from _load_raw as r
join articles as a on a.url = r.url
where r.record in ('seen', 'gone')
qualify row_number() over (partition by r.url order by r.ordinality desc) = 1;

update articles
set last_seen_at = greatest(articles.last_seen_at, v.seen_at),
    gone_at = null
from _load_revisits as v
where articles.url = v.url and v.record = 'seen';

update articles
set gone_at = coalesce(articles.gone_at, v.seen_at)
from _load_revisits as v
where articles.url = v.url and v.record = 'gone';

update articles
set gone_at = null
from _load_articles as n
where articles.url = n.url and articles.gone_at is not null and n.seen_at >= articles.gone_at;
