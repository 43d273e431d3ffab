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
    from internal._article_terms as terms
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
from internal.int_article_terms as terms
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
    case when count(*) <= $exact_up_to then 2147483647 else $shortlist end as shortlist,
    case when count(*) <= $exact_up_to then 9223372036854775807 else $candidate_postings end as candidate_postings
from _similarity_documents;

-- each article's heaviest terms: what finds its candidates (see 04)
create or replace temp table _similarity_heavy_terms as
select doc, term_id, weight
from _similarity_vectors
qualify row_number() over (partition by doc order by weight desc, term_id)
    <= (select top_terms from _similarity_pruning);

-- The heavy terms through which 04 looks for an article's candidates: its rarest ones. A heavy
-- term is paired with every article that also holds it among its heavy terms (its postings), so
-- an article's pass 1 costs the sum of its terms' postings. A term heavy in a large share of the
-- archive (a site that writes about the same few topics) pairs each of its articles with all the
-- others and says little about which of them are neighbours. So each article generates through
-- its heavy terms from the rarest up, as long as the postings of the rarer ones it has taken stay
-- under $candidate_postings: its rarest heavy term always, all 40 where every term is rare. The
-- budget is a number of postings, not a share of the archive, so pass 1's work per article stays
-- the same however large the archive grows. The common terms still count in the exact cosine.
create or replace temp table _similarity_term_postings as
select term_id, count(*) as postings
from _similarity_heavy_terms
group by term_id;

create or replace temp table _similarity_generating_terms as
select doc, term_id, weight
from (
    select
        heavy.doc,
        heavy.term_id,
        heavy.weight,
        coalesce(sum(postings.postings) over (
            partition by heavy.doc order by postings.postings, heavy.term_id
            rows between unbounded preceding and 1 preceding
        ), 0) as rarer_postings
    from _similarity_heavy_terms as heavy
    join _similarity_term_postings as postings using (term_id)
)
where rarer_postings < (select candidate_postings from _similarity_pruning);

delete from internal._similarity_content;
