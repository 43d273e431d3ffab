-- Analysts find in `main` only the tables and views ../shared/CONTRACT.md names. Everything else
-- moves to the schema `internal`, keeping every row and its name:
--   stopwords, _article_terms, _article_terms_source, _similarity_content   what the term and
--       similarity views read (sql/refresh/ rebuilds them)
--   _loaded_batches   the loader's record of the batch files merged (exactly once)
--   crawl_coverage    each crawl run's field coverage (the crawl's layout-drift guard)
--   int_article_terms (a view, sql/views/)
-- The migration log moves too, before any migration runs (warehouse/migrate.py).
-- DuckDB cannot move a table to another schema, so each one is created there, filled from the
-- old one and the old one dropped, in this migration's one transaction. The views that read
-- them are created again, with qualified names, right after the migrations.

create schema if not exists internal;

create table internal.stopwords (
    language  varchar not null,   -- 'en' | 'ru': whose list the word comes from
    word      varchar not null,   -- lower-case, 'ё' written as 'е' like the tokens
    primary key (language, word)
);
insert into internal.stopwords by name select * from main.stopwords;
drop table main.stopwords;

create table internal._article_terms (
    url   varchar not null,
    term  varchar not null,
    tf    integer not null    -- occurrences in the body
);
insert into internal._article_terms by name select * from main._article_terms;
drop table main._article_terms;

create table internal._article_terms_source (
    url             varchar not null,
    content_hash    varchar not null,   -- articles.content_hash when its terms were counted
    stopwords_hash  ubigint not null    -- DuckDB hash() of the whole stop word list then
);
insert into internal._article_terms_source by name select * from main._article_terms_source;
drop table main._article_terms_source;

create table internal._similarity_content (
    url_a  varchar not null,
    url_b  varchar not null,
    score  double  not null,   -- cosine of TF-IDF body vectors, 0..1
    rank   integer not null    -- 1 = most similar to url_a
);
insert into internal._similarity_content by name select * from main._similarity_content;
drop table main._similarity_content;

create table internal._loaded_batches (
    batch               varchar primary key,   -- file name, e.g. 20240101T000000-ab12-000003.jsonl
    run_id              varchar not null,
    loaded_at           timestamptz not null,
    articles_new        integer not null,
    articles_updated    integer not null,
    articles_unchanged  integer not null,
    articles_invalid    integer not null,
    errors              integer not null
);
insert into internal._loaded_batches by name select * from main._loaded_batches;
drop table main._loaded_batches;

create table internal.crawl_coverage (
    run_id         varchar not null,
    field          varchar not null,   -- an ArticleItem field
    items          integer not null,   -- articles scraped by the run
    present        integer not null,   -- of those, how many had the field (non-empty)
    share          double,             -- present / items; NULL when the run scraped no article
    rules          map(varchar, integer) not null,   -- extraction rule → how often it found the field
    baseline       double,             -- median share of the recent runs it was compared with; NULL: none yet
    baseline_runs  integer not null,   -- how many runs that median is over (0: no baseline, not checked)
    flagged        boolean not null,   -- coverage collapsed against the baseline
    primary key (run_id, field)
);
insert into internal.crawl_coverage by name select * from main.crawl_coverage;
drop table main.crawl_coverage;

drop view if exists main.int_article_terms;
