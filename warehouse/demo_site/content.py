"""The offline site's content and ground truth: `build_site(seed, articles, ru_share) -> Site`.

Everything follows from the seed, so tests can state exact expectations. Article metadata
(path, title, date, status, credit, similar links) is built eagerly, which is cheap even for
10 000 articles; body text is generated on first use and then cached.

The site spans June 2016 to June 2018 (Minsk time, minute precision) with uneven volume per
section and month (economy rising, security peaking in September 2017, domestic policy in
spring 2017) and a status mix that shifts over time. It always holds:

- the two real articles of the seed page, with their real text (`Site.seed_path`,
  `Site.seed_similar_path`), the first being the other's first similar article and back;
- one economy article published at 00:30 on 1 March 2017 (`Site.month_boundary_path`), so
  month bucketing in UTC vs. Minsk gives different answers;
- the faults listed on `Faults` (`Site.faults`).
"""

from __future__ import annotations

import calendar
import random
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import NamedTuple
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from warehouse.demo_site import seed_article
from warehouse.demo_site.text import make_lead, make_paragraphs, make_title, slugify
from warehouse.demo_site.vocabulary import CATEGORIES, CREDITS_EN, CREDITS_RU

MINSK = ZoneInfo("Europe/Minsk")
MONTHS = tuple(f"{y}-{m:02d}" for y in (2016, 2017, 2018) for m in range(1, 13)
               if "2016-06" <= f"{y}-{m:02d}" <= "2018-06")
PAGE_SIZE = 10
FIRST_NODE_ID = 1000
STATUSES = ("positive", "negative", "neutral")
OVERSIZED_MIN_BYTES = 10 * 1024 * 1024


class SimilarRef(NamedTuple):
    """One teaser of a Similar articles block, as the site links it (canonical path)."""

    path: str
    title: str


@dataclass(eq=False)
class DemoArticle:
    """Ground truth for one article page. `published_at` is None only for the undated fault."""

    node_id: int
    path: str  # canonical, root-relative: "/economy/slug" or "/ru/economy/slug"
    language: str  # "en" | "ru"
    category: str
    title: str
    published_at: datetime | None  # tz-aware Europe/Minsk
    category_status: str  # positive | negative | neutral
    photo_credit: str  # without the label
    credit_label: str  # "Photo" or "Фото", as the page shows it
    sort_at: datetime  # listing order; the undated article keeps a hidden one
    text_seed: str
    kind: str = "ordinary"  # ordinary | seed | oversized
    fixed_paragraphs: tuple[str, ...] | None = None
    translation: str | None = None  # path of the same article in the other language
    similar: list[SimilarRef] = field(default_factory=list)

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

    @property
    def missing_paths(self) -> tuple[str, str]:
        return (self.missing_similar[1], self.missing_listing[1])


def normalize_path(target: str) -> str:
    """The path of a link or request target without query, fragment or trailing slash."""
    path = urlsplit(target).path or "/"
    return path.rstrip("/") or "/"


@dataclass(eq=False)
class Site:
    seed: int
    articles: list[DemoArticle]  # English (chronological), then Russian (chronological)
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
            self._latest[language] = sorted(found, key=_newest_first)
        return self._latest[language][:count]


def listing_url_for(language: str, category: str, page: int) -> str:
    prefix = "/ru" if language == "ru" else ""
    return f"{prefix}/{category}" + (f"?page={page}" if page else "")


def _newest_first(article: DemoArticle) -> tuple:
    return (-article.sort_at.timestamp(), -article.node_id)


def _volume(category: str, index: int, month: str) -> float:
    """Relative number of articles of a section in a month (index 0 = June 2016)."""
    t = index / (len(MONTHS) - 1)
    if category == "economy":
        return 0.6 + 1.6 * t
    if category == "security":
        return {"2017-08": 2.5, "2017-09": 4.0, "2017-10": 2.5}.get(month, 1.0)
    if category == "international-relations":
        return 1.1 * (1.8 if "2017-01" <= month <= "2017-03" else 1.0)
    if category == "domestic-policy":
        return 2.5 if "2017-02" <= month <= "2017-04" else 1.7 if month == "2016-09" else 1.0
    return 1.2 - 0.5 * t  # society


def _status(rng: random.Random, category: str, when: datetime) -> str:
    month = when.strftime("%Y-%m")
    t = MONTHS.index(month) / (len(MONTHS) - 1)
    if category == "economy":
        negative, positive = 0.6 - 0.4 * t, 0.1 + 0.4 * t
    elif category == "security":
        negative, positive = (0.75 if "2017-08" <= month <= "2017-10" else 0.3), 0.15
    elif category == "international-relations":
        negative, positive = 0.3 - 0.1 * t, 0.2 + 0.25 * t
    elif category == "domestic-policy":
        negative, positive = (0.75 if "2017-02" <= month <= "2017-04" else 0.4), 0.1
    else:
        negative, positive = 0.25, 0.2 + 0.1 * t
    r = rng.random()
    return "negative" if r < negative else "positive" if r < negative + positive else "neutral"


def _credit(rng: random.Random, language: str) -> tuple[str, str]:
    if language == "ru" or rng.random() < 0.2:
        return "Фото", rng.choice(CREDITS_RU)
    return "Photo", rng.choice(CREDITS_EN)


class _Slugs:
    """Unique slugs per section, suffixed like pathauto does ("-0", "-1", ...)."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def path(self, category: str, title: str) -> str:
        base = f"/{category}/{slugify(title)}"
        path, n = base, 0
        while path in self.taken:
            path, n = f"{base}-{n}", n + 1
        self.taken.add(path)
        return path


def build_site(seed: int = 2017, articles: int = 160, ru_share: float = 0.3) -> Site:
    """The whole site for `seed`: `articles` English articles (the two real ones and the oversized
    one included) plus about `ru_share * articles` Russian mirror articles."""
    if articles < 20:
        raise ValueError("the demo site needs at least 20 articles to hold all its faults")
    if not 0 <= ru_share <= 1:
        raise ValueError("ru_share must be between 0 and 1")
    rng = random.Random(seed)
    slugs = _Slugs()
    english = _english_articles(rng, slugs, seed, articles - 2)
    seed_page, seed_similar = _seed_articles(slugs)
    english += [seed_page, seed_similar]
    english.sort(key=lambda a: (a.sort_at, a.path))
    boundary = next(a for a in english if a.sort_at == datetime(2017, 3, 1, 0, 30, tzinfo=MINSK))

    picked: set[int] = set()
    ordinary = [a for a in english if a.kind == "ordinary" and a is not boundary]
    alias_target = ordinary[-1]  # the newest: it sits in every English Recent trends block
    picked.add(id(alias_target))

    def pick(category: str, older: bool = False) -> DemoArticle:
        pool = ordinary[: len(ordinary) // 2] if older else ordinary
        free = [a for a in pool if id(a) not in picked]
        chosen = rng.choice([a for a in free if a.category == category] or free)
        picked.add(id(chosen))
        return chosen

    oversized = pick("society", older=True)
    oversized.kind = "oversized"
    undated = pick("society", older=True)
    undated.published_at = None
    transient = pick("international-relations")
    redirected = pick("domestic-policy")
    missing_source = pick("economy")

    mirrorable = [a for a in english if a.kind == "ordinary" and a is not undated]
    russian = _russian_mirrors(rng, seed, mirrorable, round(ru_share * articles))
    for node_id, article in enumerate(english + russian, start=FIRST_NODE_ID):
        article.node_id = node_id

    listings = {}
    for language, group in (("en", english), ("ru", russian)):
        for category in CATEGORIES:
            in_section = [a for a in group if a.category == category]
            _choose_similar(rng, in_section)
            listings[(language, category)] = sorted(in_section, key=_newest_first)
    _make_reciprocal(seed_page, seed_similar)

    missing: dict[str, MissingArticle] = {}
    gone = _missing_article(rng, slugs, missing_source)
    missing[gone.path] = gone
    missing_source.similar[2:] = [SimilarRef(gone.path, gone.title)]
    ghost_category = next(c for c in ("society", *CATEGORIES) if listings[("en", c)])  # small sites
    section = listings[("en", ghost_category)]
    listing_page = 1 if len(section) > PAGE_SIZE else 0
    on_page = section[listing_page * PAGE_SIZE:(listing_page + 1) * PAGE_SIZE]
    ghost = _missing_article(rng, slugs, on_page[min(2, len(on_page) - 1)])
    missing[ghost.path] = ghost

    ru_economy = [a for a in russian if a.category == "economy"] or russian
    faults = Faults(
        transient_500_path=transient.path,
        missing_similar=(missing_source.path, gone.path),
        missing_listing=(listing_url_for("en", ghost_category, listing_page), ghost.path),
        redirect_from=f"/node/{redirected.node_id}",
        redirect_to=redirected.path,
        alias_target=alias_target.path,
        alias_hrefs=(alias_target.path + "/", alias_target.path + SIDEBAR_TRACKING,
                     alias_target.path + "#comments"),
        cp1251_path=rng.choice(ru_economy).path if ru_economy else None,
        undated_path=undated.path,
        oversized_path=oversized.path,
    )
    every = english + russian
    return Site(
        seed=seed, articles=every, faults=faults, seed_path=seed_page.path,
        seed_similar_path=seed_similar.path, month_boundary_path=boundary.path, missing=missing,
        _by_path={a.path: a for a in every}, _by_node={a.node_id: a for a in every},
        _listings=listings,
    )


# Recent trends links carry tracking parameters, as shared/promoted links on real sites do.
SIDEBAR_TRACKING = "?utm_source=recent&utm_medium=sidebar"


def _english_articles(rng: random.Random, slugs: _Slugs, seed: int, count: int) -> list[DemoArticle]:
    cells = [(category, i, month) for category in CATEGORIES for i, month in enumerate(MONTHS)]
    weights = [_volume(*cell) for cell in cells]
    picks = rng.choices(cells, weights, k=count)
    if not any(category == "economy" for category, _, _ in picks):
        picks[0] = ("economy", 0, MONTHS[0])
    made = []
    boundary_done = False
    for category, _, month in picks:
        year, mon = int(month[:4]), int(month[5:])
        when = datetime(year, mon, rng.randint(1, calendar.monthrange(year, mon)[1]),
                        rng.randint(8, 19), rng.randrange(60), tzinfo=MINSK)
        if category == "economy" and not boundary_done:
            when, month, boundary_done = datetime(2017, 3, 1, 0, 30, tzinfo=MINSK), "2017-03", True
        title = make_title(rng, category, "en", month)
        label, credit = _credit(rng, "en")
        path = slugs.path(category, title)
        made.append(DemoArticle(
            node_id=0, path=path, language="en", category=category, title=title, published_at=when,
            category_status=_status(rng, category, when), photo_credit=credit, credit_label=label,
            sort_at=when, text_seed=f"{seed}:{path}"))
    return made


def _seed_articles(slugs: _Slugs) -> tuple[DemoArticle, DemoArticle]:
    def real(title, when, status, credit, paragraphs):
        path = slugs.path("security", title)
        return DemoArticle(
            node_id=0, path=path, language="en", category="security", title=title, published_at=when,
            category_status=status, photo_credit=credit, credit_label="Фото", sort_at=when,
            text_seed=path, kind="seed", fixed_paragraphs=paragraphs)

    return (
        real(seed_article.SEED_TITLE, datetime(2017, 9, 18, 10, 50, tzinfo=MINSK), "neutral",
             "Министерство обороны Республики Казахстан", seed_article.SEED_PARAGRAPHS),
        real(seed_article.SIMILAR_TITLE, datetime(2017, 10, 2, 11, 57, tzinfo=MINSK), "negative",
             "RFRM", seed_article.SIMILAR_PARAGRAPHS),
    )


def _russian_mirrors(rng: random.Random, seed: int, sources: list[DemoArticle], count: int) -> list[DemoArticle]:
    chosen = sorted(rng.sample(sources, min(count, len(sources))), key=lambda a: (a.sort_at, a.path))
    mirrors = []
    for source in chosen:
        label, credit = _credit(rng, "ru")
        path = "/ru" + source.path
        mirrors.append(DemoArticle(
            node_id=0, path=path, language="ru", category=source.category,
            title=make_title(rng, source.category, "ru", source.sort_at.strftime("%Y-%m")),
            published_at=source.published_at, category_status=source.category_status,
            photo_credit=credit, credit_label=label, sort_at=source.sort_at,
            text_seed=f"{seed}:{path}", translation=source.path))
        source.translation = path
    return mirrors


def _choose_similar(rng: random.Random, section: list[DemoArticle]) -> None:
    """Three neighbours in time from the same section; some pairs link each other both ways."""
    for i, article in enumerate(section):
        near = [b for b in section[max(0, i - 6): i + 7] if b is not article]
        article.similar = [SimilarRef(b.path, b.title) for b in rng.sample(near, min(3, len(near)))]
    for a, b in zip(section[::2], section[1::2]):
        if rng.random() < 0.35:
            _make_reciprocal(a, b)


def _make_reciprocal(a: DemoArticle, b: DemoArticle) -> None:
    for src, dst in ((a, b), (b, a)):
        rest = [ref for ref in src.similar if ref.path != dst.path]
        src.similar = [SimilarRef(dst.path, dst.title)] + rest[:2]


def _missing_article(rng: random.Random, slugs: _Slugs, near: DemoArticle) -> MissingArticle:
    """A removed article: a plausible teaser next to `near`, whose link answers 404."""
    title = make_title(rng, near.category, "en", near.sort_at.strftime("%Y-%m"))
    label, credit = _credit(rng, "en")
    paragraphs = make_paragraphs(rng, near.category, "en", near.sort_at.strftime("%Y-%m"))
    return MissingArticle(
        path=slugs.path(near.category, title), language="en", category=near.category, title=title,
        published_at=near.sort_at, photo_credit=credit, credit_label=label, lead=make_lead(paragraphs[0]))
