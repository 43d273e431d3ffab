"""Each item pipeline alone, built the way Scrapy builds it (get_crawler, from_crawler), on real
spool files and a real DuckDB warehouse: validate, deduplicate, enrich, and the store pipeline
spooling records and handing sealed batches to the loader."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import duckdb
import pytest
from scrapy.utils.test import get_crawler

from crawler.items import ArticleItem, CrawlError, Revisit, SimilarLink
from crawler.pipelines import DedupPipeline, DuplicateItem, EnrichPipeline, InvalidItem, ValidatePipeline
from crawler.storage import WarehousePipeline

SITE = "https://belarusinfocus.pro"
MINSK = timezone(timedelta(hours=3))


def item(url: str = SITE + "/economy/a", **fields) -> ArticleItem:
    base = dict(url=url, site=SITE, language="en", category="economy", title="  A title ", body="One two three.",
                published_at=datetime(2024, 3, 1, 10, 0, tzinfo=MINSK), category_status=" Negative ",
                similar_links=[SimilarLink(url=SITE + "/economy/b/", title="B", position=1)])
    return ArticleItem(**{**base, **fields})


def test_validate_tidies_an_article_and_canonicalises_its_links():
    kept = ValidatePipeline().process_item(item(SITE + "/economy/a/?utm_source=x"))
    assert (kept.title, kept.category_status, kept.url) == ("A title", "negative", SITE + "/economy/a")
    assert kept.similar_links[0].url == SITE + "/economy/b"


@pytest.mark.parametrize("fields, reason", [
    ({"title": "   "}, "no title found"),
    ({"body": None}, "no body found"),
    ({"language": "de"}, "unknown language 'de'"),
    ({"published_at": datetime(2024, 3, 1, 10, 0)}, "published_at has no time zone"),
])
def test_validate_drops_a_page_that_is_no_article_saying_why(fields, reason):
    with pytest.raises(InvalidItem, match=reason):
        ValidatePipeline().process_item(item(**fields))


def test_records_that_are_not_articles_pass_the_first_three_untouched():
    error = CrawlError(url=SITE + "/x", kind="http", message="HTTP 404")
    for pipeline in (ValidatePipeline(), DedupPipeline(), EnrichPipeline()):
        assert pipeline.process_item(error) is error


def test_dedup_drops_the_second_article_with_one_url():
    dedup = DedupPipeline()
    dedup.process_item(item())
    dedup.process_item(item(SITE + "/economy/other"))
    with pytest.raises(DuplicateItem):
        dedup.process_item(item())


def test_enrich_counts_words_and_hashes_the_content_only():
    first = EnrichPipeline().process_item(item())
    again = EnrichPipeline().process_item(item(etag='"new"'))
    changed = EnrichPipeline().process_item(item(body="One two three four."))
    assert first.word_count == 3
    assert first.content_hash == again.content_hash != changed.content_hash


# -- the store pipeline ------------------------------------------------------------------------------

def store(db_path, tmp_path, batch_size: int = 2) -> WarehousePipeline:
    crawler = get_crawler(settings_dict={"WAREHOUSE_PATH": str(db_path), "SPOOL_DIR": str(tmp_path / "spool"),
                                         "WAREHOUSE_BATCH_SIZE": batch_size})
    return WarehousePipeline.from_crawler(crawler)


def stored(db_path, sql: str):
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def through_all(record):
    for pipeline in (ValidatePipeline(), DedupPipeline(), EnrichPipeline()):
        record = pipeline.process_item(record)
    return record


def test_the_store_spools_every_record_and_the_loader_takes_sealed_batches_into_the_warehouse(db_path, tmp_path):
    pipeline = store(db_path, tmp_path, batch_size=3)
    pipeline.open_spider()  # no run record here: the spool takes a run id of its own
    pipeline.process_item(through_all(item(SITE + "/economy/a")))
    pipeline.process_item(CrawlError(url=SITE + "/economy/missing", kind="http", message="HTTP 404"))
    assert list((tmp_path / "spool").glob("*.jsonl")) == [], "sealed before batch_size records"
    pipeline.loader.load_in_background = pipeline.loader.load_now  # the reactor's thread: here, in line
    pipeline.process_item(through_all(item(SITE + "/economy/b")))
    assert sorted(stored(db_path, "select url from articles")) == [(SITE + "/economy/a",), (SITE + "/economy/b",)]
    assert stored(db_path, "select url, kind from crawl_errors") == [(SITE + "/economy/missing", "http")]
    pipeline.process_item(Revisit(url=SITE + "/economy/a", outcome="gone"))
    asyncio.run(pipeline.close_spider())
    assert stored(db_path, "select gone_at is not null from articles where url = '%s'" % (SITE + "/economy/a")) == [(True,)]
    assert list((tmp_path / "spool").glob("*.jsonl*")) == [], "batches left in the spool"
    stats = pipeline.crawler.stats
    assert (stats.get_value("warehouse/items_new"), stats.get_value("warehouse/errors/http")) == (2, 1)


def test_an_invalid_page_dropped_by_validation_becomes_an_error_row(db_path, tmp_path):
    pipeline = store(db_path, tmp_path)
    pipeline.open_spider()
    bad = item(title=None)
    with pytest.raises(InvalidItem) as dropped:
        ValidatePipeline().process_item(bad)
    pipeline.item_dropped(bad, response=None, exception=dropped.value)
    asyncio.run(pipeline.close_spider())
    assert stored(db_path, "select url, kind, message from crawl_errors") == [
        (SITE + "/economy/a", "invalid", str(dropped.value))]
