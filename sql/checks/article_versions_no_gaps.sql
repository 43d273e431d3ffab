-- Check: each article's versions are 1, 2, ..., articles.version, all in article_versions, with
-- no gap and none beyond the latest. Returns the offending articles with what was found
-- (versions NULL: none stored); must return none.
with

latest as (
    select url, version from articles
),

stored as (
    select
        url,
        count(distinct version) as versions,
        min(version) as first_version,
        max(version) as last_version
    from article_versions
    group by url
),

compared as (
    select latest.url, latest.version, stored.versions, stored.first_version, stored.last_version
    from latest
    left join stored using (url)
)

select * from compared
where versions is null
    or first_version <> 1
    or last_version <> version
    or versions <> version
order by url
