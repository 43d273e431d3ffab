"""Unattended crawling (issue 4): incremental and full recrawls, versions and gone articles, the
crawl lock, kill -9 at several moments, a warehouse held open by another process. Real `scrapy
crawl` processes against the offline site on loopback, real DuckDB files, real kills."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from crawler import exitcodes
from warehouse.config import default_spool_dir
from warehouse.demo_site import DemoServer, build_site

from tests.conftest import wait_for

pytestmark = pytest.mark.e2e  # real `scrapy crawl` processes against the offline site

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def crawl_cmd(base_url: str, db: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "scrapy", "crawl", "belarusinfocus", "-a", f"base_url={base_url}",
            "-s", f"WAREHOUSE_PATH={db}", "-s", "LOG_LEVEL=WARNING", *extra]


def crawl(base_url: str, db: Path, *extra: str, expect: int = 0) -> subprocess.CompletedProcess:
    proc = subprocess.run(crawl_cmd(base_url, db, *extra), cwd=ROOT, env=ENV, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == expect, f"crawl exited {proc.returncode}, expected {expect}:\n{proc.stderr[-3000:]}"
    return proc


def query(db: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()



@pytest.fixture
def served(tmp_path):
    site = build_site(articles=40)
    with DemoServer(site) as server:
        yield site, server, tmp_path / "warehouse.duckdb"


def stored_urls(db: Path) -> list[str]:
    return [r[0] for r in query(db, "select url from articles")]


def assert_complete(site, server, db: Path):
    """Every expected article exactly once, and no run left open."""
    urls = stored_urls(db)
    assert len(urls) == len(set(urls)), "an article is stored twice"
    assert set(urls) == {server.base_url + a.path for a in site.expected_articles()}
    assert query(db, "select count(*) from crawl_runs where finished_at is null") == [(0,)]


# -- incremental and full recrawls --------------------------------------------------------------

def test_default_recrawl_of_an_unchanged_site_fetches_no_stored_article(served):
    site, server, db = served
    crawl(server.base_url, db)
    first = len(server.requests)
    crawl(server.base_url, db)
    again = server.requests[first:]
    stored = {a.path for a in site.expected_articles()}
    article_fetches = [r for r in again if r.path.split("?")[0].split("#")[0].rstrip("/") in stored]
    assert article_fetches == [], f"stored articles fetched again: {[r.path for r in article_fetches][:5]}"
    print(f"\ndefault recrawl: {len(again)} requests: " + ", ".join(sorted(r.path for r in again)))
    sections = {"/" + a.category for a in site.articles} | {"/ru/" + a.category for a in site.articles}
    allowed = {"/robots.txt", "/sitemap.xml", "/rss.xml", "/", "/ru"} | sections
    other = [(r.path, r.status) for r in again if r.path not in allowed and not r.path.startswith("/node/")]
    assert other == [], f"a default recrawl of an unchanged site asked for more than listings and feeds: {other}"
    assert all(r.status == 301 for r in again if r.path.startswith("/node/")), "an old address gave a body"
    assert query(db, "select count(*), max(version) from articles") == [(len(stored), 1)]


def test_full_recrawl_revalidates_every_stored_article_with_a_304(served):
    site, server, db = served
    crawl(server.base_url, db)
    first = len(server.requests)
    crawl(server.base_url, db, "-a", "full=1")
    again = server.requests[first:]
    stored = {a.path for a in site.expected_articles()}
    answers = {}
    for r in again:
        path = r.path.split("?")[0].rstrip("/")
        if path in stored:
            answers.setdefault(path, []).append(r.status)
    assert set(answers) == stored, f"not revalidated: {sorted(stored - set(answers))[:5]}"
    bodies = {p: s for p, s in answers.items() if s != [304]}
    assert not bodies, f"answered with a body instead of a 304: {list(bodies.items())[:5]}"
    n = len(stored)
    assert query(db, "select items_new, items_updated, items_unchanged from crawl_runs order by started_at desc limit 1") \
        == [(0, 0, n)]
    print(f"\nfull recrawl: {len(again)} requests, {sum(1 for r in again if r.status == 304)} answered 304")


def test_unreachable_site_fails_with_one_line_in_stderr_and_the_log_and_a_failed_run(tmp_path):
    with DemoServer(build_site(articles=40)) as server:
        base_url = server.base_url  # a loopback port nobody listens on once the server stops
    log = tmp_path / "logs" / "cron" / "crawl.log"  # a folder that does not exist yet
    proc = crawl(base_url, tmp_path / "warehouse.duckdb", "-s", "RETRY_TIMES=0", "-s", f"LOG_FILE={log}",
                 expect=exitcodes.FAILED)
    line = f"crawl: error: the site at {base_url} answered no request: check the address and the network"
    errors = [line for line in proc.stderr.splitlines() if line.startswith("crawl: error: ")]
    assert errors == [line]
    assert "Traceback" not in proc.stderr
    assert [entry for entry in log.read_text().splitlines() if "crawl: error:" in entry][0].endswith(f"ERROR: {line}")
    assert query(tmp_path / "warehouse.duckdb", "select kind from crawl_errors limit 1") == [("network",)]
    # a cron check reading crawl_runs sees the failure too
    assert query(tmp_path / "warehouse.duckdb", "select finish_reason, pages_fetched from crawl_runs") == [("failed", 0)]


def test_a_log_file_that_cannot_be_created_is_one_line(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the log folder should be")
    db = tmp_path / "warehouse.duckdb"
    proc = crawl("http://127.0.0.1:9", db, "-s", f"LOG_FILE={blocker}/crawl.log", expect=exitcodes.USAGE)
    assert proc.stderr.strip().splitlines() == [
        f"crawl: error: cannot create the folder of LOG_FILE {blocker}/crawl.log: File exists; "
        "choose a LOG_FILE in a folder this user may write"]
    assert not db.exists()


def test_a_second_crawl_refused_by_the_lock_says_so_in_the_log_too(tmp_path):
    from crawler.lock import CrawlLock

    db, log = tmp_path / "warehouse.duckdb", tmp_path / "crawl.log"
    lock = CrawlLock(db).acquire()  # as a running crawl holds it
    try:
        proc = crawl("http://127.0.0.1:9", db, "-s", f"LOG_FILE={log}", expect=exitcodes.ALREADY_RUNNING)
    finally:
        lock.release()
    [line] = [line for line in proc.stderr.splitlines() if line.startswith("crawl: error: ")]
    assert "another crawl" in line
    assert any(entry.endswith(line) for entry in log.read_text().splitlines())


def test_a_bad_memory_limit_is_one_line_and_touches_nothing(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    proc = crawl("http://127.0.0.1:9", db, "-s", "WAREHOUSE_MEMORY_LIMIT=lots", expect=exitcodes.USAGE)
    errors = [line for line in proc.stderr.splitlines() if line.startswith("crawl: error: ")]
    assert len(errors) == 1 and "WAREHOUSE_MEMORY_LIMIT 'lots' is not a memory size" in errors[0]
    assert "Traceback" not in proc.stderr
    assert not db.exists()


# -- versions and gone articles -----------------------------------------------------------------

def test_changed_article_becomes_a_new_version_and_a_removed_one_is_marked_gone(served):
    site, server, db = served
    crawl(server.base_url, db)
    changed, removed = site.expected_articles()[3], site.expected_articles()[5]
    changed_url, removed_url = server.base_url + changed.path, server.base_url + removed.path
    before = query(db, "select title, last_changed_at from articles where url = ?", [changed_url])[0]

    old_title = changed.title
    changed.title = old_title + " (updated)"
    changed.similar = changed.similar[:1]
    del site._by_path[removed.path]  # the site now answers 404 for it
    crawl(server.base_url, db, "-a", "full=1")

    assert query(db, "select version, title from article_versions where url = ? order by version", [changed_url]) \
        == [(1, old_title), (2, old_title + " (updated)")]
    version, title, last_changed_at = query(
        db, "select version, title, last_changed_at from articles where url = ?", [changed_url])[0]
    assert (version, title) == (2, old_title + " (updated)") and last_changed_at > before[1]
    assert query(db, "select dst_url, position from similar_links where src_url = ?", [changed_url]) \
        == [(server.base_url + changed.similar[0].path, 1)], "similar links not replaced"

    assert query(db, "select gone_at is not null, title is not null from articles where url = ?", [removed_url]) \
        == [(True, True)], "a removed article must stay, marked gone"
    assert query(db, "select count(*) from article_versions where url = ?", [removed_url]) == [(1,)]

    site._by_path[removed.path] = removed  # it comes back
    crawl(server.base_url, db, "-a", "full=1")
    assert query(db, "select gone_at from articles where url = ?", [removed_url]) == [(None,)]


# -- one crawl at a time, and kills ------------------------------------------------------------

def slow_crawl(server, db: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(crawl_cmd(server.base_url, db, "-s", "CONCURRENT_REQUESTS=1", "-s", "DOWNLOAD_DELAY=0.05",
                                      *extra), cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)


def lock_holder(db: Path) -> str:
    lock = Path(f"{db}.crawl-lock")
    return lock.read_text().strip() if lock.exists() else ""


def test_second_crawl_exits_at_once_naming_the_holder_and_a_dead_holder_is_taken_over(served):
    site, server, db = served
    first = slow_crawl(server, db)
    try:
        wait_for(lambda: lock_holder(db) == str(first.pid), what="the first crawl's lock")
        started = time.monotonic()
        second = crawl(server.base_url, db, expect=exitcodes.ALREADY_RUNNING)
        assert time.monotonic() - started < 15
        lines = second.stderr.strip().splitlines()
        assert lines[-1] == f"crawl: error: another crawl (PID {first.pid}) is running on {db}; this one did nothing"
        assert "Traceback" not in second.stderr
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    crawl(server.base_url, db)  # the dead crawl's lock is taken over
    assert_complete(site, server, db)
    assert ("interrupted",) in query(db, "select finish_reason from crawl_runs")


def spool_files(db: Path, pattern: str) -> list[Path]:
    return list(default_spool_dir(db).glob(pattern))


def spooled_lines(db: Path) -> int:
    return sum(p.read_bytes().count(b"\n") for p in spool_files(db, "*.jsonl.part"))


KILL_POINTS = {
    # moment: (extra settings, condition to kill at)
    "at start-up": ((), lambda db: Path(f"{db}.crawl-lock").exists()),
    "while fetching, items only in the spool": (("-s", "WAREHOUSE_BATCH_SIZE=100000"), lambda db: spooled_lines(db) >= 8),
    "in the middle of a flush": (("-s", "WAREHOUSE_BATCH_SIZE=3"), lambda db: bool(spool_files(db, "*.jsonl"))),
}


@pytest.mark.parametrize("moment", list(KILL_POINTS))
def test_kill_minus_9_then_crawl_again_loses_and_duplicates_nothing(served, moment):
    site, server, db = served
    extra, ready = KILL_POINTS[moment]
    victim = slow_crawl(server, db, *extra)
    try:
        wait_for(lambda: ready(db) or victim.poll() is not None, what=f"the moment {moment!r}")
    finally:
        victim.send_signal(signal.SIGKILL)
        victim.wait()
    crawl(server.base_url, db)
    assert_complete(site, server, db)
    assert query(db, "select count(*) from article_versions") == [(len(site.expected_articles()),)]
    assert spool_files(db, "*.jsonl*") == [], "batches left behind in the spool"


# -- a warehouse held open by someone else -----------------------------------------------------

def test_busy_warehouse_keeps_items_in_the_spool_and_the_next_load_takes_them_once(served):
    site, server, db = served
    subprocess.run([sys.executable, "-m", "warehouse", "init", "--db", str(db)], cwd=ROOT, env=ENV, check=True,
                   capture_output=True)
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]);"
                               "print('ready', flush=True); time.sleep(120)", str(db)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        busy = crawl(server.base_url, db, expect=exitcodes.WAREHOUSE_BUSY)
        errors = [line for line in busy.stderr.splitlines() if line.startswith("crawl: error: ")]
        assert len(errors) == 1 and f"PID {holder.pid}" in errors[0] and "spool" in errors[0], errors
        assert spool_files(db, "*.jsonl"), "no batch kept in the spool"
    finally:
        holder.kill()
        holder.wait()
    assert stored_urls(db) == []
    load = subprocess.run([sys.executable, "-m", "warehouse", "load", "--db", str(db)], cwd=ROOT, env=ENV,
                          capture_output=True, text=True)
    assert load.returncode == 0, load.stderr
    assert sorted(stored_urls(db)) == sorted(server.base_url + a.path for a in site.expected_articles())
    crawl(server.base_url, db)  # nothing left to load, nothing loaded twice
    urls = stored_urls(db)
    assert len(urls) == len(set(urls)) == len(site.expected_articles())
    assert query(db, "select count(*) from article_versions") == [(len(urls),)]
