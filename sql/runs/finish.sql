-- Close a crawl run. Item counts given as NULL are taken from what was loaded for the run
-- (internal._loaded_batches), the error count from crawl_errors. Returns the run id: no row
-- means the run was never started.
update crawl_runs set
    finished_at = $at,
    finish_reason = $reason,
    pages_fetched = $pages,
    items_new = coalesce($new, (select sum(articles_new) from internal._loaded_batches where run_id = $run_id), 0),
    items_updated = coalesce($updated, (select sum(articles_updated) from internal._loaded_batches where run_id = $run_id), 0),
    items_unchanged = coalesce($unchanged, (select sum(articles_unchanged) from internal._loaded_batches where run_id = $run_id), 0),
    items_invalid = coalesce($invalid, (select sum(articles_invalid) from internal._loaded_batches where run_id = $run_id), 0),
    errors = coalesce($errors, (select count(*) from crawl_errors where run_id = $run_id)),
    items_undated = $undated
where run_id = $run_id
returning run_id;
