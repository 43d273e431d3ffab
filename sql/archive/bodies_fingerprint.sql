-- A fingerprint of what the similarity tables are computed from (sql/refresh/: each article's
-- url, language and body): `warehouse reparse` compares it before and after its load, and leaves
-- the refresh out when a reparse changed other fields only (a fixed photo credit, a category).
select count(*) as articles, coalesce(bit_xor(hash(url, language, body)), 0) as fingerprint
from articles;
