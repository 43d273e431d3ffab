"""Items the spider yields: typed dataclasses with no behaviour, read through ItemAdapter.

Docs: https://docs.scrapy.org/en/latest/topics/items.html
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class SimilarLink:
    """One teaser of an article's "Similar articles" block."""

    url: str  # canonical
    title: str | None
    position: int  # 1-based, in page order


@dataclass
class ArticleItem:
    """One article page, normalised. Fields the page lacks stay None (or empty)."""

    url: str  # canonical
    site: str  # scheme://host[:port] of the canonical url
    language: str  # "en" or "ru"
    category: str  # section slug from the url
    title: str | None = None
    published_at: datetime | None = None  # tz-aware, Europe/Minsk
    category_status: str | None = None  # lower-case word
    photo_credit: str | None = None  # without the "Фото:"/"Photo:" label
    body: str | None = None  # paragraphs separated by a blank line
    similar_links: list[SimilarLink] = field(default_factory=list)
    # Which extraction rule produced each field ("label", "structure", "css", ...), for coverage.
    rules: dict[str, str] = field(default_factory=dict)
    # The response's HTTP validators, sent back on the next re-fetch (a conditional request).
    etag: str | None = None
    last_modified: str | None = None
    # Filled by the enrich pipeline, not by extraction.
    word_count: int | None = None
    content_hash: str | None = None


@dataclass
class CrawlError:
    """A page that failed: it becomes a crawl_errors row."""

    url: str
    kind: str  # http | network | oversized | download | invalid | parse
    message: str


@dataclass
class Revisit:
    """A re-fetch of a stored article that carries no content: it answered 304 ("seen") or
    404/410 ("gone")."""

    url: str
    outcome: str  # seen | gone
