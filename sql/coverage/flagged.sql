-- Warehouse.record_coverage, statement 2: the fields of run $run_id that were flagged, each with
-- the message its crawl_errors row (kind 'coverage') gets.
select field, items, share, baseline,
       format('{} coverage fell to {:.0f}% ({} of {} articles) from {:.0f}% (median of the last {} run(s)): '
              'a page redesign may have broken its extraction; rules now: {}',
              field, 100 * share, present, items, 100 * baseline, baseline_runs,
              array_to_string(list_transform(map_entries(rules), lambda e: e.key || ' ' || e.value), ', '))
from internal.crawl_coverage where run_id = $run_id and flagged
order by field;
