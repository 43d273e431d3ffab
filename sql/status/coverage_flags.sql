-- A run's layout-drift messages (its crawl_errors of kind 'coverage'). Parameters: $run.
select message from crawl_errors where run_id = $run and kind = 'coverage' order by message;
