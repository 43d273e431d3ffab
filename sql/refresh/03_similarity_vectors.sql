-- The TF-IDF vectors that 04_similarity_content.sql compares, as temp tables with integer keys
-- (the joins and groupings there run on millions of rows). Temp tables, not CTEs: 04 runs once
-- per chunk of documents, and DuckDB can spill a temp table to disk under its memory limit.
-- $top_terms, $shortlist and $exact_up_to are bound by warehouse.similarity (PRUNING).

-- Documents and terms are numbered first, from the small inputs of the view (the articles, the
-- vocabulary of the counts), so that the view's rows, the largest working set of the refresh,
-- are stored with integer keys only: with their url and term strings they took about twice the
-- memory.
create or replace temp table _similarity_documents as
select url, language, cast(row_number() over (order by url) as integer) as doc
from stg_articles;

create or replace temp table _similarity_vocabulary as
select language, term, cast(row_number() over (order by language, term) as integer) as term_id
from (
    select distinct documents.language, terms.term
    from _article_terms as terms
    join _similarity_documents as documents using (url)
);

create or replace temp table _similarity_vectors as
select
    documents.doc,
    vocabulary.term_id,
    -- the two as one integer, for 04's lookups of one article's weight of a term: a join on
    -- one integer column runs about three times faster than on two
    (cast(documents.doc as bigint) << 32) + vocabulary.term_id as doc_term,
    terms.weight
from int_article_terms as terms
join _similarity_documents as documents on documents.url = terms.url
join _similarity_vocabulary as vocabulary on vocabulary.language = terms.language and vocabulary.term = terms.term;

create or replace temp table _similarity_norms as
select doc, sqrt(sum(weight * weight)) as norm
from _similarity_vectors
group by doc;

-- How hard 04 prunes: $top_terms heavy terms per article and a $shortlist of candidates, except
-- in an archive of at most $exact_up_to articles, which is not pruned at all: there the exact
-- computation is cheap, and pruning would lose the weak neighbours that a small archive's top 10
-- is made of (benchmarks/README.md).
create or replace temp table _similarity_pruning as
select
    case when count(*) <= $exact_up_to then 2147483647 else $top_terms end as top_terms,
    case when count(*) <= $exact_up_to then 2147483647 else $shortlist end as shortlist
from _similarity_documents;

-- each article's heaviest terms: what finds its candidates (see 04)
create or replace temp table _similarity_heavy_terms as
select doc, term_id, weight
from _similarity_vectors
qualify row_number() over (partition by doc order by weight desc, term_id)
    <= (select top_terms from _similarity_pruning);

delete from _similarity_content;
