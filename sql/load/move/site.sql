-- The site moved to another host (a 'moved' record, crawler.items.SiteMoved): every stored row
-- whose site is one of $from_sites moves to $to_site, same path, before the records that follow
-- the move in the spool are merged. The loader runs this file once per 'moved' record, in spool
-- order, after reading the group of batches into _load_raw and before ../1_stage.sql.
-- Parameters: $from_sites (scheme://host[:port] list), $to_site, $before (the move record's
-- ordinality in _load_raw: records before it were fetched on the old host and move with the
-- stored rows).
--
-- What moves: articles (url, site), article_versions, similar_links (both ends), crawl_errors,
-- captures, and the caches keyed by url (_article_terms, _article_terms_source,
-- _similarity_content), so that a move alone needs no recount. The loader skips this file when
-- no stored article is on an old host and no record precedes the move: a crawl repeats the move
-- record every run once the site has moved, and after the first, nothing is left to move (every
-- address stored since is on the current host).
--
-- When the moved address is already stored (the article was stored under both hosts), the two
-- rows become one, at the new address:
--   - the row that changed last (last_changed_at; then the one seen last; then the one already
--     on the new host) gives the content, so `articles` keeps holding the latest version;
--   - first_seen_at is the earlier of the two, last_seen_at the later, gone_at the winner's;
--   - the versions of both are kept, in the order they were captured (a tie: the winner's last),
--     renumbered 1, 2, ...; a version with the same content hash as the one before it is the
--     same content seen under the other host, and is not a version of its own;
--   - similar_links are the winner's; the caches of both are dropped (the next refresh counts
--     the article again).
-- Returns one row: the number of stored articles moved.

-- scheme://host[:port] of an address, and the address on the new host if that is a moved one
create or replace temp macro _site_of(u) as regexp_extract(u, '^[^/]*//[^/]*');

create or replace temp macro _moved_url(u, froms, dest) as
    case when list_contains(froms, _site_of(u)) then dest || u[length(_site_of(u)) + 1:] else u end;

create or replace temp table _move_articles as
select url as old_url, $to_site || url[length(site) + 1:] as new_url
from articles
where list_contains($from_sites::varchar[], site) and starts_with(url, site) and site <> $to_site;

-- Moved articles whose new address is already stored: old_wins says which row gives the content.
create or replace temp table _move_merged as
select
    m.old_url,
    m.new_url,
    (a.last_changed_at, a.last_seen_at) > (b.last_changed_at, b.last_seen_at) as old_wins
from _move_articles as m
join articles as a on a.url = m.old_url
join articles as b on b.url = m.new_url;

create or replace temp table _move_versions as
with

both_histories as (
    select m.new_url, v.* exclude (url), (v.url = m.old_url) = m.old_wins as from_winner
    from _move_merged as m
    join article_versions as v on v.url in (m.old_url, m.new_url)
),

ordered as (
    select
        *,
        lag(content_hash) over (partition by new_url order by captured_at, from_winner, version) as previous_hash,
        row_number() over (partition by new_url order by captured_at, from_winner, version) as position
    from both_histories
),

distinct_versions as (
    select * from ordered
    where previous_hash is distinct from content_hash
)

select
    new_url as url,
    row_number() over (partition by new_url order by position) as version,
    * exclude (new_url, version, previous_hash, position, from_winner)
from distinct_versions;

delete from article_versions
where url in (select old_url from _move_merged) or url in (select new_url from _move_merged);

insert into article_versions by name
select * from _move_versions;

update articles
set title = a.title,
    published_at = a.published_at,
    period_start = a.period_start,
    period_end = a.period_end,
    authors = a.authors,
    category_status = a.category_status,
    category_status_text = a.category_status_text,
    photo_credit = a.photo_credit,
    body = a.body,
    word_count = a.word_count,
    content_hash = a.content_hash,
    last_changed_at = a.last_changed_at,
    etag = a.etag,
    last_modified = a.last_modified,
    gone_at = a.gone_at
from _move_merged as m
join articles as a on a.url = m.old_url
where articles.url = m.new_url and m.old_wins;

update articles
set version = (select max(version) from _move_versions as v where v.url = articles.url),
    first_seen_at = least(articles.first_seen_at, a.first_seen_at),
    last_seen_at = greatest(articles.last_seen_at, a.last_seen_at)
from _move_merged as m
join articles as a on a.url = m.old_url
where articles.url = m.new_url;

delete from similar_links
where src_url in (select case when old_wins then new_url else old_url end from _move_merged);

delete from articles where url in (select old_url from _move_merged);

delete from internal._article_terms
where url in (select old_url from _move_merged) or url in (select new_url from _move_merged);

delete from internal._article_terms_source
where url in (select old_url from _move_merged) or url in (select new_url from _move_merged);

delete from internal._similarity_content
where url_a in (select old_url from _move_merged) or url_a in (select new_url from _move_merged)
   or url_b in (select old_url from _move_merged) or url_b in (select new_url from _move_merged);

-- Every other moved article: its address changes, nothing else.
update articles
set url = m.new_url, site = $to_site
from _move_articles as m
where articles.url = m.old_url;

update article_versions
set url = m.new_url
from _move_articles as m
where article_versions.url = m.old_url;

update internal._article_terms as terms
set url = m.new_url
from _move_articles as m
where terms.url = m.old_url;

update internal._article_terms_source as terms
set url = m.new_url
from _move_articles as m
where terms.url = m.old_url;

update internal._similarity_content
set url_a = _moved_url(url_a, $from_sites::varchar[], $to_site),
    url_b = _moved_url(url_b, $from_sites::varchar[], $to_site)
where list_contains($from_sites::varchar[], _site_of(url_a)) or list_contains($from_sites::varchar[], _site_of(url_b));

-- Addresses that are not articles' keys: rewritten wherever they point to a moved host.
update similar_links
set src_url = _moved_url(src_url, $from_sites::varchar[], $to_site),
    dst_url = _moved_url(dst_url, $from_sites::varchar[], $to_site)
where list_contains($from_sites::varchar[], _site_of(src_url))
   or list_contains($from_sites::varchar[], _site_of(dst_url));

update crawl_errors
set url = _moved_url(url, $from_sites::varchar[], $to_site)
where list_contains($from_sites::varchar[], _site_of(url));

update captures
set url = _moved_url(url, $from_sites::varchar[], $to_site)
where list_contains($from_sites::varchar[], _site_of(url));

-- Records of this group fetched before the move were on the old host too.
update _load_raw
set url = _moved_url(url, $from_sites::varchar[], $to_site),
    site = case when list_contains($from_sites::varchar[], site) then $to_site else site end,
    similar_links = list_transform(similar_links, lambda link: struct_pack(
        url := _moved_url(link.url, $from_sites::varchar[], $to_site), title := link.title, position := link.position))
where ordinality < $before;

select count(*) from _move_articles;
