-- Mark every run still open, other than those in $keep, as ended with $reason (their process is
-- dead: the caller holds the crawl's single-instance lock). Returns the run ids closed.
update crawl_runs set finished_at = $at, finish_reason = $reason
where finished_at is null and not list_contains($keep::varchar[], run_id)
returning run_id;
