-- How many captures one archive file has in the index (before and after indexing it again).
select count(*) from captures where warc_file = $name;
