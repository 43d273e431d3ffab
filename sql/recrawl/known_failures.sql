-- URLs that failed for good (404/410, oversized) since $since and are not stored articles: a
-- default recrawl does not ask for them again until then.
select distinct url
from crawl_errors
where occurred_at >= $since
  and (kind = 'oversized' or message in ('HTTP 404', 'HTTP 410'))
  and url not in (select url from articles);
