"""ListingPage: a listing page → its article URLs (with the weeks the teasers print) and the
next page. Both renderings: the dated one's /{category}?page=N, the weekly one's
/analytics/{category}/ paged WordPress-style (/page/N/ or ?paged=N)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache
from urllib.parse import urljoin, urlsplit

from . import labels
from .blocks import block_end
from .document import Document
from .periods import PeriodMatch, find_period, parse_period
from .teaser_weeks import resolve_weeks
from .text import normalize_whitespace
from .urls import canonicalize_url, is_article_url, same_site, site_of

# WordPress pagers say "Next", "Older posts", "« Older Entries"; arrows and dots around the words
# are dropped before comparing.
_WORDPRESS_NEXT = ("Older posts", "Older entries", "Older", "Next page", "Наступная", "Наступная старонка",
                   "Старые записи", "Далей", "Дальше")
_NEXT_TEXTS = {normalize_whitespace(label).casefold() for label in labels.NEXT_PAGE + _WORDPRESS_NEXT}
_DECORATION = re.compile(r"^[\s«»‹›←→.…]+|[\s«»‹›←→.…]+$")
# Boxes of the weekly rendering beside the list: their weeks and links are not teasers.
_FURNITURE = ("Situation in Belarus", "Ситуация в Беларуси", "Сітуацыя ў Беларусі")
# How many lines beside a teaser's link may hold its week when no other teaser bounds it.
_WEEK_REACH = 4


@dataclass(frozen=True)
class ListedArticle:
    """One teaser of a listing: the article and the week it covers (None when not printed or
    not placeable in a year)."""

    url: str
    period_start: date | None
    period_end: date | None
_SKIP_SCHEMES = ("#", "mailto:", "javascript:", "tel:", "data:")
_FILE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp", ".pdf", ".zip", ".css", ".js", ".ico")


class ListingPage:
    """Links of one listing page: the articles it lists (with the weeks their teasers print),
    in page order, and its next page."""

    def __init__(self, url: str, html: str | bytes | None, encoding: str | None = None, content_type: str | None = None,
                 site_hosts: frozenset[str] = frozenset()):
        self.response_url = url
        # host[:port] names beyond the built-in ones that are the same site (SITE_HOSTS)
        self.site_hosts = site_hosts
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
        return url if same_site(url, self.response_url, self.site_hosts) else None

    @cached_property
    def _sidebar_ranges(self) -> list[tuple[int, int]]:
        """Position ranges of the "Recent trends" (and "Similar articles") blocks."""
        doc = self.doc
        names = labels.RECENT_TRENDS + labels.SIMILAR_ARTICLES + _FURNITURE
        return [(doc.lines[i].start, block_end(doc, doc.lines[i])) for i in sorted(doc.label_lines(names))]

    @cached_property
    def _main_range(self) -> tuple[int, int] | None:
        """The <main>/[role=main] element's range, when the theme marks its content region."""
        doc = self.doc
        for el in doc.root.xpath("//main | //*[@role='main']"):
            if el in doc.start:
                return doc.start[el], doc.end[el]
        return None

    @cached_property
    def _teaser_links(self) -> dict[str, tuple[int, bool]]:
        """Article URL → (position of its first link in the listing's main region, whether that
        link ends with a slash), in page order."""
        doc = self.doc
        main = self._main_range
        found: dict[str, int] = {}
        for marker in doc.links:
            if marker.chrome or any(lo <= marker.pos < hi for lo, hi in self._sidebar_ranges):
                continue
            if main is not None and not main[0] <= marker.pos <= main[1]:
                continue
            url = self._absolute(marker.el.get("href"))
            if url and is_article_url(url) and url not in found:
                path = (marker.el.get("href") or "").split("#", 1)[0].split("?", 1)[0]
                found[url] = (marker.pos, path.endswith("/"))
        return found

    def address_of(self, url: str) -> str:
        """The address to ask for a listed article: its canonical URL with the trailing slash
        the listing wrote (the site would otherwise answer with a redirect to it)."""
        _, slashed = self._teaser_links.get(url, (0, False))
        return url + "/" if slashed and not url.endswith("/") and "?" not in url else url

    @cached_property
    def writes_trailing_slashes(self) -> bool:
        """Whether most of the page's links to the site's pages end with "/" (WordPress's
        permalinks), so that the crawl asks for that form rather than one that redirects."""
        slashed = total = 0
        for marker in self.doc.links:
            href = (marker.el.get("href") or "").split("#", 1)[0].split("?", 1)[0]
            url = self._absolute(href) if href else None
            path = urlsplit(href).path if url else ""
            if len(path.strip("/")) == 0 or "." in path.rsplit("/", 1)[-1]:
                continue
            total += 1
            slashed += path.endswith("/")
        return slashed * 2 > total

    def article_urls(self) -> list[str]:
        """Canonical article URLs in the listing's main region, page order, each once."""
        return list(self._teaser_links)

    def listed_articles(self, near: date | None = None) -> list[ListedArticle]:
        """The teasers with their weeks. A year-less week ("October 21 – October 27") is placed
        by its context: teasers printing a year, the listing's newest-first order, then the
        page's own week, then ``near`` (a date the caller knows, e.g. the crawl's day for a
        first page)."""
        urls = list(self._teaser_links)
        weeks = self._teaser_weeks([pos for pos, _ in self._teaser_links.values()])
        page_week = self._own_week()
        resolved = resolve_weeks(weeks, page_week[1] if page_week else near)
        return [ListedArticle(url, *(week or (None, None))) for url, week in zip(urls, resolved)]

    def _teaser_weeks(self, positions: list[int]) -> list[PeriodMatch | None]:
        """The week each teaser prints: after its link up to the next teaser's link, or, when
        the listing prints weeks above titles (more teasers then find one that way), before it."""
        doc = self.doc
        starts = [doc.lines_from(pos) for pos in positions]
        ends = [*starts[1:], min(len(doc.lines), starts[-1] + _WEEK_REACH)] if starts else []
        after = [self._week_in(first, last) for first, last in zip(starts, ends)]
        before = [self._week_in(starts[i - 1] + 1 if i else max(0, last - _WEEK_REACH), last)
                  for i, last in enumerate(starts)]
        return before if sum(map(bool, before)) > sum(map(bool, after)) else after

    def _week_in(self, first: int, last: int) -> PeriodMatch | None:
        return find_period(" \n ".join(line.text for line in self.doc.lines[first:last] if not line.chrome))

    def _own_week(self) -> tuple[date, date] | None:
        """A week with its year printed before the teasers, outside the furniture boxes (the
        page's own week)."""
        first_teaser = min((pos for pos, _ in self._teaser_links.values()), default=None)
        for line in self.doc.lines:
            if first_teaser is not None and line.start >= first_teaser:
                break
            if line.chrome or any(lo <= line.start < hi for lo, hi in self._sidebar_ranges):
                continue
            found = parse_period(line.text)
            if found:
                return found
        return None

    def next_page_url(self) -> str | None:
        """The next listing page: rel="next", a "next ›"/"Older posts" link, or a *next* class;
        only a listing address counts (a "next post" link to an article is not paging)."""
        try:
            own = canonicalize_url(self.response_url)
        except ValueError:
            own = self.response_url
        for candidate in self._next_candidates():
            url = self._absolute(candidate)
            if url and url != own and not is_article_url(url):
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
            if text and (text in _NEXT_TEXTS or _DECORATION.sub("", text) in _NEXT_TEXTS):
                yield marker.el.get("href")
        for el in doc.root.xpath("//*[contains(@class, 'next')]"):
            if el.tag == "a":
                yield el.get("href")
            for a in el.iter("a"):
                yield a.get("href")

    def links(self) -> list[str]:
        """Every same-site link (canonical, page order, each once), for discovery."""
        return site_links(self.doc, self.base_url, self.response_url, self.site_hosts)


def site_links(doc: Document, base_url: str, page_url: str, site_hosts: frozenset[str] = frozenset()) -> list[str]:
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
        url = _site_link(href, base, site, site_hosts)
        if url is not None:
            found.setdefault(url)
    return list(found)


# Every page repeats the site's menu, sidebar and "similar" links: resolved once per site.
@lru_cache(maxsize=16384)
def _site_link(href: str, base: str, site: str, site_hosts: frozenset[str]) -> str | None:
    """The canonical address of `href` (relative to `base`) when it is on `site` and not a file."""
    try:
        url = canonicalize_url(href, base or None)
    except ValueError:
        return None
    if same_site(url, site, site_hosts) and not urlsplit(url).path.lower().endswith(_FILE_SUFFIXES):
        return url
    return None
