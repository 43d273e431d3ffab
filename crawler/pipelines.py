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

from crawler.extraction.text import word_count
from crawler.extraction.urls import canonicalize_url
from crawler.items import ArticleItem, article_fields

LANGUAGES = ("en", "ru", "be")
# The content fields every stored hash was made of before the weekly rendering's fields came:
# they enter the hash always, null included. Any other content field enters only when the page
# has it, so that an article of the dated rendering keeps the hash it was stored with (else every
# stored article would become a new version at the next crawl after an upgrade).
HASHED_ALWAYS = ("title", "published_at", "category_status", "photo_credit", "body")


class InvalidItem(DropItem):
    """A page that gave no usable article: recorded in crawl_errors."""


class DuplicateItem(DropItem):
    """The same article reached again in this run: only counted."""


def _is_article(item) -> bool:
    return isinstance(item, ArticleItem)


class ValidatePipeline:
    """Normalises an article item and drops it, with the reason, when it is not an article."""

    def process_item(self, item):
        if not _is_article(item):
            return item
        adapter = ItemAdapter(item)
        for name in ("title", "category_status", "category_status_text", "photo_credit", "body"):
            value = adapter.get(name)
            adapter[name] = value.strip() or None if isinstance(value, str) else None
        adapter["authors"] = [name.strip() for name in adapter.get("authors") or [] if name and name.strip()]
        if adapter["category_status"]:
            adapter["category_status"] = adapter["category_status"].lower()
        adapter["url"] = canonicalize_url(adapter["url"])
        for link in adapter["similar_links"]:
            link.url = canonicalize_url(link.url)

        missing = [name for name in ("title", "body") if not adapter.get(name)]
        if missing:
            raise InvalidItem(f"no {' and no '.join(missing)} found: not an article page or a markup the extractor does not know")
        if adapter["language"] not in LANGUAGES:
            raise InvalidItem(f"unknown language {adapter['language']!r}")
        published_at = adapter.get("published_at")
        if published_at is not None and published_at.tzinfo is None:
            raise InvalidItem("published_at has no time zone")
        return item


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
