"""The offline site's ground truth as data: articles, removed articles, faults, and `Site`,
which answers "what is at this path" and "what does this listing hold". Built by content.py.

Field values here are what the article *is*; what a page of each theme shows of it (and so what
a correct extractor returns) is in truth.py.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import NamedTuple
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from warehouse.demo_site.people import Person
from warehouse.demo_site.text import make_lead, make_paragraphs
from warehouse.demo_site.vocabulary import CATEGORIES
from warehouse.demo_site.weeks import week_of

MINSK = ZoneInfo("Europe/Minsk")
PAGE_SIZE = 10
LANGUAGES = ("en", "ru", "be")
OVERSIZED_MIN_BYTES = 10 * 1024 * 1024
# Recent trends links carry tracking parameters, as shared/promoted links on real sites do.
SIDEBAR_TRACKING = "?utm_source=recent&utm_medium=sidebar"

# The weekly rendering's status sentences; the second wording, where there is one, is used on
# every third article, so an extractor must go by meaning, not by one exact string.
STATUS_SENTENCES = {
    "en": {"negative": ("The situation got worse", "The situation deteriorated"),
           "neutral": ("The situation has not changed",),
           "positive": ("The situation has improved", "The situation got better")},
    "ru": {"negative": ("Ситуация ухудшилась",), "neutral": ("Ситуация не изменилась",),
           "positive": ("Ситуация улучшилась",)},
    "be": {"negative": ("Сітуацыя пагоршылася",), "neutral": ("Сітуацыя не змянілася",),
           "positive": ("Сітуацыя палепшылася",)},
}
UNCLEAR_SENTENCE = "The situation is unclear"  # maps to no status: category_status stays None


class SimilarRef(NamedTuple):
    """One teaser of a Similar articles block, as the site links it (canonical path)."""

    path: str
    title: str


@dataclass(eq=False)
class DemoArticle:
    """Ground truth for one article page. `published_at` is None only for the undated fault."""

    node_id: int
    path: str  # canonical, root-relative: "/economy/slug", "/ru/economy/slug", "/be/economy/slug"
    language: str  # "en" | "ru" | "be"
    category: str
    title: str
    published_at: datetime | None  # tz-aware Europe/Minsk
    category_status: str  # positive | negative | neutral: the dated rendering's icon
    photo_credit: str  # without the label
    credit_label: str  # "Photo", "Фото" or "Фота", as the dated pages show it
    sort_at: datetime  # listing order; the undated article keeps a hidden one
    text_seed: str
    kind: str = "ordinary"  # ordinary | seed | oversized
    fixed_paragraphs: tuple[str, ...] | None = None
    translation: str | None = None  # path of the same article in another language
    similar: list[SimilarRef] = field(default_factory=list)
    authors: tuple[Person, ...] = ()
    author_links: bool = False  # the weekly byline links the names (else plain text)
    status_sentence: str | None = None  # overrides the weekly sentence (the unclear fault)

    @cached_property
    def paragraphs(self) -> tuple[str, ...]:
        if self.fixed_paragraphs is not None:
            return self.fixed_paragraphs
        month = self.sort_at.strftime("%Y-%m")
        rng = random.Random(self.text_seed)
        return tuple(make_paragraphs(rng, self.category, self.language, month))

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def lead(self) -> str:
        return make_lead(self.paragraphs[0])

    @property
    def slug(self) -> str:
        return self.path.rsplit("/", 1)[1]

    @property
    def similar_links(self) -> list[tuple[str, str, int]]:
        """(path, title, position) with 1-based positions, as the crawler should store them."""
        return [(ref.path, ref.title, i) for i, ref in enumerate(self.similar, start=1)]

    @property
    def period(self) -> tuple[date, date]:
        """The Monday–Sunday week the commentary covers: the week of its (Minsk) date."""
        return week_of((self.published_at or self.sort_at).date())

    @property
    def author_names(self) -> list[str]:
        return [person.name(self.language) for person in self.authors]

    @property
    def weekly_status(self) -> tuple[str | None, str]:
        """(status, sentence) of the weekly rendering."""
        if self.status_sentence is not None:
            return None, self.status_sentence
        wordings = STATUS_SENTENCES[self.language][self.category_status]
        return self.category_status, wordings[1 if len(wordings) > 1 and self.node_id % 3 == 0 else 0]

    @property
    def weekly_credit_label(self) -> str:
        """Belarusian pages say "Фота:", Russian "Фото:"; English pages keep "Photo:" for Latin
        credits and mostly switch to the Belarusian "Фота:" for Cyrillic ones, as the live site."""
        if self.language != "en":
            return "Фота" if self.language == "be" else "Фото"
        if self.credit_label == "Photo":
            return "Photo"
        return "Фото" if self.node_id % 4 == 1 else "Фота"

    @property
    def weekly_slash(self) -> bool:
        """Newer permalinks end with a slash; a few 2016 ones (old, truncated slugs) do not."""
        return not (self.sort_at.year == 2016 and self.node_id % 4 == 0)

    @property
    def permalink(self) -> str:
        """The address of the article on the weekly site."""
        return self.path + ("/" if self.weekly_slash else "")


@dataclass(eq=False)
class MissingArticle:
    """A link target that answers 404: shown in a teaser or listing, never served."""

    path: str
    language: str
    category: str
    title: str
    published_at: datetime
    photo_credit: str
    credit_label: str
    lead: str

    @property
    def period(self) -> tuple[date, date]:
        return week_of(self.published_at.date())

    @property
    def permalink(self) -> str:
        return self.path + "/"


@dataclass(frozen=True)
class Faults:
    """The deterministic faults of the site (paths are root-relative)."""

    transient_500_path: str  # answers 500 to its first request per server, then 200
    missing_similar: tuple[str, str]  # (article whose Similar block links it, 404 path)
    missing_listing: tuple[str, str]  # (listing URL that lists it, 404 path)
    redirect_from: str  # "/node/<id>": 301 to redirect_to; linked from the home page
    redirect_to: str
    alias_target: str  # served 200 with the same content under every alias_hrefs entry
    alias_hrefs: tuple[str, ...]  # trailing slash (home page), utm_* (sidebar), #comments (itself)
    cp1251_path: str | None  # Russian article served as windows-1251 (None without Russian pages)
    undated_path: str  # shows no date element at all
    oversized_path: str  # > 10 MB; linked from its listing; not an expected article
    other_host: str = "localhost"  # the footer links http://localhost:PORT/ (same server)
    offsite_hosts: tuple[str, ...] = ("www.facebook.com", "twitter.com")
    robots_disallowed: tuple[str, ...] = ("/user/", "/search", "/print/")
    oversized_min_bytes: int = OVERSIZED_MIN_BYTES
    unclear_status_path: str | None = None  # weekly rendering: a sentence that maps to no status

    @property
    def missing_paths(self) -> tuple[str, str]:
        return (self.missing_similar[1], self.missing_listing[1])


def normalize_path(target: str) -> str:
    """The path of a link or request target without query, fragment or trailing slash."""
    path = urlsplit(target).path or "/"
    return path.rstrip("/") or "/"


def language_prefix(language: str) -> str:
    return "" if language == "en" else f"/{language}"


def listing_url_for(language: str, category: str, page: int) -> str:
    """A dated-rendering listing: /{category}?page=N (0-based)."""
    return f"{language_prefix(language)}/{category}" + (f"?page={page}" if page else "")


def newest_first(article: DemoArticle) -> tuple:
    return (-article.sort_at.timestamp(), -article.node_id)


@dataclass(eq=False)
class Site:
    seed: int
    articles: list[DemoArticle]  # English, then Russian, then Belarusian (each chronological)
    faults: Faults
    seed_path: str
    seed_similar_path: str
    month_boundary_path: str
    missing: dict[str, MissingArticle]
    _by_path: dict[str, DemoArticle] = field(repr=False)
    _by_node: dict[int, DemoArticle] = field(repr=False)
    _listings: dict[tuple[str, str], list[DemoArticle]] = field(repr=False)
    _latest: dict[str, list[DemoArticle]] = field(default_factory=dict, repr=False)

    categories = CATEGORIES

    def article(self, path: str) -> DemoArticle | None:
        """The article at `path`; any alias (trailing slash, query, fragment) also matches."""
        return self._by_path.get(normalize_path(path))

    def by_node(self, node_id: int) -> DemoArticle | None:
        return self._by_node.get(node_id)

    def teaser_target(self, path: str) -> DemoArticle | MissingArticle | None:
        return self.article(path) or self.missing.get(normalize_path(path))

    def expected_articles(self) -> list[DemoArticle]:
        """Articles a correct crawl stores: all but the oversized one (404 targets are not articles)."""
        return [a for a in self.articles if a.kind != "oversized"]

    def listing(self, language: str, category: str) -> list[DemoArticle]:
        """Every article of a section, newest first, as the listing pages show them."""
        return self._listings[(language, category)]

    def all_trends(self, language: str) -> list[DemoArticle]:
        """Every article of a language, newest first (the weekly site's /analytics/)."""
        key = (language, "")
        if key not in self._listings:
            found = [a for c in CATEGORIES for a in self._listings[(language, c)]]
            self._listings[key] = sorted(found, key=newest_first)
        return self._listings[key]

    def page_count(self, language: str, category: str) -> int:
        return max(1, -(-len(self.listing(language, category)) // PAGE_SIZE))

    def listing_page(self, language: str, category: str, page: int) -> list[DemoArticle | MissingArticle] | None:
        """Items of `?page=N` (0-based, Drupal style) including any 404 item; None past the end."""
        if not 0 <= page < self.page_count(language, category):
            return None
        items: list[DemoArticle | MissingArticle] = list(
            self.listing(language, category)[page * PAGE_SIZE:(page + 1) * PAGE_SIZE])
        listing_url, missing_path = self.faults.missing_listing
        if listing_url == listing_url_for(language, category, page):
            items.insert(min(2, len(items)), self.missing[missing_path])
        return items

    def latest(self, language: str, count: int) -> list[DemoArticle]:
        """The newest articles of a language (the Recent trends block), the oversized one excluded."""
        if language not in self._latest:  # every page shows this block: sort once, not per page
            found = [a for a in self.articles if a.language == language and a.kind != "oversized"]
            self._latest[language] = sorted(found, key=newest_first)
        return self._latest[language][:count]

    def by_author(self, person: Person, language: str) -> list[DemoArticle]:
        """A language's articles by `person`, newest first (the author archive page)."""
        return [a for a in self.latest(language, len(self.articles)) if person in a.authors]
