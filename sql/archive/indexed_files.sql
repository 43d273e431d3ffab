-- The archive files `captures` already indexes: a load indexes only the others.
select distinct warc_file from captures;
