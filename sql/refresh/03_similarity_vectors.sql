-- The TF-IDF vectors that 04_similarity_content.sql compares, as temp tables with integer keys
-- (the joins and groupings there run on millions of rows). Temp tables, not CTEs: 04 runs once
-- per chunk of documents, and DuckDB can spill a temp table to disk under its memory limit.
-- $top_terms is bound by warehouse.similarity (PRUNING).

create or replace temp table _similarity_documents as
select url, cast(row_number() over (order by url) as integer) as doc
from (select distinct url from int_article_terms);

create or replace temp table _similarity_vectors as
with vocabulary as (
    select language, term, cast(row_number() over (order by language, term) as integer) as term_id
    from (select distinct language, term from int_article_terms)
)
select documents.doc, vocabulary.term_id, terms.weight
from int_article_terms as terms
join _similarity_documents as documents using (url)
join vocabulary using (language, term);

create or replace temp table _similarity_norms as
select doc, sqrt(sum(weight * weight)) as norm
from _similarity_vectors
group by doc;

-- each article's $top_terms heaviest terms: what finds its candidates (see 04)
create or replace temp table _similarity_heavy_terms as
select doc, term_id, weight
from _similarity_vectors
qualify row_number() over (partition by doc order by weight desc, term_id) <= $top_terms;

delete from _similarity_content;
