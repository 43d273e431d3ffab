"""The extensions and add-ons alone, built as Scrapy builds them (get_crawler applies the settings,
add-ons included, and builds the extensions), on real DuckDB files: the run record (start,
counts, verdict, exit code, coverage), the recrawl policy (what it learns, from where), and the
add-ons that choose the crawl's storage and keep feeds to articles."""

from __future__ import annotations

from datetime import datetime, timezone

import duckdb
import pytest
from scrapy.exceptions import CloseSpider
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler import exitcodes
from crawler.extensions import RunRecord
from crawler.items import ArticleItem
from crawler.pipelines import InvalidItem
from crawler.recrawl import RecrawlPolicy
from crawler.spiders.belarusinfocus import BelarusInFocusSpider
from warehouse import Warehouse, WarehouseLocked
from warehouse.coverage import recorded_fields

from .conftest import article

SITE = "https://belarusinfocus.info"
STORE = {"ADDONS": {"crawler.addons.CrawlStorage": 0}, "EXTENSIONS": {"crawler.recrawl.RecrawlPolicy": 100}}


def crawler_for(db_path, **settings):
    crawler = get_crawler(BelarusInFocusSpider, {**STORE, "WAREHOUSE_PATH": str(db_path), **settings})
    crawler.spider = crawler._create_spider(base_url=SITE)
    return crawler


def runs(db_path) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute("select run_id, finish_reason, pages_fetched, items_invalid, items_undated "
                           "from crawl_runs order by started_at").fetchall()


def page():
    return HtmlResponse(SITE + "/", body=b"<html></html>")


# -- the run record ----------------------------------------------------------------------------------

def test_the_run_record_closes_dead_runs_and_starts_its_own(db_path):
    Warehouse(db_path).start_run("dead", "belarusinfocus", datetime(2024, 1, 1, tzinfo=timezone.utc))
    crawler = crawler_for(db_path)
    record = crawler.get_extension(RunRecord)
    record.spider_opened(crawler.spider)
    assert runs(db_path) == [("dead", "interrupted", None, None, None), (record.run_id, None, None, None, None)]


def test_a_run_that_received_no_answer_is_recorded_failed_with_exit_code_1(db_path):
    crawler = crawler_for(db_path)
    record = crawler.get_extension(RunRecord)
    record.spider_opened(crawler.spider)
    record.spider_closed(crawler.spider, "finished")
    assert exitcodes.code(crawler) == exitcodes.FAILED
    assert exitcodes.reasons(crawler) == [
        f"the site at {SITE} answered no request: check the address and the network"]
    assert runs(db_path) == [(record.run_id, "failed", 0, 0, 0)]


def test_a_good_run_is_finished_with_its_counts_and_its_coverage(db_path):
    crawler = crawler_for(db_path)
    record = crawler.get_extension(RunRecord)
    record.spider_opened(crawler.spider)
    for _ in range(3):
        record.response_received(page(), page().request)
    fields = {k: v for k, v in article().items() if k in ArticleItem.__dataclass_fields__}
    record.item_scraped(ArticleItem(**{**fields, "published_at": None}))
    record.item_scraped(ArticleItem(**fields))
    record.item_dropped(ArticleItem(**fields), page(), InvalidItem("no title found"))
    record.spider_closed(crawler.spider, "finished")
    assert exitcodes.code(crawler) == exitcodes.OK
    assert runs(db_path) == [(record.run_id, "finished", 3, 1, 1)]
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("select count(*), min(items) from internal.crawl_coverage where run_id = ?",
                           [record.run_id]).fetchall() == [(len(recorded_fields()), 2)]
    assert crawler.stats.get_value("coverage/title") == 1.0


def test_a_run_ended_otherwise_keeps_scrapys_reason(db_path):
    crawler = crawler_for(db_path)
    record = crawler.get_extension(RunRecord)
    record.spider_opened(crawler.spider)
    record.response_received(page(), page().request)
    record.spider_closed(crawler.spider, "shutdown")
    assert runs(db_path)[0][1] == "shutdown"


def test_batches_left_for_a_busy_warehouse_fail_the_crawl_with_code_3(db_path):
    crawler = crawler_for(db_path)
    record = crawler.get_extension(RunRecord)
    record.spider_opened(crawler.spider)
    record.response_received(page(), page().request)
    record.batches_waiting(WarehouseLocked("the warehouse is held by PID 42"), 2, "/srv/spool")
    record.spider_closed(crawler.spider, "finished")
    assert exitcodes.code(crawler) == exitcodes.WAREHOUSE_BUSY
    assert exitcodes.reasons(crawler) == [
        "the warehouse is held by PID 42; 2 batch(es) wait in /srv/spool for the next crawl or `warehouse load`"]
    assert runs(db_path)[0][1] == "failed"


def test_a_file_that_is_no_warehouse_stops_the_crawl_with_one_reason(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    db.write_text("not a database")
    crawler = crawler_for(db)
    with pytest.raises(CloseSpider):
        crawler.get_extension(RunRecord).spider_opened(crawler.spider)
    assert exitcodes.code(crawler) == exitcodes.FAILED
    [reason] = exitcodes.reasons(crawler)
    assert reason.startswith(f"cannot use the warehouse {db}: ")
    assert db.read_text() == "not a database"


# -- the recrawl policy -----------------------------------------------------------------------------

def test_the_policy_learns_the_stored_articles_when_the_engine_starts_and_the_spider_finds_it(
        db_path, spool_batch):
    Warehouse(db_path).load_spool(spool_batch([article(SITE + "/society/a")]).parent)
    crawler = crawler_for(db_path)
    policy = crawler.get_extension(RecrawlPolicy)
    assert crawler.spider.policy is policy
    assert not policy.is_known(SITE + "/society/a")
    policy.engine_started()
    assert policy.is_known(SITE + "/society/a") and not policy.should_fetch(SITE + "/society/a")
    assert policy.walk_all_listings, "no finished run before: every listing is walked"


def test_a_full_crawl_fetches_stored_articles_again(db_path, spool_batch):
    Warehouse(db_path).load_spool(spool_batch([article(SITE + "/society/a")]).parent)
    crawler = get_crawler(BelarusInFocusSpider, {**STORE, "WAREHOUSE_PATH": str(db_path)})
    crawler.spider = crawler._create_spider(base_url=SITE, full="1")
    policy = crawler.get_extension(RecrawlPolicy)
    policy.engine_started()
    assert policy.is_known(SITE + "/society/a") and policy.should_fetch(SITE + "/society/a")


def test_storing_nothing_the_policy_knows_nothing_and_opens_no_warehouse(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    crawler = crawler_for(db, CRAWL_STORAGE_ENABLED=False)
    assert crawler.get_extension(RunRecord) is None
    policy = crawler.get_extension(RecrawlPolicy)
    policy.engine_started()
    assert policy.known == {} and not db.exists()


def test_a_worker_learns_from_the_staging_snapshot_not_the_warehouse(tmp_path, monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    db = tmp_path / "warehouse.duckdb"
    crawler = crawler_for(db, STAGING_DIR=str(tmp_path / "staging"))
    policy = crawler.get_extension(RecrawlPolicy)
    policy.engine_started()
    assert policy.known == {} and policy.walk_all_listings and not db.exists()


# -- the add-ons ----------------------------------------------------------------------------------------

def test_the_storage_add_on_chooses_the_components_from_the_settings(tmp_path, monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    single = get_crawler(settings_dict={**STORE, "WAREHOUSE_PATH": str(tmp_path / "w.duckdb")})
    assert single.settings.getdict("ITEM_PIPELINES") == {"crawler.storage.WarehousePipeline": 900}
    assert single.get_extension(RunRecord) is not None
    assert single.settings.get("SCHEDULER") != "crawler.frontier.SharedScheduler"

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6390/0")
    worker = get_crawler(settings_dict=STORE)
    assert worker.settings.getdict("ITEM_PIPELINES") == {"crawler.storage.StagingPipeline": 900}
    assert worker.get_extension(RunRecord) is None
    assert (worker.settings.get("SCHEDULER"), worker.settings.get("REDIS_URL")) == (
        "crawler.frontier.SharedScheduler", "redis://127.0.0.1:6390/0")

    nothing = get_crawler(settings_dict={**STORE, "CRAWL_STORAGE_ENABLED": False, "ARCHIVE_ENABLED": True})
    assert nothing.settings.getdict("ITEM_PIPELINES") == {} and nothing.get_extension(RunRecord) is None
    assert not nothing.settings.getbool("ARCHIVE_ENABLED"), "nothing archived beside a warehouse either"


def test_the_feeds_add_on_keeps_feeds_to_articles_unless_a_feed_chooses(tmp_path):
    crawler = get_crawler(settings_dict={"ADDONS": {"crawler.addons.ArticleFeeds": 0}, "FEEDS": {
        "items.jsonl": {"format": "jsonlines"},
        "errors.jsonl": {"format": "jsonlines", "item_classes": ["crawler.items.CrawlError"]}}})
    feeds = crawler.settings.getdict("FEEDS")
    assert feeds["items.jsonl"]["item_classes"] == ["crawler.items.ArticleItem"]
    assert feeds["errors.jsonl"]["item_classes"] == ["crawler.items.CrawlError"]
