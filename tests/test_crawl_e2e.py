"""End to end: a real `scrapy crawl belarusinfocus` process against the offline site on loopback,
into a real DuckDB file, on both markup themes; exact expectations from the site's ground truth."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
from protego import Protego

from tests.conftest import shared_file
from warehouse.demo_site import DemoServer, build_site

pytestmark = pytest.mark.e2e  # real `scrapy crawl` processes against the offline site

ROOT = Path(__file__).resolve().parents[1]
MINSK = ZoneInfo("Europe/Minsk")
TABLES = ("articles", "article_versions", "similar_links")


def run_crawl(base_url: str, db_path: Path, *extra: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "scrapy", "crawl", "belarusinfocus", "-a", f"base_url={base_url}",
           "-s", f"WAREHOUSE_PATH={db_path}", *extra]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, f"crawl exited {proc.returncode}:\n{proc.stderr[-4000:]}"
    return proc


def query(db_path: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def counts(db_path: Path) -> dict[str, int]:
    return {table: query(db_path, f"select count(*) from {table}")[0][0] for table in TABLES}


@dataclass
class Crawl:
    theme: str
    base_url: str
    db: Path
    requests: list
    wall_seconds: float
    # the same site crawled again, unchanged
    counts_after_first: dict
    counts_after_second: dict


@pytest.fixture(scope="module")
def site():
    return build_site()


@pytest.fixture(scope="module", params=["classic", "modern"])
def crawl(request, site, tmp_path_factory) -> Crawl:
    db = tmp_path_factory.mktemp(request.param) / "warehouse.duckdb"
    with DemoServer(site, theme=request.param) as server:
        started = time.monotonic()
        run_crawl(server.base_url, db)
        wall = time.monotonic() - started
        first = counts(db)
        requests = list(server.requests)
        run_crawl(server.base_url, db)
        second = counts(db)
        return Crawl(request.param, server.base_url, db, requests, wall, first, second)


def url_of(crawl: Crawl, path: str) -> str:
    return crawl.base_url + path


def test_every_article_exactly_once(crawl, site):
    stored = [row[0] for row in query(crawl.db, "select url from articles")]
    expected = {url_of(crawl, a.path) for a in site.expected_articles()}
    assert len(stored) == len(set(stored)), "an article is stored twice"
    assert set(stored) == expected, (
        f"missing: {sorted(expected - set(stored))[:5]}, unexpected: {sorted(set(stored) - expected)[:5]}")


@pytest.mark.parametrize("field", ["title", "published_at", "category_status", "photo_credit", "body",
                                   "language", "category", "site"])
def test_every_field_right(crawl, site, field):
    rows = query(crawl.db, f"select url, {field} from articles")
    stored = dict(rows)
    wrong = []
    for article in site.expected_articles():
        expected = crawl.base_url if field == "site" else getattr(article, field)
        if stored.get(url_of(crawl, article.path)) != expected:
            wrong.append((article.path, expected, stored.get(url_of(crawl, article.path))))
    assert not wrong, f"{len(wrong)} articles with a wrong {field} on theme {crawl.theme}, e.g. {wrong[:2]}"


def test_similar_links_right(crawl, site):
    rows = query(crawl.db, "select src_url, dst_url, dst_title, position from similar_links order by all")
    expected = sorted(
        (url_of(crawl, a.path), url_of(crawl, path), title, position)
        for a in site.expected_articles() for path, title, position in a.similar_links
    )
    assert rows == expected


def test_seed_page_fields_exactly_as_the_real_page(crawl, site):
    lines = shared_file("seed-page.txt").read_text(encoding="utf-8").splitlines()
    blocks = [b.strip() for b in "\n".join(lines).split("\n\n") if b.strip()]
    # The page text: title, "Category status:", date, credit, paragraphs, "Similar articles", teaser, ...
    title = lines[0].strip()
    date_line, credit_line = blocks[1].splitlines()[1:3]
    similar_at = blocks.index("Similar articles")
    body = "\n\n".join(blocks[2:similar_at])
    teaser_title, teaser_date, teaser_credit = blocks[similar_at + 1].splitlines()
    teaser_body = "\n\n".join(blocks[similar_at + 2:blocks.index("Recent trends")])

    seed = query(crawl.db, "select title, published_at, photo_credit, body, url from articles where title = ?", [title])
    assert len(seed) == 1, f"the seed article {title!r} is not stored exactly once"
    stored_title, published_at, credit, stored_body, seed_url = seed[0]
    assert published_at == datetime.strptime(date_line, "%B %d, %Y %H:%M").replace(tzinfo=MINSK)
    assert credit == credit_line.removeprefix("Фото:").strip()
    assert stored_body == body

    links = query(crawl.db, "select dst_url, dst_title from similar_links where src_url = ? and position = 1", [seed_url])
    assert links and links[0][1] == teaser_title
    similar = query(crawl.db, "select title, published_at, photo_credit, body from articles where url = ?", [links[0][0]])
    assert similar == [(teaser_title, datetime.strptime(teaser_date, "%B %d, %Y %H:%M").replace(tzinfo=MINSK),
                        teaser_credit.removeprefix("Фото:").strip(), teaser_body)]


def test_no_request_to_a_disallowed_path_or_another_host(crawl, site):
    robots = Protego.parse("User-agent: *\n" + "\n".join(f"Disallow: {p}" for p in site.faults.robots_disallowed))
    host = crawl.base_url.split("://", 1)[1]
    assert crawl.requests, "the server logged no request"
    other_hosts = {r.host for r in crawl.requests} - {host}
    assert not other_hosts, f"requests to other hosts: {other_hosts}"
    disallowed = [r.path for r in crawl.requests if not robots.can_fetch(url_of(crawl, r.path), "*")]
    assert not disallowed, f"robots-disallowed paths requested: {disallowed[:5]}"


def test_each_article_page_fetched_once(crawl, site):
    article_paths = {a.path for a in site.articles}
    fetched = [r.path.split("?")[0].rstrip("/") for r in crawl.requests
               if r.path.split("?")[0].rstrip("/") in article_paths and r.status == 200]
    repeated = {p for p in fetched if fetched.count(p) > 1}
    assert not repeated, f"article pages fetched more than once: {sorted(repeated)[:5]}"


def test_oversized_page_is_an_error_not_an_article(crawl, site):
    url = url_of(crawl, site.faults.oversized_path)
    assert query(crawl.db, "select count(*) from articles where url = ?", [url]) == [(0,)]
    assert query(crawl.db, "select kind, count(distinct run_id) from crawl_errors where url = ? group by kind",
                 [url]) == [("oversized", 1)], "recorded by the first run; the incremental second run skips it"


def test_other_faults_end_in_a_row(crawl, site):
    errors = dict(query(crawl.db, "select url, kind from crawl_errors"))
    for path in site.faults.missing_paths:
        assert errors.get(url_of(crawl, path)) == "http", f"404 {path} not recorded"
    # the transient 500 was retried into an article; the 301 old address led to one article row
    for path in (site.faults.transient_500_path, site.faults.redirect_to, site.faults.alias_target):
        assert query(crawl.db, "select count(*) from articles where url = ?", [url_of(crawl, path)]) == [(1,)]


def test_undated_article_stored_with_null_date_and_counted(crawl, site):
    url = url_of(crawl, site.faults.undated_path)
    assert query(crawl.db, "select published_at is null, title is not null from articles where url = ?", [url]) == [(True, True)]
    runs = query(crawl.db, "select items_undated from crawl_runs order by started_at")
    assert runs[0] == (1,)


def test_runs_recorded(crawl, site):
    runs = query(crawl.db, """select finish_reason, pages_fetched, items_new, items_updated, items_unchanged,
                                     items_invalid, errors from crawl_runs order by started_at""")
    n = len(site.expected_articles())
    errors = 1 + len(site.faults.missing_paths)  # oversized + 404s
    assert len(runs) == 2
    assert runs[0][0] == "finished" and runs[0][1] > n
    assert runs[0][2:] == (n, 0, 0, 0, errors)
    assert runs[1][0] == "finished"
    assert (runs[1][2], runs[1][3], runs[1][5]) == (0, 0, 0), "the unchanged site gave new or changed items"


def test_second_crawl_of_unchanged_site_adds_nothing(crawl):
    assert crawl.counts_after_second == crawl.counts_after_first
    assert query(crawl.db, "select max(version) from articles") == [(1,)]



@pytest.mark.parametrize("check", sorted((ROOT / "sql" / "checks").glob("*.sql")), ids=lambda p: p.stem)
def test_data_checks_pass_on_the_crawled_warehouse(crawl, check):
    offending = query(crawl.db, check.read_text(encoding="utf-8"))
    assert offending == [], f"{check.name} returns offending rows, e.g. {offending[:3]}"
