-- What the recrawl policy needs of each stored article (warehouse.loader.KnownArticle, in order).
select url, published_at, last_seen_at, etag, last_modified, gone_at, period_end from articles;
