-- Layout drift (issue 4, point 6): each run's field coverage, written by the crawl's
-- CoverageGuard (crawler/extensions.py) through Warehouse.record_coverage when the spider closes.
-- One row per run × field (title, published_at, category_status, photo_credit, body,
-- similar_links). A field whose share collapses against the recent runs is `flagged`, and the
-- same transaction adds a crawl_errors row of kind 'coverage'.
create table crawl_coverage (
    run_id         varchar not null,
    field          varchar not null,   -- an ArticleItem field
    items          integer not null,   -- articles scraped by the run
    present        integer not null,   -- of those, how many had the field (non-empty)
    share          double,             -- present / items; NULL when the run scraped no article
    -- Which extraction rule produced the field, and how often ('label' → 38, 'none' → 2):
    -- query with rules['label'], map_keys(rules), map_entries(rules).
    rules          map(varchar, integer) not null,
    baseline       double,             -- median share of the recent runs it was compared with; NULL: none yet
    baseline_runs  integer not null,   -- how many runs that median is over (0: no baseline, not checked)
    flagged        boolean not null,   -- coverage collapsed against the baseline
    primary key (run_id, field)
);
