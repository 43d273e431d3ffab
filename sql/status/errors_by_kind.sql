-- A run's errors by kind, most first. Parameters: $run.
select kind, count(*) as errors
from crawl_errors
where run_id = $run
group by kind
order by errors desc, kind;
