"""Crawl benchmark: a real `scrapy crawl belarusinfocus` against the offline site, timed.

    python benchmarks/crawl.py [--articles 160] [--theme classic] [--rounds 3]

Prints, per round, the wall time of the whole process (start-up included), the requests the
server answered, pages per second, and the crawl's peak RSS (Scrapy's memusage stat).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from warehouse.demo_site import DemoServer, build_site  # noqa: E402


def crawl_once(site, theme: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp, DemoServer(site, theme=theme) as server:
        db = Path(tmp) / "warehouse.duckdb"
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "belarusinfocus", "-a", f"base_url={server.base_url}",
             "-s", f"WAREHOUSE_PATH={db}", "-s", "LOG_LEVEL=WARNING"],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
        )
        wall = time.perf_counter() - started
        if proc.returncode != 0:
            sys.exit(f"crawl failed ({proc.returncode}): {proc.stderr[-2000:]}")
        requests = len(server.requests)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"wall_s": round(wall, 2), "requests": requests, "pages_per_s": round(requests / wall, 1),
            "peak_rss_mb_children_max": round(peak_kb / 1024)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=160)
    parser.add_argument("--theme", default="classic")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    site = build_site(articles=args.articles)
    rounds = [crawl_once(site, args.theme) for _ in range(args.rounds)]
    for r in rounds:
        print(json.dumps(r))
    print(f"median: {statistics.median(r['wall_s'] for r in rounds)} s wall, "
          f"{statistics.median(r['pages_per_s'] for r in rounds)} pages/s "
          f"({len(site.expected_articles())} articles, theme {args.theme})")


if __name__ == "__main__":
    main()
