-- Core warehouse tables, named and shaped as ../shared/CONTRACT.md fixes them.
-- Timestamps are TIMESTAMPTZ: published_at carries the site's zone (Europe/Minsk) applied.

-- One row per article: its latest version.
create table articles (
    url              varchar primary key,   -- canonical url
    site             varchar not null,      -- scheme://host[:port]
    language         varchar not null,      -- 'en' | 'ru'
    category         varchar not null,      -- section slug from the url
    title            varchar,
    published_at     timestamptz,           -- NULL when the page shows no date
    category_status  varchar,               -- lower-case word
    photo_credit     varchar,
    body             varchar,               -- paragraphs separated by a blank line
    word_count       integer,
    content_hash     varchar not null,
    version          integer not null,      -- 1, 2, ... as the content changes
    first_seen_at    timestamptz not null,
    last_seen_at     timestamptz not null,
    last_changed_at  timestamptz not null
);

-- Every distinct version of every article.
create table article_versions (
    url              varchar not null,
    version          integer not null,
    content_hash     varchar not null,
    title            varchar,
    published_at     timestamptz,
    category_status  varchar,
    photo_credit     varchar,
    body             varchar,
    captured_at      timestamptz not null,
    primary key (url, version)
);

-- The site's own "Similar articles" block of the latest version of each article.
create table similar_links (
    src_url    varchar not null,
    dst_url    varchar not null,   -- canonical
    dst_title  varchar,
    position   integer not null,   -- 1-based
    primary key (src_url, position)
);

-- One row per crawl run.
create table crawl_runs (
    run_id           varchar primary key,
    spider           varchar not null,
    started_at       timestamptz not null,
    finished_at      timestamptz,          -- NULL while running
    finish_reason    varchar,
    pages_fetched    integer,
    items_new        integer,
    items_updated    integer,
    items_unchanged  integer,
    items_invalid    integer,
    errors           integer,
    items_undated    integer              -- articles stored without a date
);

-- Every page that failed: HTTP error after retries, oversized, unparsable, ...
create table crawl_errors (
    run_id       varchar not null,
    url          varchar not null,
    kind         varchar not null,   -- http | network | oversized | unparsable | invalid
    message      varchar,
    occurred_at  timestamptz not null
);
