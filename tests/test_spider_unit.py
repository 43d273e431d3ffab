"""The spider alone, and at home in Scrapy's tools.

Callbacks on responses built in the test (HtmlResponse): a listing gives requests, an article an
item, a 304 a revisit, failures error records. Then Scrapy's own commands, as real processes
against the offline site: `scrapy check` runs the callbacks' contracts, `scrapy parse` and
`scrapy shell` work on an article without touching the warehouse, and a feed export holds
articles only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.internet.error import ConnectionRefusedError
from twisted.python.failure import Failure

from crawler.items import ArticleItem, CrawlError, Revisit
from crawler.recrawl import RecrawlPolicy
from crawler.spiders.belarusinfocus import BelarusInFocusSpider
from warehouse.demo_site import DemoServer, build_site
from warehouse.loader import KnownArticle

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
SITE = "http://127.0.0.1:8017"
ARTICLE_PATH = "/domestic-policy/authorities-reconsider-media-law-amendment"
SEEN = datetime(2024, 1, 1, tzinfo=timezone.utc)

ARTICLE = """<html><head><title>A piece</title></head><body><main><article>
<h1>Old rules, new risks</h1>
<div class="category-status">Category status: <span>negative</span></div>
<div class="date">September 18, 2017 10:50</div>
<p>The first paragraph of the piece, long enough to be a paragraph of an article's body text.</p>
<p>The second paragraph of the piece, also long enough to be a part of the article's body.</p>
</article>
<section><h2>Similar articles</h2><a href="/economy/another-piece">Another piece</a></section>
</main></body></html>"""

LISTING = """<html><body><main><h1>Economy</h1>
<div><h3><a href="/economy/new-piece">New piece</a></h3></div>
<div><h3><a href="/economy/stored-piece">Stored piece</a></h3></div>
<a href="/economy?page=1">next ›</a> <a href="/society">Society</a></main></body></html>"""


def make_spider(known=(), full: bool = False) -> BelarusInFocusSpider:
    crawler = get_crawler(BelarusInFocusSpider, {"SITE_HOSTS": []})
    spider = crawler._create_spider(base_url=SITE)
    spider.policy = RecrawlPolicy({url: KnownArticle(None, SEEN, '"etag-1"', None, None) for url in known},
                                  full=full, refetch_days=14, now=datetime(2024, 6, 1, tzinfo=timezone.utc))
    return spider


def response(path: str, body: str = ARTICLE, status: int = 200, callback=None) -> HtmlResponse:
    request = Request(SITE + path, callback=callback)
    return HtmlResponse(SITE + path, status=status, body=body.encode(), encoding="utf-8", request=request)


def outputs(results):
    results = list(results)
    return [r for r in results if isinstance(r, Request)], [r for r in results if not isinstance(r, Request)]


def failure_of(exception, request: Request) -> Failure:
    failure = Failure(exception)
    failure.request = request
    return failure


# -- callbacks -------------------------------------------------------------------------------------

def test_a_listing_asks_for_new_articles_the_next_page_and_other_listings_but_not_stored_ones():
    spider = make_spider(known=[SITE + "/economy/stored-piece"])
    requests, items = outputs(spider.parse_listing(response("/economy", LISTING)))
    assert items == []
    by_callback = {(r.url, r.callback.__name__) for r in requests}
    assert by_callback == {(SITE + "/economy/new-piece", "parse_article"), (SITE + "/economy?page=1", "parse_listing"),
                           (SITE + "/society", "parse_listing")}


def test_an_article_gives_one_item_with_its_validators_and_asks_for_its_links():
    spider = make_spider()
    page = response(ARTICLE_PATH)
    page.headers[b"ETag"] = b'"v2"'
    requests, items = outputs(spider.parse_article(page))
    [item] = items
    assert isinstance(item, ArticleItem)
    assert (item.url, item.site, item.title, item.etag) == (SITE + ARTICLE_PATH, SITE, "Old rules, new risks", '"v2"')
    assert item.body.startswith("The first paragraph")
    assert [r.url for r in requests] == [SITE + "/economy/another-piece"]


def test_a_stored_article_is_asked_for_conditionally_and_a_304_is_a_revisit():
    spider = make_spider(known=[SITE + "/economy/another-piece"], full=True)
    requests, _ = outputs(spider.parse_article(response(ARTICLE_PATH)))
    [request] = requests
    assert request.headers[b"If-None-Match"] == b'"etag-1"' and request.meta["handle_httpstatus_list"] == [304]
    _, items = outputs(spider.parse_article(response("/economy/another-piece", "", status=304)))
    assert items == [Revisit(url=SITE + "/economy/another-piece", outcome="seen")]


def test_a_stored_article_answering_404_is_an_error_and_gone_a_new_one_only_an_error():
    spider = make_spider(known=[SITE + "/economy/stored-piece"])
    for path, expected in (("/economy/stored-piece", [Revisit(url=SITE + "/economy/stored-piece", outcome="gone")]),
                           ("/economy/never-seen", [])):
        page = response(path, "", status=404)
        _, items = outputs(spider.record_failure(failure_of(HttpError(page, "HTTP 404"), page.request)))
        assert items == [CrawlError(url=SITE + path, kind="http", message="HTTP 404"), *expected]


def test_a_network_failure_is_a_network_error_and_a_refusal_by_policy_is_nothing():
    spider = make_spider()
    request = Request(SITE + ARTICLE_PATH)
    [error] = spider.record_failure(failure_of(ConnectionRefusedError("refused"), request))
    assert (error.url, error.kind) == (SITE + ARTICLE_PATH, "network") and "refused" in error.message
    assert list(spider.record_failure(failure_of(IgnoreRequest("robots.txt"), request))) == []
    assert spider.ignore_failure(failure_of(ConnectionRefusedError("refused"), request)) == []


# -- Scrapy's commands, for real --------------------------------------------------------------------

def scrapy(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=cwd, env=env or ENV, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def offline_site():
    with DemoServer(build_site()) as server:
        yield server


@pytest.mark.e2e
def test_scrapy_check_runs_the_callbacks_contracts_against_the_offline_site(offline_site, tmp_path):
    db = tmp_path / "warehouse.duckdb"
    proc = scrapy("check", "belarusinfocus", "-s", f"BASE_URL={offline_site.base_url}", "-s", f"WAREHOUSE_PATH={db}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Ran 9 contracts" in proc.stderr and proc.stderr.rstrip().endswith("OK"), proc.stderr[-2000:]
    assert not db.exists() and not (tmp_path / "archive").exists()


@pytest.mark.e2e
def test_scrapy_check_fails_when_a_contract_is_broken(tmp_path):
    # No site at that address: every contract's request fails, and check says so.
    proc = scrapy("check", "belarusinfocus", "-s", "BASE_URL=http://127.0.0.1:9", "-s", "RETRY_TIMES=0",
                  "-s", f"WAREHOUSE_PATH={tmp_path / 'w.duckdb'}")
    assert proc.returncode != 0
    assert "FAILED" in proc.stderr


@pytest.mark.e2e
def test_scrapy_parse_of_an_article_prints_its_item_and_touches_no_warehouse(offline_site, tmp_path):
    db = tmp_path / "warehouse.duckdb"
    proc = scrapy("parse", "--spider", "belarusinfocus", "-a", f"base_url={offline_site.base_url}", "-c",
                  "parse_article", "-s", f"WAREHOUSE_PATH={db}", offline_site.base_url + ARTICLE_PATH)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    [article] = [a for a in build_site().expected_articles() if a.path == ARTICLE_PATH]
    assert "Scraped Items" in proc.stdout and f"'title': {article.title!r}" in proc.stdout, proc.stdout[:2000]
    assert f"'url': '{offline_site.base_url + ARTICLE_PATH}'" in proc.stdout
    assert not db.exists(), "scrapy parse created a warehouse"
    assert not (tmp_path / "archive").exists() and not (tmp_path / "spool").exists()


@pytest.mark.e2e
def test_scrapy_shell_on_an_article_url_touches_no_warehouse(offline_site, tmp_path):
    db = tmp_path / "warehouse.duckdb"
    proc = scrapy("shell", offline_site.base_url + ARTICLE_PATH, "-c", "(response.status, bool(response.css('h1')))",
                  "-s", f"WAREHOUSE_PATH={db}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip().splitlines()[-1] == "(200, True)"
    assert not db.exists()


@pytest.mark.e2e
def test_a_feed_export_holds_articles_only_while_errors_still_reach_the_warehouse(tmp_path):
    db, feed = tmp_path / "warehouse.duckdb", tmp_path / "items.jsonl"
    with DemoServer(build_site(articles=40)) as server:
        proc = scrapy("crawl", "belarusinfocus", "-a", f"base_url={server.base_url}", "-s", f"WAREHOUSE_PATH={db}",
                      "-s", "LOG_LEVEL=WARNING", "-O", str(feed))
    assert proc.returncode == 0, proc.stderr[-3000:]
    records = [json.loads(line) for line in feed.read_text(encoding="utf-8").splitlines()]
    with duckdb.connect(str(db), read_only=True) as con:
        stored = {row[0] for row in con.execute("select url from articles").fetchall()}
        errors = con.execute("select count(*) from crawl_errors").fetchone()[0]
    assert errors > 0, "the site's faults gave no crawl_errors rows"
    assert all(record.get("title") and record.get("body") and record.get("content_hash") for record in records)
    assert sorted(record["url"] for record in records) == sorted(stored)
