-- site_similar: the site's own "Similar articles" of each of $urls (similar_links), in the page's
-- order, with where content similarity ranks the same article (NULL: not in its top 10) and
-- whether the warehouse holds it. One row per (src_url, position). Params: $urls.
with

links as (
    select * from similar_links
),

neighbours as (
    select * from similarity_content
),

articles as (
    select url from articles
),

listed as (
    select src_url, position, dst_url, dst_title
    from links
    where list_contains($urls::varchar[], src_url)
),

described as (
    select
        listed.src_url,
        listed.position,
        listed.dst_url,
        listed.dst_title,
        neighbours.rank as content_rank,
        neighbours.score as content_score,
        articles.url is not null as held
    from listed
    left join neighbours on neighbours.url_a = listed.src_url and neighbours.url_b = listed.dst_url
    left join articles on articles.url = listed.dst_url
)

select * from described
order by src_url, position
