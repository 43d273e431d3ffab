-- Every crawl run this warehouse recorded: a legacy spool batch, or an archive file, of one of
-- them is its own.
select run_id from crawl_runs;
