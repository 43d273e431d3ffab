"""Hostile conditions a cron crawl meets, on real `scrapy crawl` processes against loopback servers
(marked e2e): stop signals (SIGTERM, SIGINT, a double SIGINT), a site answering 503 to everything,
a site serving one maintenance page for every address, and a warehouse another process holds
through the crawl. Each asserts the exit code, the stderr line and the rows: nothing lost, the run
always recorded. Without a crawl: a refresh a lock prevented, and run rows kept in the spool."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from crawler.extraction.urls import is_article_url
from tests.conftest import article, wait_for
from warehouse.demo_site import DemoServer, build_site

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
MAINTENANCE = (b"<!DOCTYPE html><html><head><title>Down for maintenance</title></head><body>"
               b"<h1>We'll be back soon</h1><p>The site is being upgraded. Please come back in an hour.</p>"
               b"</body></html>")
# On a 503 without Retry-After the manners middleware holds the host for its doubled delay, up to
# AUTOTHROTTLE_MAX_DELAY (60 s): a test waits a tenth of a second instead.
FAST_BACKOFF = ("-s", "AUTOTHROTTLE_MAX_DELAY=0.1", "-s", "RETRY_AFTER_MAX=0.1")


class HostileServer(DemoServer):
    """The offline site, slowed down by `delay` seconds an answer, or broken by `mode`:
    "503" every request; "maintenance" one 200 page for every address; "maintenance-articles"
    the site itself, but that page at every article address."""

    delay = 0.0
    mode: str | None = None

    def answer(self, target, headers):
        if self.delay:
            time.sleep(self.delay)
        page = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(MAINTENANCE)))]
        if self.mode == "503":
            return 503, page, MAINTENANCE
        if self.mode == "maintenance" or (self.mode == "maintenance-articles"
                                          and is_article_url(self.base_url + target)):
            return 200, page, MAINTENANCE
        return super().answer(target, headers)


@pytest.fixture(scope="module")
def site():
    return build_site()


@pytest.fixture
def server(site):
    with HostileServer(site) as running:
        yield running


def crawl_command(server: HostileServer, db: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "scrapy", "crawl", "belarusinfocus", "-a", f"base_url={server.base_url}",
            "-s", f"WAREHOUSE_PATH={db}", "-s", f"LOG_FILE={db.parent / 'crawl.log'}", *extra]


def run_crawl(server: HostileServer, db: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(crawl_command(server, db, *extra), cwd=ROOT, env=ENV, capture_output=True, text=True,
                          timeout=300)


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def run_row(db: Path) -> dict:
    rows = query(db, "select * from crawl_runs")
    assert len(rows) == 1, rows
    with duckdb.connect(str(db), read_only=True) as con:
        names = [d[0] for d in con.execute("select * from crawl_runs limit 0").description]
    return dict(zip(names, rows[0]))


def spool_dir(db: Path) -> Path:
    from warehouse.config import resolve_spool_dir

    return resolve_spool_dir(db_path=db)


def batches_left(db: Path) -> list[str]:
    folder = spool_dir(db)
    return sorted(p.name for p in folder.glob("*.jsonl*")) if folder.is_dir() else []


def warehouse_status(db: Path) -> str:
    proc = subprocess.run([sys.executable, "-m", "warehouse", "status", "--db", str(db)], cwd=ROOT, env=ENV,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


def assert_every_error_points_at_a_run(db: Path) -> None:
    orphans = query(db, "select count(*) from crawl_errors where run_id not in (select run_id from crawl_runs)")
    assert orphans == [(0,)]


# -- stop signals ------------------------------------------------------------------------------------

def stopped_crawl(server: HostileServer, db: Path, signals: list[int], after_requests: int = 40):
    """A crawl of the slowed-down site, sent `signals` (one after the other) once the site has
    answered `after_requests` requests."""
    server.delay = 0.05
    proc = subprocess.Popen(crawl_command(server, db, "-s", "WAREHOUSE_BATCH_SIZE=10"), cwd=ROOT, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: len(server.requests) >= after_requests or proc.poll() is not None, timeout=120,
                 what=f"{after_requests} requests")
        assert proc.poll() is None, f"the crawl ended before the signal: {proc.stderr.read()}"
        for signum in signals:
            proc.send_signal(signum)
            time.sleep(0.05)
        _, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, stderr


@pytest.mark.e2e
@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_stop_signal_exits_non_zero_and_records_the_run(server, tmp_path, signum, code):
    db = tmp_path / "warehouse.duckdb"
    returncode, stderr = stopped_crawl(server, db, [signum])

    assert returncode == code
    [line] = lines(stderr)
    name = signal.Signals(signum).name
    assert line.startswith(f"crawl: error: stopped by {name} after "), line
    assert "ends 'shutdown'" in line
    run = run_row(db)
    assert run["finish_reason"] == "shutdown"
    assert run["finished_at"] is not None
    assert f"after {run['pages_fetched']} pages" in line
    assert 0 < run["pages_fetched"] < 265  # stopped before the end of the site
    stored = query(db, "select count(*) from articles")[0][0]
    assert stored > 0
    assert run["items_new"] == stored  # what it fetched is in, counted
    assert run["items_updated"] == run["items_unchanged"] == 0 and run["items_invalid"] is not None
    assert batches_left(db) == []  # nothing left behind
    assert_every_error_points_at_a_run(db)


@pytest.mark.e2e
def test_a_double_sigint_still_seals_loads_and_records_the_run(server, tmp_path):
    db = tmp_path / "warehouse.duckdb"
    returncode, stderr = stopped_crawl(server, db, [signal.SIGINT, signal.SIGINT])

    assert returncode == 130
    [line] = lines(stderr)
    assert line.startswith("crawl: error: stopped by SIGINT twice after "), line
    run = run_row(db)
    assert run["finish_reason"] == "interrupted"  # Scrapy's forced stop never closed the spider
    assert run["finished_at"] is not None and run["pages_fetched"] > 0
    stored = query(db, "select count(*) from articles")[0][0]
    assert stored > 0 and run["items_new"] == stored
    assert batches_left(db) == []  # the unsealed batch was sealed and loaded, not left for later
    assert_every_error_points_at_a_run(db)
    # The similarity refresh was left to the next load, which does it; status says so meanwhile.
    assert (spool_dir(db) / "refresh-pending").is_file()
    assert "refresh pending" in warehouse_status(db)
    load = subprocess.run([sys.executable, "-m", "warehouse", "load", "--db", str(db)], cwd=ROOT, env=ENV,
                          capture_output=True, text=True, timeout=120)
    assert load.returncode == 0, load.stderr
    assert not (spool_dir(db) / "refresh-pending").exists()
    counted = query(db, "select count(*) from articles a join internal._article_terms_source s "
                        "on s.url = a.url and s.content_hash = a.content_hash")
    assert counted == [(stored,)]
    assert query(db, "select count(distinct url_a) > 0 from internal._similarity_content") == [(True,)]


# -- a site that answers, but not with its pages -------------------------------------------------------

@pytest.mark.e2e
def test_a_site_answering_503_to_everything_fails_the_crawl(server, tmp_path):
    db = tmp_path / "warehouse.duckdb"
    server.mode = "503"
    proc = run_crawl(server, db, *FAST_BACKOFF)

    assert proc.returncode == 6
    [line] = lines(proc.stderr)
    assert line.startswith(f"crawl: error: the site at {server.base_url} answered "), line
    assert "with a server error" in line and "× 503" in line
    run = run_row(db)
    assert run["finish_reason"] == "failed" and run["finished_at"] is not None
    assert run["pages_fetched"] >= 5 and run["items_new"] == 0
    assert query(db, "select count(*) from articles") == [(0,)]
    assert query(db, "select kind from crawl_errors where url = '" + server.base_url + "/'") == [("http",)]
    assert_every_error_points_at_a_run(db)


@pytest.mark.e2e
def test_a_maintenance_page_at_every_article_address_fails_the_crawl_and_is_not_stored(server, tmp_path):
    db = tmp_path / "warehouse.duckdb"
    server.mode = "maintenance-articles"
    proc = run_crawl(server, db, *FAST_BACKOFF)

    assert proc.returncode == 6
    [line] = lines(proc.stderr)
    assert "with one same page" in line and "a maintenance or error page" in line, line
    run = run_row(db)
    assert run["finish_reason"] == "failed"
    served = sum(1 for r in server.requests if r.status == 200 and is_article_url(server.base_url + r.path))
    assert served > 100
    # Only the first address that gave the page is stored; every other one is an 'invalid' row.
    assert query(db, "select count(*) from articles") == [(1,)]
    repeats = query(db, "select count(*) from crawl_errors where kind = 'invalid' and message like 'the same content as %'")
    assert repeats == [(served - 1,)]
    assert run["items_new"] == 1 and run["items_invalid"] == served - 1
    assert_every_error_points_at_a_run(db)


@pytest.mark.e2e
def test_a_maintenance_page_everywhere_fails_the_crawl(server, tmp_path):
    db = tmp_path / "warehouse.duckdb"
    server.mode = "maintenance"
    proc = run_crawl(server, db, *FAST_BACKOFF)

    assert proc.returncode == 6
    [line] = lines(proc.stderr)
    assert "with one same page" in line, line
    assert run_row(db)["finish_reason"] == "failed"
    assert query(db, "select count(*) from articles") == [(0,)]


@pytest.mark.e2e
def test_a_bad_threshold_is_a_usage_error(server, tmp_path):
    db = tmp_path / "warehouse.duckdb"
    proc = run_crawl(server, db, "-s", "CRAWL_SAME_BODY_SHARE_MAX=half")

    assert proc.returncode == 2
    assert lines(proc.stderr) == ["crawl: error: CRAWL_SAME_BODY_SHARE_MAX must be a share above 0 and at most 1 "
                                  "(e.g. 0.5), not 'half'"]
    assert server.requests == []


# -- a warehouse held by another process ------------------------------------------------------------------

@pytest.mark.e2e
def test_a_crawl_ending_with_the_warehouse_locked_is_recorded_by_the_next_load(server, tmp_path, template_db):
    db = tmp_path / "warehouse.duckdb"
    db.write_bytes(template_db.read_bytes())
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys; con = duckdb.connect(sys.argv[1]); "
                               "print('held', flush=True); sys.stdin.read()", str(db)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        proc = run_crawl(server, db)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)

    assert proc.returncode == 3
    [line] = lines(proc.stderr)
    assert "batch(es) wait in" in line, line
    runs = list(spool_dir(db).glob("*.run.json"))
    assert len(runs) == 1
    kept = json.loads(runs[0].read_text())
    assert kept["finish_reason"] == "failed" and kept["pages_fetched"] > 200
    assert query(db, "select count(*) from crawl_runs") == [(0,)]
    assert "runs not recorded" in warehouse_status(db)

    load = subprocess.run([sys.executable, "-m", "warehouse", "load", "--db", str(db)], cwd=ROOT, env=ENV,
                          capture_output=True, text=True, timeout=120)
    assert load.returncode == 0, load.stderr
    run = run_row(db)
    assert run["run_id"] == kept["run_id"]
    assert run["finish_reason"] == "failed" and run["pages_fetched"] == kept["pages_fetched"]
    stored = query(db, "select count(*) from articles")[0][0]
    assert stored > 200 and run["items_new"] == stored
    assert query(db, "select count(*) from crawl_errors")[0][0] > 0
    assert_every_error_points_at_a_run(db)
    assert list(spool_dir(db).glob("*.run.json")) == [] and batches_left(db) == []


@pytest.mark.e2e
def test_a_warehouse_taken_mid_crawl_leaves_the_run_to_the_next_crawl(server, tmp_path):
    """The run's row is started, then an analyst opens the file: the end cannot write it."""
    import threading

    db = tmp_path / "warehouse.duckdb"
    server.delay = 0.02
    held, release = threading.Event(), threading.Event()

    def take_the_file():
        wait_for(lambda: len(server.requests) >= 150, timeout=120, what="150 requests")
        while True:  # between two of the crawl's loads
            try:
                con = duckdb.connect(str(db))
                break
            except duckdb.IOException:
                time.sleep(0.01)
        held.set()
        release.wait(300)
        con.close()

    analyst = threading.Thread(target=take_the_file, daemon=True)
    analyst.start()
    try:
        proc = run_crawl(server, db)
    finally:
        release.set()
        analyst.join(30)
    assert held.is_set()

    assert proc.returncode == 3
    [line] = lines(proc.stderr)
    assert "wait in" in line or "is kept in" in line, line
    [kept_file] = spool_dir(db).glob("*.run.json")
    kept = json.loads(kept_file.read_text())
    assert kept["finish_reason"] == "failed" and kept["pages_fetched"] > 150

    server.delay = 0.0
    again = run_crawl(server, db)  # closes the open row as 'interrupted', then loads and records it
    assert again.returncode == 0, again.stderr
    rows = query(db, "select run_id, finish_reason, pages_fetched, items_new from crawl_runs order by started_at")
    assert [row[:3] for row in rows] == [(kept["run_id"], "failed", kept["pages_fetched"]), (rows[1][0], "finished", rows[1][2])]
    stored = query(db, "select count(*) from articles")[0][0]
    assert rows[0][3] == stored  # every article came with the first run; the second found them stored
    assert_every_error_points_at_a_run(db)
    assert list(spool_dir(db).glob("*.run.json")) == [] and batches_left(db) == []


# -- without a crawl: the refresh a lock prevented, rows kept in the spool ----------------------------

class HeldWarehouse:
    """Another process holding the DuckDB file (an analyst's session), until the block ends."""

    def __init__(self, db: Path):
        self.db = db

    def __enter__(self):
        self.proc = subprocess.Popen([sys.executable, "-c", "import duckdb, sys; con = duckdb.connect(sys.argv[1]); "
                                      "print('held', flush=True); sys.stdin.read()", str(self.db)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "held"
        return self

    def __exit__(self, *exc):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def terms_counted(db: Path) -> int:
    return query(db, "select count(*) from articles a join internal._article_terms_source s "
                     "on s.url = a.url and s.content_hash = a.content_hash")[0][0]


def test_a_refresh_the_lock_prevented_is_logged_counted_and_done_by_the_next_load(db_path, spool_batch, caplog):
    import asyncio

    from scrapy.utils.test import get_crawler

    from crawler.loading import BatchLoader
    spool_batch([article("https://belarusinfocus.info/society/a", content_hash="h-a"),
                 article("https://belarusinfocus.info/society/b", body="Something else entirely.", content_hash="h-b")])
    stats = get_crawler().stats
    loader = BatchLoader(db_path, spool_batch.directory, stats)
    loader.load_now()
    assert query(db_path, "select count(*) from articles") == [(2,)]
    with HeldWarehouse(db_path):
        asyncio.run(loader.finish())  # the load finds nothing left; the refresh finds the file held

    assert stats.get_value("warehouse/refresh_skipped") == 1
    assert any("similarity tables were not refreshed" in r.getMessage() for r in caplog.records)
    assert (spool_batch.directory / "refresh-pending").is_file()
    assert terms_counted(db_path) == 0

    load = subprocess.run([sys.executable, "-m", "warehouse", "load", "--db", str(db_path),
                           "--spool", str(spool_batch.directory)], cwd=ROOT, env=ENV,
                          capture_output=True, text=True, timeout=120)
    assert load.returncode == 0, load.stderr
    assert terms_counted(db_path) == 2
    assert not (spool_batch.directory / "refresh-pending").exists()


def test_a_run_kept_in_the_spool_is_recorded_once_its_batches_are_in(warehouse, db_path, spool_batch, tmp_path):
    from datetime import datetime, timezone

    from warehouse.spool_owner import Owner
    from warehouse.spooled_runs import record_spooled_runs, write_run

    run_id = "20240301T120000Z-run1"
    batch = spool_batch([article(), {"record": "error", "url": "https://belarusinfocus.info/x", "kind": "http",
                                     "message": "404", "occurred_at": "2024-03-01T12:00:00+00:00"}], run_id=run_id)
    warehouse.start_run(run_id, "belarusinfocus")  # started, then the warehouse was busy at the end
    at = datetime(2024, 3, 1, 12, 5, tzinfo=timezone.utc)
    row = {"run_id": run_id, "spider": "belarusinfocus", "started_at": at, "finished_at": at,
           "finish_reason": "failed", "pages_fetched": 7, "items_invalid": 0, "items_undated": 0}
    write_run(spool_batch.directory, Owner.of(db_path).header(), row)
    other = {**row, "run_id": "20240301T120000Z-run2"}  # a SPOOL_DIR shared with another warehouse
    write_run(spool_batch.directory, Owner(None, str(tmp_path / "another.duckdb")).header(), other)

    assert record_spooled_runs(warehouse, spool_batch.directory) == []  # its batch is not loaded yet
    warehouse.load_spool(spool_batch.directory)
    assert not batch.exists()
    assert record_spooled_runs(warehouse, spool_batch.directory) == [run_id]

    assert query(db_path, "select run_id, finish_reason, pages_fetched, items_new, errors from crawl_runs") == [
        (run_id, "failed", 7, 1, 1)]
    assert [p.name for p in spool_batch.directory.glob("*.run.json")] == ["20240301T120000Z-run2.run.json"]
