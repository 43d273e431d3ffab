-- int_article_terms: one row per (article, term) that TF-IDF keeps; the vocabulary shared by
-- similarity_content and trend_terms_monthly.
-- Columns: url, language, term, tf (occurrences in the body), df (articles of the language that
--          contain the term), articles_in_language (articles of the language with any term),
--          idf = ln(articles_in_language / df), weight = tf * idf.
-- Tokens come from _article_terms (sql/refresh/02_article_terms.sql: Unicode letters, lower-case,
-- stop words out). Documents are counted per language because pairs are only ever compared
-- within a language. A term in one article only links nothing and a term in more than half
-- of the articles says little, so both are dropped; what is left has idf >= ln 2 > 0.
create or replace view internal.int_article_terms as
with

articles as (
    select url, language from stg_articles
),

term_counts as (
    select * from internal._article_terms
),

-- read three times below; not materialized (DuckDB would): joining the counts to the articles
-- again is cheap, while a copy of every (article, term) row with its strings was the largest
-- thing a similarity refresh held
article_terms as not materialized (
    select articles.url, articles.language, term_counts.term, term_counts.tf
    from term_counts
    join articles on articles.url = term_counts.url
),

language_sizes as (
    select language, count(distinct url) as articles_in_language
    from article_terms
    group by language
),

document_frequencies as (
    select language, term, count(*) as df
    from article_terms
    group by language, term
),

weighted as (
    select
        article_terms.url,
        article_terms.language,
        article_terms.term,
        article_terms.tf,
        document_frequencies.df,
        language_sizes.articles_in_language,
        ln(language_sizes.articles_in_language / document_frequencies.df) as idf,
        article_terms.tf * ln(language_sizes.articles_in_language / document_frequencies.df) as weight
    from article_terms
    join document_frequencies using (language, term)
    join language_sizes using (language)
    where document_frequencies.df >= 2
        and document_frequencies.df * 2 <= language_sizes.articles_in_language
)

select * from weighted
