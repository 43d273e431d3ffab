-- The site's weekly rendering (../shared/CONTRACT.md): a page shows the week a commentary covers
-- instead of a date and time, an author line, and the status as a sentence. Existing rows keep
-- every value; the new columns start NULL except `authors`, which is never NULL: an article whose
-- page names no author has an empty list, and so has every row stored before this migration
-- (the dated rendering shows no author line).
--   period_start, period_end  the week the commentary covers; NULL where the page shows a date
--   authors                   the names of the author line, in page order
--   category_status_text      what the page showed for the status: the sentence, or the icon's
--                             text or file name (category_status NULL and this set: the words
--                             were not understood)
alter table articles add column period_start date;
alter table articles add column period_end date;
alter table articles add column authors varchar[] default [];
alter table articles add column category_status_text varchar;

alter table article_versions add column period_start date;
alter table article_versions add column period_end date;
alter table article_versions add column authors varchar[] default [];
alter table article_versions add column category_status_text varchar;

-- One row per archived HTTP response (the WARC archive writes them; empty until it does):
-- where in which WARC file (relative to the archive folder) the response's record lies.
create table captures (
    url             varchar not null,      -- canonical url of the page
    fetched_at      timestamptz not null,
    status          integer,               -- HTTP status
    warc_file       varchar not null,      -- relative to the archive folder
    warc_offset     bigint not null,       -- byte offset of the record in the (compressed) file
    warc_length     bigint not null,       -- bytes of the record
    payload_digest  varchar,               -- WARC-Payload-Digest, e.g. 'sha1:...'
    run_id          varchar                -- the crawl run that fetched it; NULL for an import
);

-- Field coverage judges the date as one field, `published_on` (published_at or, on weekly
-- pages, period_end present), so that a site switching rendering is not a collapse of
-- published_at. The runs recorded before had only dated pages, where the two are the same
-- share: their published_at rows become the baseline of published_on.
insert into crawl_coverage (run_id, field, items, present, share, rules, baseline, baseline_runs, flagged)
select run_id, 'published_on', items, present, share, rules, baseline, baseline_runs, flagged
from crawl_coverage
where field = 'published_at';
