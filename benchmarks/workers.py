"""Worker benchmark: pages per second of a shared crawl with 1, 2 and 3 worker processes.

    python benchmarks/workers.py [--articles 600] [--rounds 3] [--workers 1 2 3] [--delay 0]

Each round, for each worker count (in an order that alternates between rounds, as the machine is
shared and noisy), starts a fresh redis-server on a loopback port and a fresh offline site, then
N `scrapy crawl belarusinfocus -s REDIS_URL=...` processes at once, and waits for all of them.
A single-process crawl (no Redis, straight into DuckDB) of the same site is the baseline.

  pages/s (wall)   requests the site answered / wall time from the first start to the last exit,
                   Python and Scrapy start-up included, as a cron run pays it;
  pages/s (run)    the same over the run itself: first worker's start to last worker's end, as
                   their manifests record it (crawl_runs for the single process; start-up excluded);
  CPU ms/page      CPU time of the crawl processes (user + system) per page: the site, Redis
                   and this script are not counted.

--delay sets DOWNLOAD_DELAY (seconds between two requests of one process): a slow or distant
site, where a crawl waits on the network instead of the CPU.

Every round checks that each article page was fetched once (the shared dupefilter) and that all
of them were fetched. The staging area is not loaded: `warehouse load` is a separate step.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from warehouse.demo_site import DemoServer, build_site  # noqa: E402

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
ENV.pop("REDIS_URL", None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_redis(directory: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(directory)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        if subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True).stdout.strip() == "PONG":
            return proc, f"redis://127.0.0.1:{port}/0"
        time.sleep(0.05)
    proc.kill()
    sys.exit("redis-server did not start")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def crawl(site, workers: int, delay: float = 0.0) -> dict:
    """One crawl of `site`: `workers` worker processes on a fresh Redis, or (0) one single-process crawl."""
    with tempfile.TemporaryDirectory() as tmp, DemoServer(site) as server:
        tmp = Path(tmp)
        base = [sys.executable, "-m", "scrapy", "crawl", "belarusinfocus", "-a", f"base_url={server.base_url}",
                "-s", "LOG_LEVEL=WARNING", "-s", f"WAREHOUSE_PATH={tmp / 'warehouse.duckdb'}",
                "-s", f"DOWNLOAD_DELAY={delay}"]
        redis_proc = None
        if workers:
            redis_proc, url = start_redis(tmp)
            base += ["-s", f"REDIS_URL={url}", "-s", f"STAGING_DIR={tmp / 'staging'}"]
        cpu_before, started = children_cpu(), time.perf_counter()
        procs = [subprocess.Popen(base, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                 for _ in range(max(workers, 1))]
        errors = [proc.communicate()[1] for proc in procs]
        wall = time.perf_counter() - started
        cpu = children_cpu() - cpu_before
        if redis_proc is not None:
            redis_proc.kill()
            redis_proc.wait()
        for proc, stderr in zip(procs, errors):
            if proc.returncode != 0:
                sys.exit(f"a crawl exited {proc.returncode}:\n{stderr[-3000:]}")
        pages = len(server.requests)
        articles = {a.path for a in site.expected_articles()}
        fetched = Counter(r.path.split("?")[0].rstrip("/") for r in server.requests if r.status == 200)
        if set(articles) - set(fetched) or any(fetched[p] > 1 for p in articles):
            sys.exit(f"{workers} worker(s): articles missed or fetched twice")
        if workers:
            manifests = [json.loads(p.read_text()) for p in (tmp / "staging" / "runs").glob("*.json")]
            span = (max(datetime.fromisoformat(m["finished_at"]) for m in manifests)
                    - min(datetime.fromisoformat(m["started_at"]) for m in manifests)).total_seconds()
        else:
            with duckdb.connect(str(tmp / "warehouse.duckdb"), read_only=True) as con:
                span = con.execute("select epoch(finished_at - started_at) from crawl_runs").fetchone()[0]
    return {"pages": pages, "wall_s": wall, "span_s": span, "cpu_s": cpu}


def measure(articles: int, rounds: int, counts: list[int], delay: float = 0.0) -> dict[int, list[dict]]:
    site = build_site(articles=articles)
    for article in site.articles:  # generate the bodies now, so that no timed crawl pays for it
        article.paragraphs
    runs: dict[int, list[dict]] = {n: [] for n in [0, *counts]}
    order = [0, *counts]
    for round_ in range(rounds):
        for n in order if round_ % 2 == 0 else reversed(order):
            runs[n].append(crawl(site, n, delay))
    return runs


def median(values) -> float:
    return statistics.median(values)


def report(runs: dict[int, list[dict]], articles: int) -> None:
    pages = runs[0][0]["pages"]
    print(f"offline site: build_site(articles={articles}), {pages} requests per crawl, "
          f"{len(next(iter(runs.values())))} round(s), medians (min-max)")
    for n, rounds in runs.items():
        wall = [r["pages"] / r["wall_s"] for r in rounds]
        span = [r["pages"] / r["span_s"] for r in rounds]
        cpu = [1000 * r["cpu_s"] / r["pages"] for r in rounds]
        label = "single process (no Redis)" if n == 0 else f"{n} worker(s)"
        print(f"  {label:26} pages/s wall {median(wall):6.1f} ({min(wall):.1f}-{max(wall):.1f})   "
              f"run {median(span):6.1f} ({min(span):.1f}-{max(span):.1f})   CPU {median(cpu):5.2f} ms/page")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=600, help="English articles of the offline site (build_site)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--delay", type=float, default=0.0, help="DOWNLOAD_DELAY of every crawl process")
    args = parser.parse_args(argv)
    if shutil.which("redis-server") is None:
        sys.exit("redis-server is not installed (apt-get install redis-server)")
    report(measure(args.articles, args.rounds, args.workers, args.delay), args.articles)
    print(f"CPUs: {os.cpu_count()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
