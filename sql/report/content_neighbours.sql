-- content_neighbours: the five closest articles by content (similarity_content, rank <= 5) of
-- each of $urls, with the neighbour's title and whether the site's own block links it too.
-- One row per (url_a, rank). Params: $urls (the latest articles).
with

neighbours as (
    select * from similarity_content
),

articles as (
    select url, title from articles
),

links as (
    select distinct src_url, dst_url from similar_links
),

closest as (
    select url_a, rank, url_b, score
    from neighbours
    where list_contains($urls::varchar[], url_a)
        and rank <= 5
),

described as (
    select
        closest.url_a,
        closest.rank,
        closest.url_b,
        articles.title as title_b,
        closest.score,
        links.dst_url is not null as also_editorial
    from closest
    left join articles on articles.url = closest.url_b
    left join links on links.src_url = closest.url_a and links.dst_url = closest.url_b
)

select * from described
order by url_a, rank
