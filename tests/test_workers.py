"""Scale-out (issue 6): several `scrapy crawl` worker processes on one Redis frontier, their items
staged as Parquet and loaded exactly once. Real parts only: a redis-server of the test's own on a
loopback port (started and stopped here; .ci/run installs the package), real worker processes
against the offline site, real kills, the real `warehouse load`."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pytest
import redis

from crawler import exitcodes
from warehouse import Warehouse
from warehouse.demo_site import DemoServer, build_site
from warehouse.spool import Spool
from warehouse.staging import publish

from tests.conftest import T0, article, redis_server_binary, wait_for

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
ENV.pop("REDIS_URL", None)
# Short enough for a test: a killed worker is taken for dead after 4 s.
WORKER_SETTINGS = ("-s", "REDIS_WORKER_TTL=4", "-s", "REDIS_POLL_INTERVAL=0.3", "-s", "LOG_LEVEL=WARNING")
# About 20 pages a second per worker, so that every worker gets a share of a 40-article site.
SLOW = ("-s", "DOWNLOAD_DELAY=0.05")


class RedisServer:
    """A redis-server on a free loopback port, without persistence (a restart loses everything)."""

    def __init__(self, directory: Path):
        self.binary = redis_server_binary()
        self.directory = directory
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> RedisServer:
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url)
        wait_for(lambda: _pings(client), timeout=10, what="redis-server to answer")
        client.close()
        return self

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


def _pings(client) -> bool:
    try:
        return client.ping()
    except redis.ConnectionError:
        return False



@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path).start()
    yield server
    server.kill()


@pytest.fixture
def served():
    site = build_site(articles=40)
    with DemoServer(site) as server:
        yield site, server


def worker(server, redis_url: str, tmp_path: Path, *extra: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "scrapy", "crawl", "belarusinfocus", "-a", f"base_url={server.base_url}",
           "-s", f"REDIS_URL={redis_url}", "-s", f"STAGING_DIR={tmp_path / 'staging'}",
           # workers must never open the warehouse: this file must not appear
           "-s", f"WAREHOUSE_PATH={tmp_path / 'not-for-workers.duckdb'}", *WORKER_SETTINGS, *extra]
    return subprocess.Popen(cmd, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def finish(procs, expect: int = 0, timeout: float = 120) -> list[str]:
    stderrs = []
    for proc in procs:
        _, stderr = proc.communicate(timeout=timeout)
        assert proc.returncode == expect, f"worker exited {proc.returncode}, expected {expect}:\n{stderr[-3000:]}"
        stderrs.append(stderr)
    return stderrs


def load(tmp_path: Path) -> str:
    if not (tmp_path / "warehouse.duckdb").exists():  # workers never open it, and load never creates it
        subprocess.run([sys.executable, "-m", "warehouse", "init", "--db", str(tmp_path / "warehouse.duckdb")],
                       cwd=ROOT, env=ENV, check=True, capture_output=True)
    proc = subprocess.run([sys.executable, "-m", "warehouse", "load", "--db", str(tmp_path / "warehouse.duckdb"),
                           "--staging", str(tmp_path / "staging")], cwd=ROOT, env=ENV, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def query(tmp_path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def expected_urls(site, server) -> set[str]:
    return {server.base_url + a.path for a in site.expected_articles()}


def assert_every_article_once(site, server, tmp_path: Path):
    urls = [row[0] for row in query(tmp_path, "select url from articles")]
    assert len(urls) == len(set(urls)), "an article is stored twice"
    assert set(urls) == expected_urls(site, server), f"missing: {sorted(expected_urls(site, server) - set(urls))[:5]}"
    assert query(tmp_path, "select count(*) from article_versions") == [(len(urls),)], "an article got two versions"


def manifests(tmp_path: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((tmp_path / "staging" / "runs").rglob("*.json"))]


@pytest.mark.e2e
@pytest.mark.redis
def test_three_workers_store_every_article_once_and_fetch_each_page_once(served, redis_server, tmp_path):
    site, server = served
    finish([worker(server, redis_server.url, tmp_path, *SLOW) for _ in range(3)])
    assert not (tmp_path / "not-for-workers.duckdb").exists(), "a worker opened the warehouse"

    print("\n" + load(tmp_path))
    assert_every_article_once(site, server, tmp_path)
    article_paths = {a.path for a in site.articles}
    fetched = Counter(r.path.split("?")[0].rstrip("/") for r in server.requests if r.status == 200)
    repeated = {path: n for path, n in fetched.items() if path in article_paths and n > 1}
    raw = sorted(r.path for r in server.requests if r.status == 200 and r.path.split("?")[0].rstrip("/") in repeated)
    assert not repeated, f"article pages fetched more than once: {sorted(repeated.items())[:5]}; as requested: {raw[:6]}"

    # One shared run, in which every worker did part of the work.
    pages = {m["worker"]: m["pages_fetched"] for m in manifests(tmp_path)}
    print(f"pages fetched per worker: {pages}")
    assert len(pages) == 3 and all(n > 5 for n in pages.values()), pages
    assert query(tmp_path, "select finish_reason, pages_fetched, items_new from crawl_runs") == \
        [("finished", sum(pages.values()), len(expected_urls(site, server)))]
    assert sorted(p.name for p in (tmp_path / "staging").glob("*.parquet*")) == [], "batches left after the load"
    assert load(tmp_path).strip().endswith("0 batch(es) loaded: 0 new, 0 updated, 0 unchanged, 0 invalid, "
                                           "0 error record(s)"), "a second load loaded something again"

    # The next run is a new one: its dupefilter is empty, so the listings are visited again, and
    # the recrawl policy (the loader's snapshot, known.json) keeps it from fetching stored articles.
    first = len(server.requests)
    finish([worker(server, redis_server.url, tmp_path) for _ in range(2)])
    again = [r.path.split("?")[0].rstrip("/") or "/" for r in server.requests[first:] if r.status == 200]
    assert "/" in again and "/sitemap.xml" in again, "the second run did not visit the listings again"
    assert not set(again) & article_paths, f"stored articles fetched again: {sorted(set(again) & article_paths)[:5]}"
    load(tmp_path)
    runs = query(tmp_path, "select finish_reason, items_new from crawl_runs order by started_at")
    # Two workers of a short recrawl may not overlap: the first can finish its run before the
    # second arrives, which then starts a run of its own. Either way nothing new is stored.
    assert runs[0] == ("finished", len(expected_urls(site, server)))
    assert runs[1:] in ([("finished", 0)], [("finished", 0), ("finished", 0)]), runs


def spooled_articles(tmp_path: Path, pid: int) -> int:
    return sum(p.read_bytes().count(b'{"record":"article"')
               for p in (tmp_path / "staging" / "spool").rglob(f"*-{pid}-*.jsonl.part"))


@pytest.mark.e2e
@pytest.mark.redis
def test_a_killed_worker_loses_only_its_requests_in_flight_and_the_rerun_completes_the_set(
        served, redis_server, tmp_path):
    site, server = served
    victim, *others = [worker(server, redis_server.url, tmp_path, *SLOW) for _ in range(3)]
    try:
        wait_for(lambda: spooled_articles(tmp_path, victim.pid) >= 3 or victim.poll() is not None,
                 what="the victim to fetch some articles")
    finally:
        victim.send_signal(signal.SIGKILL)
        victim.wait()
    finish(others)  # the others finish the run without it (after its heartbeat expired)
    load(tmp_path)
    assert query(tmp_path, "select finish_reason from crawl_runs") == [("interrupted",)]
    stored = {row[0] for row in query(tmp_path, "select url from articles")}
    assert stored < expected_urls(site, server), "what the victim fetched is not loaded before the rerun"

    # The rerun publishes what the victim had fetched (its spool on this machine), walks every
    # listing (the last run was interrupted) and fetches what is still missing.
    finish([worker(server, redis_server.url, tmp_path)])
    load(tmp_path)
    assert_every_article_once(site, server, tmp_path)
    assert query(tmp_path, "select finish_reason from crawl_runs order by started_at") == \
        [("interrupted",), ("finished",)]


@pytest.mark.e2e
@pytest.mark.redis
@pytest.mark.parametrize("loss", ["restarted", "flushed"])
def test_redis_lost_mid_crawl_stops_the_workers_with_one_line(served, redis_server, tmp_path, loss):
    site, server = served
    procs = [worker(server, redis_server.url, tmp_path, "-s", "DOWNLOAD_DELAY=0.1", "-s", "CONCURRENT_REQUESTS=4")
             for _ in range(2)]
    wait_for(lambda: len(server.requests) >= 30, what="the crawl to get going")
    if loss == "restarted":
        redis_server.kill()
        redis_server.start()  # same port, empty: the frontier and the dupefilter are gone
    else:  # Redis answers all along, but empty: nothing fails, so the workers must notice
        redis.Redis.from_url(redis_server.url).flushall()
    restarted_at = len(server.requests)
    stderrs = finish(procs, expect=exitcodes.FRONTIER_LOST, timeout=60)
    for stderr in stderrs:
        errors = [line for line in stderr.splitlines() if line.startswith("crawl: error: ")]
        assert len(errors) == 1 and "Redis at redis://127.0.0.1" in errors[0], stderr[-2000:]
        assert "Traceback" not in stderr
    after = [r.path for r in server.requests[restarted_at:]]
    assert "/" not in after and "/sitemap.xml" not in after, f"the crawl started again from scratch: {after}"
    # Only the requests each worker held when Redis went (at most CONCURRENT_REQUESTS) are finished.
    assert len(after) <= 2 * 4, f"the workers went on crawling after Redis restarted: {after}"

    # What they had fetched is staged; the run is recorded as interrupted; the next run completes it.
    load(tmp_path)
    assert query(tmp_path, "select finish_reason from crawl_runs") == [("interrupted",)]
    finish([worker(server, redis_server.url, tmp_path)])
    load(tmp_path)
    assert_every_article_once(site, server, tmp_path)


@pytest.mark.e2e
def test_a_worker_without_redis_exits_at_once_with_one_line(served, tmp_path):
    site, server = served
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    [stderr] = finish([worker(server, f"redis://127.0.0.1:{port}/0", tmp_path)], expect=exitcodes.FRONTIER_LOST)
    assert stderr.strip().splitlines()[-1].startswith(f"crawl: error: cannot reach Redis at redis://127.0.0.1:{port}/0")
    assert server.requests == []


# -- the staging area, without a crawl ----------------------------------------------------------------

def staged_batch(tmp_path: Path, records: list[dict], stem: str = "20240301T120000Z.host-1") -> Path:
    with Spool(tmp_path / "spool", stem) as spool:
        for record in records:
            spool.append_article(dict(record), fetched_at=record["fetched_at"])
        sealed = spool.seal()
    return publish(sealed, tmp_path / "staging")


@pytest.mark.slow
def test_load_takes_complete_batches_once_and_never_a_half_written_one(tmp_path, db_path, clock):
    batch = staged_batch(tmp_path, [article(url=f"https://belarusinfocus.info/society/a{i}", fetched_at=T0)
                                    for i in range(3)])
    staging = batch.parent
    (staging / "20240301T120000Z.host-2-000001.parquet.4242.part").write_bytes(batch.read_bytes()[:100])
    kept = tmp_path / "copy.parquet"
    shutil.copy(batch, kept)
    warehouse = Warehouse(db_path, clock=clock)

    result = warehouse.load_staging(staging)
    assert (result.batches, result.new) == (1, 3)
    assert sorted(p.name for p in staging.iterdir() if p.is_file()) == \
        ["20240301T120000Z.host-2-000001.parquet.4242.part", "known.json"], "the half-written batch was touched"

    # A crash after the commit and before the file was deleted: the same batch is there again.
    shutil.copy(kept, batch)
    result = warehouse.load_staging(staging)
    assert (result.batches, result.skipped, result.new) == (0, 1, 0)
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("select count(*), count(distinct url) from articles").fetchall() == [(3, 3)]
        assert con.execute("select run_id from internal._loaded_batches").fetchall() == [("20240301T120000Z",)]
    known = json.loads((staging / "known.json").read_text())
    assert sorted(known["articles"]) == [f"https://belarusinfocus.info/society/a{i}" for i in range(3)]


def test_the_workers_snapshot_carries_the_week_of_weekly_pages(tmp_path, db_path, clock):
    from datetime import date

    from warehouse.staging import read_known_state

    weekly = article(url="https://belarusinfocus.pro/society/w", published_at=None, period_start=date(2020, 12, 28),
                     period_end=date(2021, 1, 3), authors=["Anna"], fetched_at=T0)
    dated = article(url="https://belarusinfocus.pro/society/d", fetched_at=T0)
    staging = staged_batch(tmp_path, [weekly, dated]).parent
    Warehouse(db_path, clock=clock).load_staging(staging)

    known = read_known_state(staging).articles
    assert (known[weekly["url"]].published_at, known[weekly["url"]].period_end) == (None, date(2021, 1, 3))
    assert known[dated["url"]].period_end is None and known[dated["url"]].published_at == dated["published_at"]
    # a snapshot written by a loader before weeks existed still reads
    document = json.loads((staging / "known.json").read_text())
    for entry in document["articles"].values():
        del entry["period_end"]
    (staging / "known.json").write_text(json.dumps(document))
    assert read_known_state(staging).articles[weekly["url"]].period_end is None
