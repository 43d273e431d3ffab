-- similar_links holds the "Similar articles" block of each article's latest version:
-- a new article adds its links, a changed one replaces them, an unchanged one keeps them.

delete from similar_links
where src_url in (select url from _load_articles where outcome = 'updated');

insert into similar_links (src_url, dst_url, dst_title, position)
with

links as (
    select
        n.url as src_url,
        l.link.url as dst_url,
        l.link.title as dst_title,
        -- the item's 1-based position; its place in the list if the item left it out
        coalesce(l.link.position, l.idx) as position
    from _load_articles as n,
         unnest(n.similar_links) with ordinality as l(link, idx)
    where n.outcome in ('new', 'updated')
      and l.link.url is not null
),

one_per_position as (
    -- (src_url, position) is the key; a malformed item repeating a position keeps its first link
    select *
    from links
    qualify row_number() over (partition by src_url, position order by dst_url) = 1
)

select src_url, dst_url, dst_title, position from one_per_position;
