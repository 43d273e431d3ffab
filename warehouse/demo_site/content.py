"""The offline site's content: `build_site(seed, articles, ru_share, be_share) -> Site` (model.py).

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
from dataclasses import replace
from datetime import datetime

from warehouse.demo_site import seed_article
from warehouse.demo_site.model import (  # noqa: F401 - re-exported: content is the site's public module
    LANGUAGES, MINSK, OVERSIZED_MIN_BYTES, PAGE_SIZE, SIDEBAR_TRACKING, UNCLEAR_SENTENCE, DemoArticle,
    Faults, MissingArticle, SimilarRef, Site, listing_url_for, newest_first, normalize_path,
)
from warehouse.demo_site.people import assign_authors
from warehouse.demo_site.text import make_lead, make_paragraphs, make_title, slugify
from warehouse.demo_site.vocabulary import CATEGORIES, CREDITS_BE, CREDITS_EN, CREDITS_RU

MONTHS = tuple(f"{y}-{m:02d}" for y in (2016, 2017, 2018) for m in range(1, 13)
               if "2016-06" <= f"{y}-{m:02d}" <= "2018-06")
FIRST_NODE_ID = 1000
STATUSES = ("positive", "negative", "neutral")


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
    if language == "be":
        return "Фота", rng.choice(CREDITS_BE)
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


def build_site(seed: int = 2017, articles: int = 160, ru_share: float = 0.3, be_share: float = 0.1) -> Site:
    """The whole site for `seed`: `articles` English articles (the two real ones and the oversized
    one included) plus about `ru_share * articles` Russian and `be_share * articles` Belarusian
    mirror articles. The Belarusian mirrors, the authors and the weekly rendering's faults come
    from random streams of their own, so the English and Russian pages are the same with or
    without them."""
    if articles < 20:
        raise ValueError("the demo site needs at least 20 articles to hold all its faults")
    for name, share in (("ru_share", ru_share), ("be_share", be_share)):
        if not 0 <= share <= 1:
            raise ValueError(f"{name} must be between 0 and 1")
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
            listings[(language, category)] = sorted(in_section, key=newest_first)
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
    weekly_rng = random.Random(f"{seed}:weekly")
    belarusian = _mirrors(weekly_rng, seed, mirrorable, round(be_share * articles), "be")
    for node_id, article in enumerate(belarusian, start=FIRST_NODE_ID + len(english) + len(russian)):
        article.node_id = node_id
    for category in CATEGORIES:
        in_section = [a for a in belarusian if a.category == category]
        _choose_similar(weekly_rng, in_section)
        listings[("be", category)] = sorted(in_section, key=newest_first)
    assign_authors(seed, english)
    sources = {a.path: a for a in english}
    for mirror in russian + belarusian:
        source = sources[mirror.translation]
        mirror.authors, mirror.author_links = source.authors, source.author_links
    unclear = weekly_rng.choice([a for a in ordinary if id(a) not in picked])
    unclear.status_sentence = UNCLEAR_SENTENCE
    faults = replace(faults, unclear_status_path=unclear.path)

    every = english + russian + belarusian
    return Site(
        seed=seed, articles=every, faults=faults, seed_path=seed_page.path,
        seed_similar_path=seed_similar.path, month_boundary_path=boundary.path, missing=missing,
        _by_path={a.path: a for a in every}, _by_node={a.node_id: a for a in every},
        _listings=listings,
    )


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
    mirrors = _mirrors(rng, seed, sources, count, "ru")
    by_path = {source.path: source for source in sources}
    for mirror in mirrors:
        by_path[mirror.translation].translation = mirror.path
    return mirrors


def _mirrors(rng: random.Random, seed: int, sources: list[DemoArticle], count: int,
             language: str) -> list[DemoArticle]:
    """Translations of `count` of the `sources` under /{language}/..., each linking its source."""
    chosen = sorted(rng.sample(sources, min(count, len(sources))), key=lambda a: (a.sort_at, a.path))
    mirrors = []
    for source in chosen:
        label, credit = _credit(rng, language)
        path = f"/{language}" + source.path
        mirrors.append(DemoArticle(
            node_id=0, path=path, language=language, category=source.category,
            title=make_title(rng, source.category, language, source.sort_at.strftime("%Y-%m")),
            published_at=source.published_at, category_status=source.category_status,
            photo_credit=credit, credit_label=label, sort_at=source.sort_at,
            text_seed=f"{seed}:{path}", translation=source.path))
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
