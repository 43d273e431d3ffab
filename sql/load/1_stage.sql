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
--              than the stored version was captured
--   earlier    a record older than the stored version (loaded late: a web archive's capture
--              imported after the crawls, another worker's staging batch) whose content differs
--              from the stored versions on either side of its date: it becomes a version of the
--              history at its date (`at_version`), and the versions after it move up by one;
--              the article's row stays the newest version
--   seen_earlier  such a record with the content of the version captured next after its date:
--              that version was there earlier than stored, so it moves back to the record's date
--   unchanged  everything else: only last_seen_at (or first_seen_at) moves

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

stored as (
    select
        n.ordinality,
        n.url,
        n.content_hash,
        coalesce(n.fetched_at, $now) as seen_at,
        a.url is null as is_new,
        a.version as stored_version,
        a.content_hash as stored_hash,
        a.last_changed_at
    from last_per_url as n
    left join articles as a on a.url = n.url
),

-- a record older than the stored version: the stored versions on either side of its date
history as (
    select
        s.ordinality,
        count(v.version) filter (where v.captured_at <= s.seen_at) as versions_before,
        max_by(v.content_hash, v.version) filter (where v.captured_at <= s.seen_at) as hash_before,
        min_by(v.content_hash, v.version) filter (where v.captured_at > s.seen_at) as hash_after
    from stored as s
    join article_versions as v on v.url = s.url
    where not s.is_new and s.seen_at < s.last_changed_at
    group by s.ordinality
)

select
    s.ordinality,
    s.seen_at,
    s.stored_version,
    case
        when s.is_new then 'new'
        when s.seen_at >= s.last_changed_at then
            case when s.content_hash <> s.stored_hash then 'updated' else 'unchanged' end
        when h.versions_before is null then 'unchanged'  -- no stored history to place it in
        when s.content_hash is not distinct from h.hash_before then 'unchanged'
        when s.content_hash = h.hash_after then 'seen_earlier'
        else 'earlier'
    end as outcome,
    h.versions_before + 1 as at_version
from stored as s
left join history as h using (ordinality);

-- Each kept article record with its outcome: what the merge files read.
create or replace temp view _load_articles as
select raw.* exclude (record), outcomes.seen_at, outcomes.stored_version, outcomes.outcome, outcomes.at_version
from _load_raw as raw
join _load_outcomes as outcomes using (ordinality);
