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

-- An older record loaded late goes into the history at its date (see 1_stage.sql): the versions
-- after it move up by one, then it takes its place. The article's row keeps the newest version's
-- content and counts one version more.
update article_versions
set version = article_versions.version + 1
from _load_articles as n
where article_versions.url = n.url and n.outcome = 'earlier' and article_versions.version >= n.at_version;

insert into article_versions
    (url, version, content_hash, title, published_at, period_start, period_end, authors,
     category_status, category_status_text, photo_credit, body, captured_at)
select
    url, at_version, content_hash, title, published_at, period_start, period_end,
    coalesce(authors, []), category_status, category_status_text, photo_credit, body, seen_at
from _load_articles
where outcome = 'earlier';

update articles
set version = articles.version + 1
from _load_articles as n
where articles.url = n.url and n.outcome = 'earlier';

-- A version seen before its stored date: it was captured then.
update article_versions
set captured_at = n.seen_at
from _load_articles as n
where article_versions.url = n.url and n.outcome = 'seen_earlier' and article_versions.version = n.at_version;

update articles
set last_changed_at = n.seen_at
from _load_articles as n
where articles.url = n.url and n.outcome = 'seen_earlier' and n.at_version = articles.version;

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

-- A record loaded late moves first_seen_at back, never last_seen_at, and leaves the validators
-- (etag, last_modified) of the newest fetch, which the next crawl's revalidation sends.
update articles
set first_seen_at = least(articles.first_seen_at, n.seen_at),
    last_seen_at = greatest(articles.last_seen_at, n.seen_at),
    etag = case when n.seen_at >= articles.last_seen_at then coalesce(n.etag, articles.etag) else articles.etag end,
    last_modified = case when n.seen_at >= articles.last_seen_at
        then coalesce(n.last_modified, articles.last_modified) else articles.last_modified end
from _load_articles as n
where articles.url = n.url and n.outcome in ('unchanged', 'earlier', 'seen_earlier');
