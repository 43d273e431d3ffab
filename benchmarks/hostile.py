"""The crawl's default budget against the hostile site (tests/hostile_site.py), at full loopback
speed: an endless pager (10 fresh articles and a next page on every listing page), one article
page with 100,000 same-site links, one with 12,000 (just under CRAWL_MAX_PAGE_TAGS), and a
sitemap of 100,000 fresh articles. Prints, for each, the wall time, the pages the site answered,
the articles stored, the budget and oversized rows, and the crawl process's peak RSS.

    python benchmarks/hostile.py [--flood-links N]

What the defaults (crawler/settings.py) must give: the pager stops on its own within 5 minutes
with no more than 5,000 articles stored; the flood page does not queue its links and the peak RSS
stays near the crawl's ordinary ~300 MB.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb  # noqa: E402

from benchmarks.common import run_process  # noqa: E402
from tests.hostile_site import HostileSite  # noqa: E402


def crawl(home: list[str], flood_links: int, sitemap_links: int = 0) -> None:
    with tempfile.TemporaryDirectory() as tmp, \
            HostileSite(home=home, flood_links=flood_links, sitemap_links=sitemap_links) as site:
        db = Path(tmp) / "warehouse.duckdb"
        proc = run_process([sys.executable, "-m", "scrapy", "crawl", "belarusinfocus",
                            "-a", f"base_url={site.base_url}", "-s", f"WAREHOUSE_PATH={db}", "-s", "ARCHIVE_ENABLED=0"],
                           timeout=900)
        with duckdb.connect(str(db), read_only=True) as con:
            articles = con.execute("select count(*) from articles").fetchone()[0]
            budget = con.execute("select url, kind, message from crawl_errors where kind in ('budget', 'oversized')"
                                 " order by occurred_at").fetchall()
        what = f"sitemap of {sitemap_links:,} links" if sitemap_links else " ".join(home)
        if "/flood/hub" in home:
            what += f" ({flood_links:,} links)"
        print(f"{what}: exit {proc.returncode}, {proc.wall_s:.1f} s wall, {proc.cpu_s:.1f} s CPU, "
              f"{len(site.requests)} requests answered, {articles} articles stored, "
              f"peak RSS {proc.peak_rss_mb:.0f} MB")
        for url, kind, message in budget[:5]:
            print(f"  {kind} row: {url}: {message}")
        if len(budget) > 5:
            print(f"  ... {len(budget) - 5} more rows")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flood-links", type=int, default=100_000, help="links on the flood page (default 100,000)")
    args = parser.parse_args()
    crawl(["/trap"], args.flood_links)
    crawl(["/flood/hub"], args.flood_links)
    # the most links a page may have and still be read (CRAWL_MAX_PAGE_TAGS = 50,000: 4 tags a link)
    crawl(["/flood/hub"], 12_000)
    # a sitemap (read by Scrapy's XML parser, not as a page) of 100,000 fresh articles
    crawl([], 0, sitemap_links=100_000)


if __name__ == "__main__":
    main()
