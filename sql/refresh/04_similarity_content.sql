-- Rebuild _similarity_content (read through the similarity_content view): for every article its
-- 10 nearest neighbours of the same language by cosine of TF-IDF body vectors (int_article_terms,
-- as the temp tables of 03_similarity_vectors.sql hold them).
--
-- Comparing every pair on every term is quadratic in the archive (about 50 million pairs at
-- 10,000 articles), so the neighbours are found in two passes and only then scored exactly:
--   1. candidates: each article keeps its $top_terms heaviest terms; it finds its candidates
--      through the heaviest of those, as many as a budget of postings allows (all of them unless
--      they are heavy in many articles: _similarity_generating_terms in 03), among the heavy
--      terms of every other article. The candidates are ranked by the dot product over the terms
--      they were found through, divided by the candidate's norm: the cosine over those terms but
--      for the article's own norm, the same for all its candidates (by the bare dot product, long
--      articles would crowd every shortlist);
--   2. each article keeps its shortlist of best candidates ($shortlist, more for an article that
--      the budget limited: 03, _similarity_pruning), and those pairs get the exact cosine over all
--      their terms, which orders them and is the stored score.
-- Heavy terms carry most of a vector's length, so a true neighbour almost always shares some
-- and ranks high in pass 1 (recall@10 against the all-pairs computation: benchmarks/README.md).
-- A small archive is not pruned: exact (03_similarity_vectors.sql, _similarity_pruning).
--
-- This statement runs once per chunk of documents, $chunk_first to $chunk_last (bound by
-- warehouse.similarity, smaller chunks for a larger archive): an article's neighbours depend
-- only on its own row of candidates, and the candidate pairs of a chunk, not of the whole
-- archive, are what the refresh holds in memory at once.
-- Scores are rounded to 12 decimals so that equal cosines summed in a different order tie;
-- ties go to the smaller url_b.

insert into internal._similarity_content
with

-- the chunk's articles' generating terms, against every article's heavy terms
chunk as (
    select doc, term_id, weight
    from _similarity_generating_terms
    where doc between $chunk_first and $chunk_last
),

-- pass 1: a term id belongs to one language, so candidates never cross languages
candidate_pairs as (
    select a.doc as doc_a, b.doc as doc_b, sum(a.weight * b.weight) as heavy_dot
    from chunk as a
    join _similarity_heavy_terms as b
        on b.term_id = a.term_id
        and b.doc <> a.doc
    group by a.doc, b.doc
),

-- each article's best candidates (its shortlist's length of them): max_by keeps a heap of the
-- top ones per article, where ranking all of each article's candidates took a sort; the doc
-- breaks ties, so that the same archive always gives the same shortlist
shortlist as materialized (
    select doc_a, unnest(list_slice(candidates, 1, shortlist)) as doc_b
    from (
        select
            candidate_pairs.doc_a,
            any_value(shortlist_a.shortlist) as shortlist,
            max_by(
                candidate_pairs.doc_b,
                {'rank': heavy_dot / norm_b.norm, 'doc': -candidate_pairs.doc_b},
                (select least(long_shortlist, documents) from _similarity_pruning)
            ) as candidates
        from candidate_pairs
        join _similarity_norms as norm_b on norm_b.doc = candidate_pairs.doc_b
        join _similarity_shortlists as shortlist_a on shortlist_a.doc = candidate_pairs.doc_a
        group by candidate_pairs.doc_a
    )
),

-- pass 2: the exact dot product over all the terms the two articles share: each term of a
-- candidate is looked up among the chunk's own terms by (doc, term) as one integer key, so that
-- the lookup table holds the chunk's vectors, not the whole archive's
chunk_vectors as (
    select doc_term, weight
    from _similarity_vectors
    where doc between $chunk_first and $chunk_last
),

exact_dots as (
    select shortlist.doc_a, shortlist.doc_b, sum(a.weight * b.weight) as dot
    from _similarity_vectors as b
    join shortlist on shortlist.doc_b = b.doc
    join chunk_vectors as a on a.doc_term = (cast(shortlist.doc_a as bigint) << 32) + b.term_id
    group by shortlist.doc_a, shortlist.doc_b
),

scored as (
    select
        exact_dots.doc_a,
        exact_dots.doc_b,
        least(1.0, round(exact_dots.dot / (norm_a.norm * norm_b.norm), 12)) as score
    from exact_dots
    join _similarity_norms as norm_a on norm_a.doc = exact_dots.doc_a
    join _similarity_norms as norm_b on norm_b.doc = exact_dots.doc_b
),

-- ranked before the urls are joined in: documents are numbered in url order, so the smaller
-- doc_b is the smaller url_b
ranked as (
    select *, row_number() over (partition by doc_a order by score desc, doc_b) as rank
    from scored
    qualify rank <= 10
)

select url_a.url as url_a, url_b.url as url_b, ranked.score, ranked.rank
from ranked
join _similarity_documents as url_a on url_a.doc = ranked.doc_a
join _similarity_documents as url_b on url_b.doc = ranked.doc_b;
