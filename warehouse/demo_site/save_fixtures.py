"""Save extraction fixtures: pages of the offline site as if captured from the real site, each
with the item (or listing result) a correct extractor returns, taken from the ground truth.

    python -m warehouse.demo_site.save_fixtures tests/fixtures/pages          # (re)write
    python -m warehouse.demo_site.save_fixtures tests/fixtures/pages --check  # compare only

Writes article/<case>.html (bytes exactly as served, the windows-1251 one included),
article/<case>.json (expected item: keys sorted, UTF-8), article/meta.json (case -> url,
content_type, captured_at), and the same for listing/ with {"article_urls", "next_page_url"}.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from warehouse.demo_site.content import DemoArticle, Site, build_site, listing_url_for
from warehouse.demo_site.pages import Origin, respond

SITE = "https://belarusinfocus.info"
ORIGIN = Origin(base=SITE, other_base="https://archive.example.org")
CAPTURED_AT = "2026-11-26T00:00:00+00:00"


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


def expected_item(site: Site, article: DemoArticle) -> dict:
    return {
        "url": SITE + article.path,
        "site": SITE,
        "language": article.language,
        "category": article.category,
        "title": article.title,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "category_status": article.category_status,
        "photo_credit": article.photo_credit,
        "body": article.body,
        "similar_links": [{"url": SITE + path, "title": title, "position": position}
                          for path, title, position in article.similar_links],
    }


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
        found[case] = (SITE + path, respond(site, theme, path, ORIGIN), expected_item(site, article))
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
