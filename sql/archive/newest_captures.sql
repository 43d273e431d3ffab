-- What `warehouse reparse` reads again: each stored article's newest capture that has a page
-- (status 200: a 304 or a redirect has none), optionally only captures fetched since $since and
-- articles whose url is LIKE $url_like. `original_*`: the earliest record of the same payload,
-- where a revisit of another tool's archive (one that does not say where its original lies) is
-- resolved.
with

newest as (
    select c.url, c.fetched_at, c.warc_file, c.warc_offset, c.warc_length, c.payload_digest
    from captures as c
    join articles as a on a.url = c.url
    where c.status = 200
      and ($since is null or c.fetched_at >= $since)
      and ($url_like is null or a.url like $url_like)
    qualify row_number() over (partition by c.url order by c.fetched_at desc, c.warc_file desc, c.warc_offset desc) = 1
),

originals as (
    select url, payload_digest, arg_min(warc_file, fetched_at) as warc_file, arg_min(warc_offset, fetched_at) as warc_offset
    from captures
    where payload_digest in (select payload_digest from newest)
    group by url, payload_digest
)

select n.url, n.fetched_at, n.warc_file, n.warc_offset, n.warc_length,
       o.warc_file as original_file, o.warc_offset as original_offset,
       a.site, a.last_changed_at
from newest as n
join articles as a on a.url = n.url
left join originals as o on o.url = n.url and o.payload_digest = n.payload_digest
order by n.warc_file, n.warc_offset;
