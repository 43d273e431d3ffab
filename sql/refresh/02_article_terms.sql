-- Bring _article_terms up to date: one row per (article, term) with the term's count in the body.
-- Tokens: maximal runs of Unicode letters, marks and digits ("military-technical" → military,
-- technical; "Belarus's" → belarus, s), lower-cased, with 'ё' written as 'е' because Russian
-- texts use both for one word.
-- Dropped: one-character tokens, tokens without a letter (numbers and years: "2017", while
-- "g7" stays) and stop words of any language (Russian articles quote English and the other
-- way round; the two lists share no word).
--
-- Only stale articles are counted: new ones, changed ones (another content_hash, which every
-- load that changes a body changes too), and all of them when the stop word list changed
-- (_article_terms_source records what each count was made from); the terms of articles gone are
-- removed. Staleness is read from the hashes, not the bodies: finding the few articles to count
-- must not read the whole archive's text. A crawl runs this after each load, in the background
-- (Warehouse.count_terms), so that the refresh at its end finds little to count.
-- A change to the tokenising below needs a migration that empties _article_terms_source.

create or replace temp table _terms_sources as
with stop_list as (
    select hash(string_agg(language || ':' || word, ',' order by language, word)) as stopwords_hash
    from internal.stopwords
)
select url, content_hash, stop_list.stopwords_hash
from articles, stop_list;

create or replace temp table _terms_stale as
select url from (
    select url, content_hash, stopwords_hash from _terms_sources
    except
    select url, content_hash, stopwords_hash from internal._article_terms_source
)
union
select url from (
    select url from internal._article_terms_source
    except
    select url from _terms_sources
);

delete from internal._article_terms where url in (select url from _terms_stale);

delete from internal._article_terms_source where url in (select url from _terms_stale);

-- an article body's tokens, as described above
create or replace temp macro body_tokens(body) as
list_filter(
    regexp_extract_all(replace(lower(body), 'ё', 'е'), '[\p{L}\p{M}\p{N}]+'),
    lambda token: length(token) >= 2 and regexp_matches(token, '\p{L}')
);

insert into internal._article_terms
with

articles as (
    select url, body from stg_articles
    where body is not null
        and url in (select url from _terms_stale)
),

stop_words as (
    select distinct word from internal.stopwords
),

-- DuckDB gives each row group of a table (122,880 rows) to one thread, so the bodies of a
-- smaller archive, or of one crawl's new articles, would be tokenised on one core, the slowest
-- step of the refresh. Four parts by url hash, each a pipeline of its own, use every core.
tokens as (
    select url, body_tokens(body) as tokens from articles where hash(url) % 4 = 0
    union all
    select url, body_tokens(body) as tokens from articles where hash(url) % 4 = 1
    union all
    select url, body_tokens(body) as tokens from articles where hash(url) % 4 = 2
    union all
    select url, body_tokens(body) as tokens from articles where hash(url) % 4 = 3
),

-- counted within each article's own row (a histogram of its tokens), so that memory does not
-- grow with the archive as one grouping over every (article, term) would
counted as (
    select url, unnest(map_keys(histogram)) as term, unnest(map_values(histogram)) as tf
    from (select url, list_aggr(tokens, 'histogram') as histogram from tokens)
)

select url, term, cast(tf as integer) as tf
from counted
where term not in (select word from stop_words);

insert into internal._article_terms_source
select url, content_hash, stopwords_hash from _terms_sources
where url in (select url from _terms_stale);
