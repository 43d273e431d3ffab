-- Merge the staged articles (temp table _load_articles, see 1_stage.sql) into the warehouse.

-- authors is never NULL: a record without the field (a batch spooled before it existed) names
-- no author.

-- Every new or changed content becomes a version: 1 for a new url, stored + 1 for a change.
insert into article_versions
    (url, version, content_hash, title, published_at, period_start, period_end, authors,
     category_status, category_status_text, photo_credit, body, captured_at)
select
    url, coalesce(stored_version, 0) + 1, content_hash, title, published_at, period_start, period_end,
    coalesce(authors, []), category_status, category_status_text, photo_credit, body, seen_at
from _load_articles
where outcome in ('new', 'updated');

insert into articles
    (url, site, language, category, title, published_at, period_start, period_end, authors,
     category_status, category_status_text, photo_credit, body, word_count, content_hash, version,
     first_seen_at, last_seen_at, last_changed_at, etag, last_modified)
select
    url, site, language, category, title, published_at, period_start, period_end, coalesce(authors, []),
    category_status, category_status_text, photo_credit, body, word_count, content_hash, 1,
    seen_at, seen_at, seen_at, etag, last_modified
from _load_articles
where outcome = 'new';

update articles
set title = n.title,
    published_at = n.published_at,
    period_start = n.period_start,
    period_end = n.period_end,
    authors = coalesce(n.authors, []),
    category_status = n.category_status,
    category_status_text = n.category_status_text,
    photo_credit = n.photo_credit,
    body = n.body,
    word_count = n.word_count,
    content_hash = n.content_hash,
    version = n.stored_version + 1,
    last_seen_at = greatest(articles.last_seen_at, n.seen_at),
    last_changed_at = n.seen_at,
    etag = n.etag,
    last_modified = n.last_modified
from _load_articles as n
where articles.url = n.url and n.outcome = 'updated';

-- greatest(): a record loaded late must not move last_seen_at backwards.
update articles
set last_seen_at = greatest(articles.last_seen_at, n.seen_at),
    etag = coalesce(n.etag, articles.etag),
    last_modified = coalesce(n.last_modified, articles.last_modified)
from _load_articles as n
where articles.url = n.url and n.outcome = 'unchanged';
