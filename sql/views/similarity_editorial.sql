-- similarity_editorial: one row per link of the site's own "Similar articles" blocks, src → dst.
-- Columns: src_url, dst_url,
--          reciprocal (true when dst's block links back to src; both must be held, so the
--          flag is the same on both rows of a pair).
-- Links to articles the warehouse does not hold stay, with reciprocal false.
-- A block that lists the same article twice gives one row.
create or replace view similarity_editorial as
with

links as (
    select distinct src_url, dst_url from similar_links
),

held as (
    select url from articles
),

flagged as (
    select
        links.src_url,
        links.dst_url,
        coalesce(
            links.src_url in (select url from held)
            and links.dst_url in (select url from held)
            and links.src_url <> links.dst_url
            and exists (
                select 1 from links as back
                where back.src_url = links.dst_url and back.dst_url = links.src_url
            ),
            false
        ) as reciprocal
    from links
)

select * from flagged
order by src_url, dst_url
