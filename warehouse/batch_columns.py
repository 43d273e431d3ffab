"""The columns a batch of records is read with (sql/load/read/), with their DuckDB types: the
spool's JSON lines and the staging area's Parquet files share them."""

from __future__ import annotations

# The JSON columns the loader reads, with their DuckDB types. ARTICLE_COLUMNS are ArticleItem
# fields (tests/test_contract.py checks both ways); the struct's fields are SimilarLink's.
ARTICLE_COLUMNS: dict[str, str] = {
    "url": "VARCHAR",
    "site": "VARCHAR",
    "language": "VARCHAR",
    "category": "VARCHAR",
    "title": "VARCHAR",
    "published_at": "TIMESTAMPTZ",
    "period_start": "DATE",
    "period_end": "DATE",
    "authors": "VARCHAR[]",
    "category_status": "VARCHAR",
    "category_status_text": "VARCHAR",
    "photo_credit": "VARCHAR",
    "body": "VARCHAR",
    "similar_links": "STRUCT(url VARCHAR, title VARCHAR, position INTEGER)[]",
    "word_count": "INTEGER",
    "content_hash": "VARCHAR",
    "etag": "VARCHAR",
    "last_modified": "VARCHAR",
}
# ArticleItem fields deliberately not stored: which extraction rule found each field is for the
# crawl's coverage guard, not for analysts.
ARTICLE_FIELDS_NOT_STORED = frozenset({"rules"})
# The record envelope and the error record's own fields (url is shared with articles).
RECORD_COLUMNS: dict[str, str] = {
    "record": "VARCHAR",  # 'article' | 'error' | 'seen' (a 304) | 'gone' (a 404/410) | 'moved'; others ignored
    "fetched_at": "TIMESTAMPTZ",
    "kind": "VARCHAR",
    "message": "VARCHAR",
    "occurred_at": "TIMESTAMPTZ",
    # a 'moved' record (the site's host changed, crawler.items.SiteMoved)
    "from_sites": "VARCHAR[]",
    "to_site": "VARCHAR",
}
JSON_COLUMNS: dict[str, str] = {**RECORD_COLUMNS, **ARTICLE_COLUMNS}
# The article columns an unchanged article's merge reads (sql/load/: classifying it, moving
# last_seen_at and its HTTP validators). Every other one is content, which a batch of unchanged
# articles is read without (batch_merge.read_keys_only; added back as NULL columns): a new item
# field is content unless it is named here.
UNCHANGED_MERGE_READS = ("url", "site", "language", "category", "word_count", "content_hash", "etag", "last_modified")
CONTENT_COLUMNS: dict[str, str] = {
    name: sql_type for name, sql_type in ARTICLE_COLUMNS.items() if name not in UNCHANGED_MERGE_READS
}
KEY_COLUMNS: dict[str, str] = {name: t for name, t in JSON_COLUMNS.items() if name not in CONTENT_COLUMNS}
