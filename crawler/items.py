"""Items the spider yields: typed dataclasses with no behaviour, read through ItemAdapter.

Docs: https://docs.scrapy.org/en/latest/topics/items.html

``ArticleItem``'s field metadata (dataclass metadata, which ItemAdapter also reads) is the one list of its fields that the rest of the project
reads (``article_fields``): ``extracted`` fields come from the page and are judged by the
coverage guard, ``content`` fields make the content hash that decides versions, ``stored``
fields are columns of ``articles``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime


def _meta(*, extracted: bool = False, content: bool = False, stored: bool = True) -> dict:
    return {"extracted": extracted, "content": content, "stored": stored}


@dataclass
class SimilarLink:
    """One teaser of an article's "Similar articles" (or "Read more") block."""

    url: str  # canonical
    title: str | None
    position: int  # 1-based, in page order


@dataclass
class ArticleItem:
    """One article page, normalised. Fields the page lacks stay None (or empty)."""

    url: str = field(metadata=_meta())  # canonical, on the site's current host
    site: str = field(metadata=_meta())  # scheme://host[:port] of the canonical url
    language: str = field(metadata=_meta())  # "en", "ru" or "be"
    category: str = field(metadata=_meta())  # section slug from the url
    title: str | None = field(default=None, metadata=_meta(extracted=True, content=True))
    # tz-aware, Europe/Minsk; None where the page shows only the week it covers
    published_at: datetime | None = field(default=None, metadata=_meta(extracted=True, content=True))
    # The week the commentary covers (weekly rendering); None where the page shows a date.
    period_start: date | None = field(default=None, metadata=_meta(extracted=True, content=True))
    period_end: date | None = field(default=None, metadata=_meta(extracted=True, content=True))
    authors: list[str] = field(default_factory=list, metadata=_meta(extracted=True, content=True))
    category_status: str | None = field(default=None, metadata=_meta(extracted=True, content=True))  # positive|negative|neutral
    # What the page showed for the status: the sentence, or the icon's text or file name.
    category_status_text: str | None = field(default=None, metadata=_meta(extracted=True, content=True))
    photo_credit: str | None = field(default=None, metadata=_meta(extracted=True, content=True))  # without its label
    body: str | None = field(default=None, metadata=_meta(extracted=True, content=True))  # paragraphs, blank line between
    similar_links: list[SimilarLink] = field(default_factory=list, metadata=_meta(extracted=True, stored=False))
    # Which extraction rule produced each field ("label", "structure", "css", ...), for coverage.
    rules: dict[str, str] = field(default_factory=dict, metadata=_meta(stored=False))
    # The response's HTTP validators, sent back on the next re-fetch (a conditional request).
    etag: str | None = field(default=None, metadata=_meta())
    last_modified: str | None = field(default=None, metadata=_meta())
    # Filled by the enrich pipeline, not by extraction.
    word_count: int | None = field(default=None, metadata=_meta())
    content_hash: str | None = field(default=None, metadata=_meta())


def article_fields(kind: str) -> tuple[str, ...]:
    """ArticleItem's fields of one kind ("extracted", "content" or "stored"), in item order."""
    return tuple(f.name for f in fields(ArticleItem) if f.metadata.get(kind))


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


@dataclass
class SiteMoved:
    """The site's current host differs from hosts it was stored under: the loader moves every
    stored row whose ``site`` is one of ``from_sites`` to ``to_site`` (same path), before the
    articles that follow it in the spool are merged."""

    from_sites: list[str]  # scheme://host[:port] of the site's other hosts
    to_site: str  # scheme://host[:port] where the base URL's home page ends up
