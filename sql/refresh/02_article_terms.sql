-- Rebuild _article_terms: one row per (article, term) with the term's count in the body.
-- Tokens: maximal runs of Unicode letters, marks and digits ("military-technical" → military,
-- technical; "Belarus's" → belarus, s), lower-cased, with 'ё' written as 'е' because Russian
-- texts use both for one word.
-- Dropped: one-character tokens, tokens without a letter (numbers and years: "2017", while
-- "g7" stays) and stop words of any language (Russian articles quote English and the other
-- way round; the two lists share no word).
delete from _article_terms;

insert into _article_terms
with

articles as (
    select url, body from stg_articles
    where body is not null
),

stop_words as (
    select distinct word from stopwords
),

tokens as (
    select
        url,
        list_filter(
            regexp_extract_all(replace(lower(body), 'ё', 'е'), '[\p{L}\p{M}\p{N}]+'),
            lambda token: length(token) >= 2 and regexp_matches(token, '\p{L}')
        ) as tokens
    from articles
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
