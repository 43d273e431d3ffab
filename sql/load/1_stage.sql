-- Stage a group of batches: keep the last record per url, and classify each article against the
-- warehouse. The group's records are already in the temp table _load_raw: the loader first runs
-- one file of sql/load/read/ (jsonl.sql for spool batches, parquet.sql for staging batches), so
-- both kinds of batch go through this one merge.
--
-- Parameters: $now (the loader's injected clock; used only when a record lacks its own timestamp).
--
-- Outcome of an article record:
--   new        url not in `articles`
--   updated    content_hash differs from the stored one, and the record was fetched no earlier
--              than the stored version was captured (an older record loaded late, e.g. from
--              another worker's staging batch, must not overwrite a newer version)
--   unchanged  everything else: only last_seen_at moves

-- Article records the warehouse cannot hold: a NOT NULL column of `articles` is missing.
create or replace temp table _load_invalid as
select
    batch,
    url,
    coalesce(fetched_at, $now) as seen_at,
    concat_ws(', ',
        case when url is null then 'url' end,
        case when site is null then 'site' end,
        case when language is null then 'language' end,
        case when category is null then 'category' end,
        case when content_hash is null then 'content_hash' end
    ) as missing
from _load_raw
where record = 'article'
  and (url is null or site is null or language is null or category is null or content_hash is null);

-- The outcome of each article record kept, by its line (`ordinality`): only keys are copied here,
-- the content stays in _load_raw, which the view _load_articles joins back (bodies are the bulk
-- of a batch, and copying them once more costs as much as storing them).
create or replace temp table _load_outcomes as
with

valid as (
    select ordinality, url, content_hash, fetched_at
    from _load_raw
    where record = 'article'
      and url is not null and site is not null and language is not null
      and category is not null and content_hash is not null
),

last_per_url as (
    -- a page fetched twice in one group of batches: the later line wins
    select *
    from valid
    qualify row_number() over (partition by url order by ordinality desc) = 1
),

classified as (
    select
        n.ordinality,
        coalesce(n.fetched_at, $now) as seen_at,
        a.version as stored_version,
        case
            when a.url is null then 'new'
            when a.content_hash <> n.content_hash
                 and coalesce(n.fetched_at, $now) >= a.last_changed_at then 'updated'
            else 'unchanged'
        end as outcome
    from last_per_url as n
    left join articles as a on a.url = n.url
)

select * from classified;

-- Each kept article record with its outcome: what the merge files read.
create or replace temp view _load_articles as
select raw.* exclude (record), outcomes.seen_at, outcomes.stored_version, outcomes.outcome
from _load_raw as raw
join _load_outcomes as outcomes using (ordinality);
