-- How many article records of the batch, read with its key columns only, are not stored with
-- their content hash (new, or changed): when none is, the merge needs no content column.
select count(*)
from _load_raw as n
left join articles as a on a.url = n.url
where n.record = 'article' and (a.url is null or a.content_hash is distinct from n.content_hash);
