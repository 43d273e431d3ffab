"""Save extraction fixtures: pages of the offline site as if captured from the real site, each
with the item (or listing result) a correct extractor returns, taken from the ground truth.

    python -m warehouse.demo_site.save_fixtures tests/fixtures/pages          # (re)write
    python -m warehouse.demo_site.save_fixtures tests/fixtures/pages --check  # compare only

Writes article/<case>.html (bytes exactly as served, the windows-1251 one included),
article/<case>.json (expected item: keys sorted, UTF-8), article/meta.json (case -> url,
content_type, captured_at), and the same for listing/ with {"article_urls", "next_page_url"}.
Dated-rendering cases are captured from belarusinfocus.info, weekly ones (`*_weekly`) from
belarusinfocus.pro at their permalinks; expected URLs are canonical (no trailing slash).
Dates in the JSON are ISO strings; a weekly page's published_at is null.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

from warehouse.demo_site.content import DemoArticle, Site, build_site, listing_url_for
from warehouse.demo_site.pages import Origin, respond
from warehouse.demo_site.truth import expected_fields
from warehouse.demo_site.weekly_routes import THEME as WEEKLY
from warehouse.demo_site.weekly_routes import listing_href

SITE = "https://belarusinfocus.info"
ORIGIN = Origin(base=SITE, other_base="https://archive.example.org")
WEEKLY_SITE = "https://belarusinfocus.pro"
WEEKLY_ORIGIN = Origin(base=WEEKLY_SITE, other_base="https://archive.example.org")
CAPTURED_AT = "2026-11-26T00:00:00+00:00"
YEAR_END_SEED = 2020  # the default seed has no commentary on a week across a year end; 2020 has three


def article_cases(site: Site) -> dict[str, tuple[str, str]]:
    """case -> (path, theme)."""
    faults = site.faults
    ru_other = next(a for a in site.articles
                    if a.language == "ru" and a.path != faults.cp1251_path and a.category == "security")
    foto_label = next(a for a in site.articles if a.language == "en" and a.kind == "ordinary"
                      and a.credit_label == "Фото" and a.published_at is not None)
    return {
        "seed_classic": (site.seed_path, "classic"),
        "seed_modern": (site.seed_path, "modern"),
        "seed_similar_classic": (site.seed_similar_path, "classic"),
        "ru_cp1251_classic": (faults.cp1251_path, "classic"),
        "ru_modern": (ru_other.path, "modern"),
        "nodate_classic": (faults.undated_path, "classic"),
        "nodate_modern": (faults.undated_path, "modern"),
        "missing_similar_classic": (faults.missing_similar[0], "classic"),
        "latest_classic": (faults.alias_target, "classic"),
        "missing_similar_modern": (faults.missing_similar[0], "modern"),
        "month_boundary_modern": (site.month_boundary_path, "modern"),
        "foto_label_modern": (foto_label.path, "modern"),
        "be_classic": (_first(site, language="be", category="economy").path, "classic"),
        "be_modern": (_first(site, language="be", category="security").path, "modern"),
    }


def _first(site: Site, **wanted) -> DemoArticle:
    """The first article with every attribute (or property) of `wanted`, else the first article."""
    found = [a for a in site.expected_articles() if all(getattr(a, k) == v for k, v in wanted.items())]
    return (found or [a for a in site.expected_articles() if a.language == wanted.get("language", "en")])[0]


def weekly_article_cases(site: Site, year_end: Site) -> dict[str, tuple[Site, str]]:
    """case -> (site, path) of the weekly theme's article fixtures."""
    faults = site.faults

    def pick(test, of: Site = site) -> str:
        return next(a.path for a in of.expected_articles() if test(a))

    return {
        "seed_weekly": (site, site.seed_path),
        "seed_similar_weekly": (site, site.seed_similar_path),
        "ru_weekly": (site, pick(lambda a: a.language == "ru" and a.node_id % 3 != 2 and len(a.authors) == 2)),
        "be_weekly": (site, pick(lambda a: a.language == "be" and a.period[0].month != a.period[1].month)),
        "be_blocks_weekly": (site, pick(lambda a: a.language == "be" and a.node_id % 3 == 2)),
        "two_authors_weekly": (site, pick(lambda a: a.language == "en" and len(a.authors) == 2 and a.author_links
                                          and a.node_id % 2 == 0)),
        "bare_by_weekly": (site, pick(lambda a: a.language == "en" and not a.authors and a.node_id % 3 != 2)),
        "title_again_weekly": (site, pick(lambda a: a.language == "en" and a.node_id % 5 == 0 and a.kind == "ordinary")),
        "improved_weekly": (site, pick(lambda a: a.weekly_status[1] == "The situation got better")),
        "deteriorated_weekly": (site, pick(lambda a: a.weekly_status[1] == "The situation deteriorated")),
        "unclear_weekly": (site, faults.unclear_status_path),
        "photo_caption_weekly": (site, pick(lambda a: a.language == "en" and a.weekly_credit_label == "Photo"
                                            and a.node_id % 2 == 0)),
        "no_slash_weekly": (site, pick(lambda a: not a.weekly_slash)),
        "missing_similar_weekly": (site, faults.missing_similar[0]),
        "undated_weekly": (site, faults.undated_path),
        "year_end_weekly": (year_end, pick(lambda a: a.language == "en" and a.period[0].year != a.period[1].year,
                                           year_end)),
        "year_end_be_weekly": (year_end, pick(lambda a: a.language == "be" and a.period[0].year != a.period[1].year,
                                              year_end)),
    }


def listing_cases(site: Site) -> dict[str, tuple[str, str, int, str]]:
    """case -> (language, category, page, theme)."""
    missing_listing = site.faults.missing_listing[0]  # "/society?page=1": the page with a 404 item
    middle_category = missing_listing.split("?")[0].strip("/")
    middle_page = int(missing_listing.partition("page=")[2] or 0)
    return {
        "first_classic": ("en", "economy", 0, "classic"),
        "middle_classic": ("en", middle_category, middle_page, "classic"),
        "last_classic": ("en", "economy", site.page_count("en", "economy") - 1, "classic"),
        "first_modern": ("en", "security", 0, "modern"),
        "middle_modern": ("en", "international-relations", 1, "modern"),
        "last_modern": ("en", "security", site.page_count("en", "security") - 1, "modern"),
        "ru_first_classic": ("ru", "security", 0, "classic"),
    }


def weekly_listing_cases(site: Site) -> dict[str, tuple[str, str | None, int]]:
    """case -> (language, category or None for all trends, 1-based page) on the weekly theme."""
    missing_listing = site.faults.missing_listing[0]
    middle_category = missing_listing.split("?")[0].strip("/")
    middle_page = int(missing_listing.partition("page=")[2] or 0) + 1
    return {
        "first_weekly": ("en", "economy", 1),
        "middle_weekly": ("en", middle_category, middle_page),
        "last_weekly": ("en", "security", site.page_count("en", "security")),
        "all_trends_weekly": ("en", None, 3),
        "ru_first_weekly": ("ru", "security", 1),
        "be_all_trends_weekly": ("be", None, 1),
    }


def expected_item(base: str, article: DemoArticle, theme: str) -> dict:
    """The item a correct extractor returns for the page, in JSON shape, on the site at `base`."""
    fields = expected_fields(article, theme)
    item = {"url": base + article.path, "site": base}
    for name, value in fields.items():
        if name == "similar_links":
            value = [{"url": base + path, "title": title, "position": position} for path, title, position in value]
        elif name in ("published_at", "period_start", "period_end"):
            value = value.isoformat() if value is not None else None
        item[name] = value
    return item


def _json(value) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def fixture_files(site: Site | None = None) -> dict[str, bytes]:
    """Relative path -> content of every fixture file."""
    site = site or build_site()
    files: dict[str, bytes] = {}
    for kind, cases in (("article", _article_fixtures(site)), ("listing", _listing_fixtures(site))):
        meta = {}
        for case, (url, response, expected) in cases.items():
            files[f"{kind}/{case}.html"] = response.body
            files[f"{kind}/{case}.json"] = _json(expected)
            meta[case] = {"url": url, "content_type": response.content_type, "captured_at": CAPTURED_AT}
        files[f"{kind}/meta.json"] = _json(meta)
    return files


def _article_fixtures(site: Site) -> dict:
    found = {}
    for case, (path, theme) in article_cases(site).items():
        article = site.article(path)
        found[case] = (SITE + path, respond(site, theme, path, ORIGIN), expected_item(SITE, article, theme))
    for case, (source, path) in weekly_article_cases(site, build_site(seed=YEAR_END_SEED)).items():
        article = source.article(path)
        response = respond(source, WEEKLY, article.permalink, WEEKLY_ORIGIN)
        found[case] = (WEEKLY_SITE + article.permalink, response, expected_item(WEEKLY_SITE, article, WEEKLY))
    return found


def _listing_fixtures(site: Site) -> dict:
    found = {}
    for case, (language, category, page, theme) in listing_cases(site).items():
        target = listing_url_for(language, category, page)
        urls = list(dict.fromkeys(SITE + item.path for item in site.listing_page(language, category, page)))
        has_next = page + 1 < site.page_count(language, category)
        expected = {"article_urls": urls,
                    "next_page_url": SITE + listing_url_for(language, category, page + 1) if has_next else None}
        found[case] = (SITE + target, respond(site, theme, target, ORIGIN), expected)
    for case, (language, category, page) in weekly_listing_cases(site).items():
        if category is None:
            items, count = site.all_trends(language), max(1, -(-len(site.all_trends(language)) // 10))
            items = items[(page - 1) * 10:page * 10]
        else:
            items, count = site.listing_page(language, category, page - 1), site.page_count(language, category)
        target = listing_href(language, category, page)
        # the next page's address as the project canonicalises URLs: no trailing slash, query kept
        following = urlsplit(listing_href(language, category, page + 1))
        next_url = WEEKLY_SITE + following.path.rstrip("/") + (f"?{following.query}" if following.query else "")
        expected = {"article_urls": list(dict.fromkeys(WEEKLY_SITE + item.path for item in items)),
                    "next_page_url": next_url if page < count else None}
        found[case] = (WEEKLY_SITE + target, respond(site, WEEKLY, target, WEEKLY_ORIGIN), expected)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m warehouse.demo_site.save_fixtures",
                                     description="Write page fixtures rendered from the offline site.")
    parser.add_argument("directory", type=Path, help="e.g. tests/fixtures/pages")
    parser.add_argument("--check", action="store_true", help="only report files that differ; exit 1 if any")
    args = parser.parse_args(argv)
    files = fixture_files()
    if args.check:
        stale = [name for name, content in files.items()
                 if not (args.directory / name).is_file() or (args.directory / name).read_bytes() != content]
        for name in stale:
            print(f"differs: {args.directory / name}")
        return 1 if stale else 0
    for name, content in files.items():
        path = args.directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    print(f"wrote {len(files)} files under {args.directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
