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

-- terms: what scoring the article exactly as a candidate costs (04's shortlist budget)
create or replace temp table _similarity_norms as
select doc, sqrt(sum(weight * weight)) as norm, count(*) as terms
from _similarity_vectors
group by doc;

-- How hard 04 prunes: $top_terms heavy terms per article, of which those within $candidate_postings
-- find candidates (below), and a shortlist of candidates scored exactly, except in an archive of at
-- most $exact_up_to articles, which is not pruned at all: there the exact computation is cheap, and
-- pruning would lose the weak neighbours that a small archive's top 10 is made of
-- (benchmarks/README.md).
-- The shortlist is $shortlist candidates for an article whose candidates were found and ranked
-- through all its heavy terms. One that found them through only some (below) ranks them more
-- coarsely, and gets a longer shortlist: as many candidates as hold $shortlist_terms terms at the
-- archive's average vector length, at least $shortlist. Scoring a candidate costs one lookup per
-- term of it, so that bounds pass 2's work per article, and short vectors, cheap to score, get
-- more candidates.
create or replace temp table _similarity_pruning as
select
    case when count(*) <= $exact_up_to then 2147483647 else $top_terms end as top_terms,
    case when count(*) <= $exact_up_to then 9223372036854775807 else $candidate_postings end as candidate_postings,
    case when count(*) <= $exact_up_to then 9223372036854775807
        else $shortlist end as shortlist,
    case when count(*) <= $exact_up_to then 9223372036854775807
        else greatest($shortlist, cast(round($shortlist_terms / avg(terms)) as bigint)) end as long_shortlist,
    count(*) as documents
from _similarity_norms;

-- each article's heaviest terms: what finds its candidates and ranks them (see 04)
create or replace temp table _similarity_heavy_terms as
select doc, term_id, weight
from _similarity_vectors
qualify row_number() over (partition by doc order by weight desc, term_id)
    <= (select top_terms from _similarity_pruning);

-- The heavy terms through which 04 looks for an article's candidates. Pass 1 pairs each of them
-- with every article that holds it among its heavy terms (the term's postings), so an article's
-- pass 1 costs the sum of its terms' postings. Where every heavy term is heavy in few articles
-- that sum is small (a few hundred to 1,400 at 10,000 articles of benchmarks/similarity.py). Where
-- the archive writes about the same few topics, each heavy term is heavy in a large share of it
-- (about 1,250 of 10,000 on the offline site's text) and pass 1 becomes quadratic: every article
-- pairs with all the others through each of its 40 terms. So an article finds candidates through
-- its heavy terms from the heaviest down, while the postings of those taken before stay under
-- $candidate_postings: all 40 where the terms are rare, fewer where they are common, and at least
-- its heaviest one, so every article gets candidates. The budget is a number of postings, not a
-- share of the archive, so pass 1's work per article stays bounded however large the archive
-- grows. The heaviest terms go first, not the rarest (as prefix filtering would take them):
-- pass 1 ranks candidates by the dot product over the terms it went through, and in an archive
-- of alike articles only the terms that carry the vectors' length rank them well (through the
-- rarest, recall@10 fell far lower: benchmarks/README.md). Every term counts in pass 2's cosine.
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
            partition by heavy.doc order by heavy.weight desc, heavy.term_id
            rows between unbounded preceding and 1 preceding
        ), 0) as heavier_postings
    from _similarity_heavy_terms as heavy
    join _similarity_term_postings as postings using (term_id)
)
where heavier_postings < (select candidate_postings from _similarity_pruning);

-- each article's shortlist (see _similarity_pruning): the long one if the budget left out any of
-- its heavy terms
create or replace temp table _similarity_shortlists as
select
    heavy.doc,
    case when count(generating.term_id) < count(*) then any_value(pruning.long_shortlist)
        else any_value(pruning.shortlist) end as shortlist
from _similarity_heavy_terms as heavy
left join _similarity_generating_terms as generating using (doc, term_id)
cross join _similarity_pruning as pruning
group by heavy.doc;

delete from internal._similarity_content;
