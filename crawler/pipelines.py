"""Item pipelines, one step each: validate → deduplicate → enrich, then a store pipeline
(crawler/storage.py, added by the CrawlStorage add-on) spools the record.

Docs: https://docs.scrapy.org/en/latest/topics/item-pipeline.html
CrawlError, Revisit and SiteMoved items pass through these three untouched: they are records for
the store pipeline, kept out of feed exports by the ArticleFeeds add-on (crawler/addons.py).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from crawler.extraction.text import strip_control_chars, word_count
from crawler.extraction.urls import canonicalize_url
from crawler.items import ArticleItem, article_fields

LANGUAGES = ("en", "ru", "be")
# The content fields every stored hash was made of before the weekly rendering's fields came:
# they enter the hash always, null included. Any other content field enters only when the page
# has it, so that an article of the dated rendering keeps the hash it was stored with (else every
# stored article would become a new version at the next crawl after an upgrade).
HASHED_ALWAYS = ("title", "published_at", "category_status", "photo_credit", "body")

# Longest plausible values. A headline, credit, status sentence or author name is a line (the
# site's run to ~150 characters); a body is an article (the longest run to ~30,000). A value past
# these is not that field: the extractor took the wrong element, or the page is built to hurt
# (a 5 MB title). Such a page is invalid (a crawl_errors row) rather than stored truncated: a cut
# value would be stored as if it were the field.
LINE_MAX_CHARS = 1_000
BODY_MAX_CHARS = 500_000
# A "Similar articles" block shows a handful of teasers (the site's: 3 to 10). One of thousands is
# a page's link list taken for it: the first ones are kept (the article is still one), the cut is
# counted (stat validate/similar_links_cut).
SIMILAR_LINKS_MAX = 100
# Garbled text: the share of U+FFFD (what a decoder puts for bytes its charset does not have) in
# the title and body past which the page's charset lied (crawler/extraction/markup.decode_html
# already tried the page's own <meta charset>). A real page may hold a stray one, a download cut
# mid-character one more; a lying charset turns every non-ASCII letter into one.
GARBLED_MIN = 5
GARBLED_SHARE = 0.02


class InvalidItem(DropItem):
    """A page that gave no usable article: recorded in crawl_errors."""


class DuplicateItem(DropItem):
    """The same article reached again in this run: only counted."""


def _is_article(item) -> bool:
    return isinstance(item, ArticleItem)


class ValidatePipeline:
    """Normalises an article item and drops it, with the reason, when it is not an article."""

    def __init__(self, stats=None):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        if not _is_article(item):
            return item
        adapter = ItemAdapter(item)
        for name in ("title", "category_status", "category_status_text", "photo_credit", "body"):
            value = adapter.get(name)
            adapter[name] = strip_control_chars(value).strip() or None if isinstance(value, str) else None
        authors = (strip_control_chars(name).strip() for name in adapter.get("authors") or []
                   if isinstance(name, str))
        adapter["authors"] = [name for name in authors if name]
        if adapter["category_status"]:
            adapter["category_status"] = adapter["category_status"].lower()
        adapter["url"] = canonicalize_url(adapter["url"])
        if len(adapter["similar_links"]) > SIMILAR_LINKS_MAX:
            adapter["similar_links"] = adapter["similar_links"][:SIMILAR_LINKS_MAX]
            if self.stats is not None:
                self.stats.inc_value("validate/similar_links_cut")
        for link in adapter["similar_links"]:
            link.url = canonicalize_url(link.url)

        missing = [name for name in ("title", "body") if not adapter.get(name)]
        if missing:
            raise InvalidItem(f"no {' and no '.join(missing)} found: not an article page or a markup the extractor does not know")
        _check_lengths(adapter)
        _check_garbled(adapter)
        if adapter["language"] not in LANGUAGES:
            raise InvalidItem(f"unknown language {adapter['language']!r}")
        published_at = adapter.get("published_at")
        if published_at is not None and published_at.tzinfo is None:
            raise InvalidItem("published_at has no time zone")
        return item


def _check_lengths(adapter: ItemAdapter) -> None:
    lines = [(name, adapter.get(name)) for name in ("title", "category_status_text", "photo_credit")]
    lines += [("authors", name) for name in adapter.get("authors") or []]
    for name, value in lines:
        if value and len(value) > LINE_MAX_CHARS:
            raise InvalidItem(f"{name} of {len(value):,} characters (at most {LINE_MAX_CHARS:,}): not a {name}, "
                              "so not an article page the extractor can read")
    body = adapter.get("body") or ""
    if len(body) > BODY_MAX_CHARS:
        raise InvalidItem(f"body of {len(body):,} characters (at most {BODY_MAX_CHARS:,}): not one article")


def _check_garbled(adapter: ItemAdapter) -> None:
    text = (adapter.get("title") or "") + (adapter.get("body") or "")
    bad = text.count("\ufffd")
    if bad >= GARBLED_MIN and bad > GARBLED_SHARE * len(text):
        raise InvalidItem(f"garbled text: {bad:,} of {len(text):,} characters are U+FFFD (undecodable): the page's "
                          "declared charset does not match its bytes")


class DedupPipeline:
    """Drops an article already seen in this run under the same canonical URL."""

    def __init__(self):
        self.seen: set[str] = set()

    def process_item(self, item):
        if not _is_article(item):
            return item
        url = ItemAdapter(item)["url"]
        if url in self.seen:
            raise DuplicateItem(f"already scraped in this run: {url}")
        self.seen.add(url)
        return item


class EnrichPipeline:
    """Adds what is derived from the content: word count and the hash that decides versions."""

    def process_item(self, item):
        if not _is_article(item):
            return item
        adapter = ItemAdapter(item)
        adapter["word_count"] = word_count(adapter["body"] or "")
        adapter["content_hash"] = content_hash(adapter)
        return item


def content_hash(adapter: ItemAdapter) -> str:
    """The hash of the content fields (article_fields("content")) that decides versions.

    HASHED_ALWAYS enter as they are; the others only when the page has them, and the status's
    words only when they gave no status (then the words are all the status there is: a change of
    wording is a change of content; otherwise the status word already says it)."""
    content = {}
    for name in article_fields("content"):
        value = adapter.get(name)
        if name not in HASHED_ALWAYS:
            if value in (None, "", [], ()):
                continue
            if name == "category_status_text" and adapter.get("category_status") is not None:
                continue
        content[name] = value.isoformat() if isinstance(value, (date, datetime)) else value
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
