"""The site moves to another host (CONTRACT.md "The site's hosts"): real `scrapy crawl` processes
against the offline site on two loopback hosts, the old one answering every request with a
redirect to the new one. The warehouse ends with the same rows at their new addresses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from warehouse.demo_site import DemoServer, build_site
from warehouse.demo_site.themes import THEMES

pytestmark = pytest.mark.e2e  # real `scrapy crawl` processes against the offline site

ROOT = Path(__file__).resolve().parents[1]


def crawl(base_url: str, db: Path, *extra: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "scrapy", "crawl", "belarusinfocus", "-a", f"base_url={base_url}",
           "-s", f"WAREHOUSE_PATH={db}", "-s", "LOG_LEVEL=WARNING", *extra]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, f"crawl exited {proc.returncode}:\n{proc.stderr[-3000:]}"
    return proc


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.mark.parametrize("theme", [t for t in ("classic", "weekly") if t in THEMES])
def test_a_crawl_after_the_site_moved_moves_the_stored_rows_instead_of_adding_rows(tmp_path, theme):
    site = build_site(articles=30)
    db = tmp_path / "warehouse.duckdb"
    with DemoServer(site, theme=theme, host="127.0.0.1") as old, DemoServer(site, theme=theme, host="127.0.0.2") as new:
        crawl(old.base_url, db)
        before = query(db, "select count(*), (select count(*) from article_versions) from articles")
        assert before[0][0] > 0
        assert {site for (site,) in query(db, "select distinct site from articles")} == {old.base_url}

        old.moved_to = new.base_url
        first_old = len(old.requests)
        hosts = ",".join(url.split("://", 1)[1] for url in (old.base_url, new.base_url))
        crawl(old.base_url, db, "-s", f"SITE_HOSTS={hosts}")

        assert query(db, "select count(*), (select count(*) from article_versions) from articles") == before
        assert {site for (site,) in query(db, "select distinct site from articles")} == {new.base_url}
        assert query(db, f"select count(*) from articles where url not like '{new.base_url}/%'") == [(0,)]
        assert query(db, "select max(version) from articles") == [(1,)]
        # Only the home page (and Scrapy's robots.txt check) went to the old host, through its redirect.
        asked_old = {r.path for r in old.requests[first_old:]}
        assert asked_old <= {"/", "/robots.txt"}, asked_old
        # The stored articles were recognised at their new addresses, not fetched again as new.
        stored = {a.path.rstrip("/") for a in site.expected_articles()}
        refetched = [r.path for r in new.requests if r.path.split("?")[0].rstrip("/") in stored and r.status == 200]
        assert refetched == [], f"stored articles fetched again after the move: {refetched[:5]}"


def test_a_bad_site_hosts_setting_is_one_line_and_touches_nothing(tmp_path):
    from crawler import exitcodes

    db = tmp_path / "warehouse.duckdb"
    cmd = [sys.executable, "-m", "scrapy", "crawl", "belarusinfocus", "-a", "base_url=http://127.0.0.1:9",
           "-s", f"WAREHOUSE_PATH={db}", "-s", "SITE_HOSTS=127.0.0.2:8018,http://127.0.0.3/"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == exitcodes.USAGE
    errors = [line for line in proc.stderr.splitlines() if line.startswith("crawl: error: ")]
    assert errors == ["crawl: error: SITE_HOSTS entry 'http://127.0.0.3/' is not a host or host:port (like 127.0.0.2:8018)"]
    assert "Traceback" not in proc.stderr and not db.exists()
