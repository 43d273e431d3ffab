"""Crawl benchmark: `scrapy crawl belarusinfocus` end to end against a bare spider, and its memory.

    python benchmarks/crawl.py [--articles 2000] [--rounds 5] [--memory-articles 4000] [--memory-rounds 3]

End to end: each round crawls the offline site (a fresh server, a fresh warehouse) with the
project's spider (extraction, validation, spool, warehouse load, the final refresh) and with
benchmarks/bare_spider.py (same download settings, listing pages parsed for links, empty article
callbacks), in alternating order. Pages per second = requests the server answered / wall time of
the whole `scrapy` process, start-up included, as a cron run pays it. The figure is the median
of the per-round ratios project / bare.

Memory: the peak RSS of each crawl process (its own rusage, see common.run_process), at
`--articles` (from the rounds above) and at `--memory-articles`, and the growth between the two.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import duckdb  # noqa: E402

from common import Ratio, interleaved, run_process, site_with, spread  # noqa: E402
from warehouse.demo_site import DemoServer  # noqa: E402

BARE_SPIDER = Path(__file__).resolve().parent / "bare_spider.py"


def project_cmd(base_url: str, db: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "scrapy", "crawl", "belarusinfocus", "-a", f"base_url={base_url}",
            "-s", f"WAREHOUSE_PATH={db}", "-s", "LOG_LEVEL=INFO", *extra]


def project_crawl(site, theme: str = "classic", then=None) -> dict:
    """One crawl into a fresh warehouse; `then(server, db)`, if given, runs afterwards (untimed) on
    the same server and warehouse."""
    with tempfile.TemporaryDirectory() as tmp, DemoServer(site, theme=theme) as server:
        db = Path(tmp) / "warehouse.duckdb"
        proc = run_process(project_cmd(server.base_url, db)).check("scrapy crawl belarusinfocus")
        pages = len(server.requests)
        with duckdb.connect(str(db), read_only=True) as con:
            stored = con.execute("select count(*) from articles").fetchone()[0]
        if then is not None and stored == len(site.expected_articles()):
            then(server, db)
    if stored != len(site.expected_articles()):
        sys.exit(f"the crawl stored {stored} articles, the site has {len(site.expected_articles())}:\n"
                 f"{proc.stderr[-3000:]}")
    return {"pages": pages, "wall_s": proc.wall_s, "cpu_s": proc.cpu_s, "peak_rss_mb": proc.peak_rss_mb,
            "pages_per_s": pages / proc.wall_s}


def bare_crawl(site, theme: str = "classic") -> dict:
    # From a folder without scrapy.cfg: no project settings, pipelines or extensions.
    with tempfile.TemporaryDirectory() as tmp, DemoServer(site, theme=theme) as server:
        cmd = [sys.executable, "-m", "scrapy", "runspider", str(BARE_SPIDER), "-a", f"base_url={server.base_url}",
               "-s", "LOG_LEVEL=INFO"]
        proc = run_process(cmd, cwd=Path(tmp)).check("the bare spider")
        pages = len(server.requests)
        fetched = {r.path for r in server.requests}
    missing = [a.path for a in site.expected_articles() if a.path not in fetched]
    if missing:
        sys.exit(f"the bare spider missed {len(missing)} articles, e.g. {missing[:3]}")
    return {"pages": pages, "wall_s": proc.wall_s, "cpu_s": proc.cpu_s, "peak_rss_mb": proc.peak_rss_mb,
            "pages_per_s": pages / proc.wall_s}


def measure(articles: int = 2000, rounds: int = 5, memory_articles: int = 4000, memory_rounds: int = 3,
            then=None) -> dict:
    """`then(site, server, db)`: run after the last project crawl, on its server and warehouse."""
    site = site_with(articles)
    done: list[int] = []

    def project():
        done.append(1)
        if then is None or len(done) < rounds:
            return project_crawl(site)
        return project_crawl(site, then=lambda server, db: then(site, server, db))

    runs = interleaved(rounds, {"bare": lambda: bare_crawl(site), "project": project})
    result = {
        "articles": len(site.expected_articles()),
        "speed": Ratio.of([r["pages_per_s"] for r in runs["project"]], [r["pages_per_s"] for r in runs["bare"]]),
        "project_pages_per_s": [r["pages_per_s"] for r in runs["project"]],
        "bare_pages_per_s": [r["pages_per_s"] for r in runs["bare"]],
        "project_cpu_per_page_ms": [1000 * r["cpu_s"] / r["pages"] for r in runs["project"]],
        "bare_cpu_per_page_ms": [1000 * r["cpu_s"] / r["pages"] for r in runs["bare"]],
        "pages": (runs["project"][0]["pages"], runs["bare"][0]["pages"]),
        "rss_mb": [r["peak_rss_mb"] for r in runs["project"]],
        "bare_rss_mb": [r["peak_rss_mb"] for r in runs["bare"]],
    }
    if memory_rounds:
        big = site_with(memory_articles)
        result["memory_articles"] = len(big.expected_articles())
        result["rss_big_mb"] = [project_crawl(big)["peak_rss_mb"] for _ in range(memory_rounds)]
        result["growth"] = statistics.median(result["rss_big_mb"]) / statistics.median(result["rss_mb"]) - 1
    return result


def report(result: dict) -> None:
    pages_project, pages_bare = result["pages"]
    print(f"end to end, {result['articles']} articles: project {spread(result['project_pages_per_s'])} pages/s "
          f"({pages_project} requests), bare spider {spread(result['bare_pages_per_s'])} pages/s "
          f"({pages_bare} requests); ratio {result['speed']}")
    print(f"  CPU per page: project {spread(result['project_cpu_per_page_ms'], 2)} ms, "
          f"bare {spread(result['bare_cpu_per_page_ms'], 2)} ms")
    print(f"peak RSS at {result['articles']} articles: {spread(result['rss_mb'], 0)} MB "
          f"(bare spider {spread(result['bare_rss_mb'], 0)} MB)")
    if "rss_big_mb" in result:
        print(f"peak RSS at {result['memory_articles']} articles: {spread(result['rss_big_mb'], 0)} MB; "
              f"growth {100 * result['growth']:+.0f} %")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--memory-articles", type=int, default=4000)
    parser.add_argument("--memory-rounds", type=int, default=3, help="crawls at --memory-articles (0: none)")
    parser.add_argument("--json", action="store_true", help="print the raw figures as JSON too")
    args = parser.parse_args(argv)
    result = measure(args.articles, args.rounds, args.memory_articles, args.memory_rounds)
    report(result)
    if args.json:
        print(json.dumps(result, default=vars, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
