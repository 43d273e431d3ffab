"""ListingPage: a section listing (/{category}?page=N) → article URLs and the next page."""

from __future__ import annotations

from functools import cached_property, lru_cache
from urllib.parse import urljoin, urlsplit

from . import labels
from .article import block_end
from .document import Document
from .text import normalize_whitespace
from .urls import canonicalize_url, is_article_url, same_site, site_of

_NEXT_TEXTS = {normalize_whitespace(label).casefold() for label in labels.NEXT_PAGE}
_SKIP_SCHEMES = ("#", "mailto:", "javascript:", "tel:", "data:")
_FILE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp", ".pdf", ".zip", ".css", ".js", ".ico")


class ListingPage:
    """Links of one listing page: the articles it lists, in page order, and its next page."""

    def __init__(self, url: str, html: str | bytes | None, encoding: str | None = None, content_type: str | None = None):
        self.response_url = url
        self._html = html
        self._encoding = encoding
        self._content_type = content_type

    @classmethod
    def from_response(cls, response) -> ListingPage:
        try:
            return cls(response.url, response.text)
        except (AttributeError, ValueError):
            return cls(response.url, getattr(response, "body", b""))

    @cached_property
    def doc(self) -> Document:
        return Document(self.response_url, self._html, self._encoding, self._content_type)

    @cached_property
    def base_url(self) -> str:
        base = self.doc.base_href
        try:
            return urljoin(self.response_url, base) if base else self.response_url
        except ValueError:
            return self.response_url

    def _absolute(self, href: str | None) -> str | None:
        href = (href or "").strip()
        if not href or href.startswith(_SKIP_SCHEMES):
            return None
        try:
            url = canonicalize_url(href, self.base_url)
        except ValueError:
            return None
        return url if same_site(url, self.response_url) else None

    @cached_property
    def _sidebar_ranges(self) -> list[tuple[int, int]]:
        """Position ranges of the "Recent trends" (and "Similar articles") blocks."""
        doc = self.doc
        names = labels.RECENT_TRENDS + labels.SIMILAR_ARTICLES
        return [(doc.lines[i].start, block_end(doc, doc.lines[i])) for i in sorted(doc.label_lines(names))]

    @cached_property
    def _main_range(self) -> tuple[int, int] | None:
        """The <main>/[role=main] element's range, when the theme marks its content region."""
        doc = self.doc
        for el in doc.root.xpath("//main | //*[@role='main']"):
            if el in doc.start:
                return doc.start[el], doc.end[el]
        return None

    def article_urls(self) -> list[str]:
        """Canonical article URLs in the listing's main region, page order, each once."""
        doc = self.doc
        main = self._main_range
        found: dict[str, None] = {}
        for marker in doc.links:
            if marker.chrome or any(lo <= marker.pos < hi for lo, hi in self._sidebar_ranges):
                continue
            if main is not None and not main[0] <= marker.pos <= main[1]:
                continue
            url = self._absolute(marker.el.get("href"))
            if url and is_article_url(url):
                found.setdefault(url)
        return list(found)

    def next_page_url(self) -> str | None:
        """The next listing page: rel="next", a "next ›"/"следующая ›" link, or a *next* class."""
        try:
            own = canonicalize_url(self.response_url)
        except ValueError:
            own = self.response_url
        for candidate in self._next_candidates():
            url = self._absolute(candidate)
            if url and url != own:
                return url
        return None

    def _next_candidates(self):
        doc = self.doc
        yield from doc.rel_next
        for marker in doc.links:
            if "next" in (marker.el.get("rel") or "").lower().split():
                yield marker.el.get("href")
        for marker in doc.links:
            text = doc.text_of(marker.el).casefold()
            if text and text in _NEXT_TEXTS:
                yield marker.el.get("href")
        for el in doc.root.xpath("//*[contains(@class, 'next')]"):
            if el.tag == "a":
                yield el.get("href")
            for a in el.iter("a"):
                yield a.get("href")

    def links(self) -> list[str]:
        """Every same-site link (canonical, page order, each once), for discovery."""
        return site_links(self.doc, self.base_url, self.response_url)


def site_links(doc: Document, base_url: str, page_url: str) -> list[str]:
    """Every same-site link of a parsed page (canonical, page order, each once), files aside.
    Shared with ArticlePage.links(), so an article page is not parsed twice for discovery."""
    found: dict[str, None] = {}
    origin, site = site_of(base_url), site_of(page_url)
    for marker in doc.links:
        href = (marker.el.get("href") or "").strip()
        if not href or href.startswith(_SKIP_SCHEMES):
            continue
        # A link from the site root ("/politics/x") or a full address resolves the same from
        # every page, so the cache below is keyed on the site for those, not on the page.
        if href.startswith(("http://", "https://")):
            base = ""
        elif href.startswith("/") and not href.startswith("//"):
            base = origin
        else:
            base = base_url
        url = _site_link(href, base, site)
        if url is not None:
            found.setdefault(url)
    return list(found)


# Every page repeats the site's menu, sidebar and "similar" links: resolved once per site.
@lru_cache(maxsize=16384)
def _site_link(href: str, base: str, site: str) -> str | None:
    """The canonical address of `href` (relative to `base`) when it is on `site` and not a file."""
    try:
        url = canonicalize_url(href, base or None)
    except ValueError:
        return None
    if same_site(url, site) and not urlsplit(url).path.lower().endswith(_FILE_SUFFIXES):
        return url
    return None
