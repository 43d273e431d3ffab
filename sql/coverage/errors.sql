-- Warehouse.record_coverage, statement 3: one crawl_errors row of kind 'coverage' per flagged
-- field ($messages from flagged.sql), against the site's address.
insert into crawl_errors (run_id, url, kind, message, occurred_at)
select $run_id, $url, 'coverage', unnest($messages::varchar[]), $at;
