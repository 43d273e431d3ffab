"""Recrawl benchmark: what crawling an unchanged site again costs, in requests.

    python benchmarks/recrawl.py [--articles 2000] [--theme classic|modern|weekly]

One server, one warehouse (as tests/test_recrawl.py does it, at benchmark size): a first crawl
stores every article (benchmarks/run.py reuses the last end-to-end crawl of benchmarks/crawl.py
for it); then the default incremental crawl, then a full revalidation (`-a full=1`), each on
the unchanged site. The requests each one made are sorted by kind from
the server's log: listings (home pages, sections and their pages), sitemap and feed, robots.txt,
old /node/ addresses, article pages (a 200 with the body, a 304, or another status), other.
Targets: the default recrawl asks for listings, sitemap and feed only, 0 article bodies; the
full one downloads 0 article bodies and every stored article answers 304.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import run_process, site_with  # noqa: E402
from crawl import project_cmd  # noqa: E402
from warehouse.demo_site import DemoServer  # noqa: E402


LISTING_ROOTS = ("/analytics", "/ru/analytics", "/be/analytics")


def kinds(requests, site) -> Counter:
    articles = {a.path for a in site.expected_articles()}
    homes = {"/", "/ru", "/be"}
    sections = {f"{home.rstrip('/')}/{c}" for home in homes for c in site.categories}
    count: Counter = Counter()
    for r in requests:
        path = r.path.split("#")[0].split("?")[0].rstrip("/") or "/"
        name = path.rsplit("/", 1)[-1]
        if path == site.faults.oversized_path:
            kind = "oversized page (refused)"
        elif path in articles:
            kind = {200: "article 200 (body)", 304: "article 304"}.get(r.status, f"article {r.status}")
        elif path in homes or path in sections or path.startswith(LISTING_ROOTS):
            kind = "listing" if r.status == 200 else f"listing {r.status}"
        elif name.endswith(".xml") or name == "feed":
            kind = "sitemap/feed" if r.status == 200 else f"sitemap/feed {r.status}"
        elif path == "/robots.txt":
            kind = "robots.txt"
        elif "/node/" in path:
            kind = f"old address {r.status}"
        else:
            kind = f"other {r.status}"
        count[kind] += 1
    return count


def recrawls(site, server, db: Path) -> dict:
    """The default and the full recrawl of `site` on `server`, into `db` (which a first crawl of
    the same server filled): the requests of each, by kind."""
    stored = len(site.expected_articles())
    result: dict = {"articles": stored, "first": {"requests": len(server.requests), "kinds": kinds(server.requests, site)}}
    for name, extra in (("default", ()), ("full", ("-a", "full=1"))):
        before = len(server.requests)
        proc = run_process(project_cmd(server.base_url, db, *extra)).check(f"the {name} recrawl")
        requests = server.requests[before:]
        answered_304 = {r.path.rstrip("/") for r in requests if r.status == 304}
        result[name] = {"requests": len(requests), "kinds": kinds(requests, site), "wall_s": proc.wall_s,
                        "articles_304": len(answered_304 & {a.path for a in site.expected_articles()})}
    default, full = result["default"], result["full"]
    result["default_ok"] = not any(kind.startswith("article") for kind in default["kinds"])
    result["full_ok"] = full["kinds"]["article 200 (body)"] == 0 and full["articles_304"] == stored
    return result


def measure(articles: int = 2000, theme: str = "classic") -> dict:
    site = site_with(articles)
    with tempfile.TemporaryDirectory() as tmp, DemoServer(site, theme=theme) as server:
        db = Path(tmp) / "warehouse.duckdb"
        first = run_process(project_cmd(server.base_url, db)).check("the first crawl")
        result = recrawls(site, server, db)
        result["first"]["wall_s"] = first.wall_s
        return result


def report(result: dict) -> None:
    print(f"crawls of the unchanged site, {result['articles']} articles (first = full crawl into an empty warehouse):")
    for name in ("first", "default", "full"):
        r = result[name]
        parts = ", ".join(f"{kind} {n}" for kind, n in sorted(r["kinds"].items()))
        took = f" in {r['wall_s']:.1f} s" if "wall_s" in r else ""
        print(f"  {name:>7}: {r['requests']} requests{took} ({parts})")
    print(f"  default: {'only listings, sitemap and feed' if result['default_ok'] else 'MORE than listings and feeds'}; "
          f"full: {result['full']['articles_304']}/{result['articles']} stored articles answered 304, "
          f"{result['full']['kinds']['article 200 (body)']} article bodies")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--theme", default="classic", choices=("classic", "modern", "weekly"))
    args = parser.parse_args(argv)
    report(measure(args.articles, args.theme))
    return 0


if __name__ == "__main__":
    sys.exit(main())
