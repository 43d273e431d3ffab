-- What each article's _article_terms rows were counted from, so that a refresh recounts only the
-- articles whose content (or the stop word list) changed since (sql/refresh/02_article_terms.sql).
-- A cache like _article_terms: an article missing here is simply counted again, so this
-- migration starts empty and the next refresh recounts everything once. From here on
-- _article_terms is no longer rewritten whole by each refresh (as 0002 says): only the rows of
-- stale articles are deleted and inserted again.
create table _article_terms_source (
    url             varchar not null,
    content_hash    varchar not null,   -- articles.content_hash when its terms were counted
    stopwords_hash  ubigint not null    -- DuckDB hash() of the whole stop word list then (a DuckDB
                                        -- upgrade that changes hash() only recounts everything once)
);
