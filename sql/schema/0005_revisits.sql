-- Incremental crawling: what a re-fetch needs, and articles that disappeared.
--   etag, last_modified  the HTTP validators of the stored version, sent back as If-None-Match /
--                        If-Modified-Since so that an unchanged page costs a 304 and no body;
--   gone_at              set when a stored article answers 404 or 410: the row is kept (an
--                        analyst's history does not vanish with the page), NULL again if it returns.
alter table articles add column etag varchar;
alter table articles add column last_modified varchar;
alter table articles add column gone_at timestamptz;
