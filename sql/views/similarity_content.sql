-- similarity_content: one row per article and one of its 10 nearest neighbours by body text.
-- Columns: url_a, url_b, score (cosine of the TF-IDF body vectors, 0..1),
--          rank (1 = most similar to url_a; ties in score go to the smaller url_b).
-- Only articles of the same language are compared; an article is never its own neighbour, and
-- one that shares terms with fewer than 10 others has fewer rows (none without a body).
-- Computing this on every read is too slow for a large archive, so it reads the table that
-- sql/refresh/04_similarity_content.sql rebuilds at the end of each crawl and by
-- `warehouse init`; the method (TF-IDF, pruning, ranking) is described there.
create or replace view similarity_content as
with

neighbours as (
    select * from internal._similarity_content
)

select url_a, url_b, score, rank from neighbours
order by url_a, rank
