-- How many documents the refresh scores (numbered 1..n by 03_similarity_vectors.sql), to chunk.
select count(*) from _similarity_documents;
