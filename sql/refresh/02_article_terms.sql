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
        unnest(regexp_extract_all(
            replace(lower(body), 'ё', 'е'),
            '[\p{L}\p{M}\p{N}]+'
        )) as term
    from articles
),

kept as (
    select url, term from tokens
    where length(term) >= 2
        and regexp_matches(term, '\p{L}')
        and term not in (select word from stop_words)
),

counted as (
    select url, term, cast(count(*) as integer) as tf
    from kept
    group by url, term
)

select url, term, tf from counted;
