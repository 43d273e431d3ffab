"""ArticlePage: one article page → ArticleItem, found by visible labels and page structure.

The page is parsed once (``Document``), its landmarks found once (``landmarks.find_landmarks``:
rendering, title, status anchor, region, furniture blocks, ...), and each field is then a
table of named rules over those landmarks (``fields/``), tried in order: the visible label or
the page's reading order first, CSS hints last, so that a theme that renames its classes still
yields every field. The first rule that gives a value wins and its name goes to
``item.rules``. Nothing here imports Scrapy: ``from_response`` only reads ``response.url`` and
``response.text`` (or ``body`` and its Content-Type).
"""

from __future__ import annotations

import logging
from functools import cached_property

from ..items import ArticleItem, SimilarLink, article_fields
from .document import Document
from .fields import FACETS, RULES
from .landmarks import Landmarks, base_url, find_landmarks
from .listing import site_links
from .rules import first_value
from .urls import canonicalize_url, category_from_url, language_from_url, site_of

log = logging.getLogger(__name__)

# The fields extraction fills, in item order (kept under this name for the coverage guard).
FIELDS = article_fields("extracted")
_LIST_FIELDS = frozenset({"authors", "similar_links"})


class ArticlePage:
    """Fields of one article page. ``html`` may be text or raw bytes (decoded by its BOM,
    ``encoding``, the ``content_type`` header or <meta charset>, in that order). ``site_hosts``:
    host[:port] names beyond the built-in ones that are the same site (SITE_HOSTS), for links."""

    def __init__(self, url: str, html: str | bytes | None, encoding: str | None = None, content_type: str | None = None,
                 site_hosts: frozenset[str] = frozenset()):
        self.response_url = url
        self._html = html
        self._encoding = encoding
        self._content_type = content_type
        self.site_hosts = site_hosts
        self._facets: dict[str, tuple[object, str]] = {}  # facet -> (value, rule), filled on first use

    @classmethod
    def from_response(cls, response) -> ArticlePage:
        """A page from a Scrapy (or any) response with ``url`` and ``text`` (or ``body``)."""
        try:
            return cls(response.url, response.text)
        except (AttributeError, ValueError):  # not a text response: let the decoder try
            headers = getattr(response, "headers", None) or {}
            content_type = headers.get("Content-Type") if hasattr(headers, "get") else None
            if isinstance(content_type, bytes):
                content_type = content_type.decode("latin-1")
            return cls(response.url, getattr(response, "body", b""), content_type=content_type)

    # ---- the parsed page and its landmarks

    @cached_property
    def doc(self) -> Document:
        return Document(self.response_url, self._html, self._encoding, self._content_type)

    @cached_property
    def landmarks(self) -> Landmarks:
        return find_landmarks(self.response_url, self.url(), self.doc, self.language(), self.category())

    @property
    def rendering(self) -> str:
        """"dated" or "weekly", as read from the page."""
        return self.landmarks.rendering.name

    # ---- fields taken from the URL

    def url(self) -> str:
        try:
            return canonicalize_url(self.response_url)
        except ValueError:  # an unparsable address is kept as given rather than lost
            return self.response_url or ""

    def site(self) -> str:
        try:
            return site_of(self.url())
        except ValueError:
            return ""

    def language(self) -> str:
        try:
            return language_from_url(self.url())
        except ValueError:
            return "en"

    def category(self) -> str | None:
        try:
            return category_from_url(self.url())
        except ValueError:
            return None

    # ---- fields taken from the page

    def title(self) -> str | None:
        title = self.landmarks.title
        return title.text if title is not None else None

    def published_at(self):
        return self._value("published_at")

    def period_start(self):
        return self._value("period_start")

    def period_end(self):
        return self._value("period_end")

    def authors(self) -> list[str]:
        return self._value("authors")

    def category_status(self) -> str | None:
        return self._value("category_status")

    def category_status_text(self) -> str | None:
        return self._value("category_status_text")

    def photo_credit(self) -> str | None:
        return self._value("photo_credit")

    def body(self) -> str | None:
        return self._value("body")

    def similar_links(self) -> list[SimilarLink]:
        return self._value("similar_links")

    def links(self) -> list[str]:
        """Every same-site link on the page, for discovery (not an item field)."""
        try:
            return site_links(self.doc, base_url(self.doc, self.response_url), self.response_url, self.site_hosts)
        except Exception:  # noqa: BLE001 - discovery must not cost the item
            log.warning("link discovery failed on %s", self.response_url, exc_info=True)
            return []

    def to_item(self) -> ArticleItem:
        item = ArticleItem(url=self.url(), site=self.site(), language=self.language(), category=self.category() or "")
        for name in FIELDS:
            value, rule = self._field(name)
            setattr(item, name, value)
            item.rules[name] = rule
        return item

    # ---- running the rules

    def _value(self, name: str):
        return self._field(name)[0]

    def _field(self, name: str) -> tuple[object, str]:
        """(value, rule) of one item field; list fields are [] when empty."""
        if name == "title":
            value, rule = self.title(), self.landmarks.title_rule
        else:
            facet, project = FACETS[name]
            found, rule = self._facet(facet)
            value = project(found)
        if value is None and name in _LIST_FIELDS:
            value = []
        return value, rule

    def _facet(self, facet: str) -> tuple[object, str]:
        if facet not in self._facets:
            marks = self.landmarks
            self._facets[facet] = first_value(RULES[facet][marks.rendering.name], marks, facet)
        return self._facets[facet]
