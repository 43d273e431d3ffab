-- Tables behind the term and similarity views (issue 3).
-- `stopwords` is data: reloaded from sql/data/stopwords.csv by every refresh, so editing the CSV
-- needs no migration. The two tables with a leading underscore are caches that
-- sql/refresh/*.sql rebuilds at the end of each crawl and by `warehouse init`
-- (warehouse.similarity.refresh_similarity); analysts read the views, not these. They carry
-- no keys: each refresh rewrites them whole from a grouped query, and an index would only
-- slow that down.

-- Words dropped before terms are counted; a token is dropped if it is a stop word in any language.
create table stopwords (
    language  varchar not null,   -- 'en' | 'ru': whose list the word comes from
    word      varchar not null,   -- lower-case, 'ё' written as 'е' like the tokens
    primary key (language, word)
);

-- One row per (article, term): how often the term occurs in the article's body.
-- Tokens are stored once so that trend_terms_monthly and similarity_content read the same ones.
create table _article_terms (
    url   varchar not null,
    term  varchar not null,
    tf    integer not null    -- occurrences in the body
);

-- One row per article and neighbour: the top 10 of similarity_content.
create table _similarity_content (
    url_a  varchar not null,
    url_b  varchar not null,
    score  double  not null,   -- cosine of TF-IDF body vectors, 0..1
    rank   integer not null    -- 1 = most similar to url_a
);
