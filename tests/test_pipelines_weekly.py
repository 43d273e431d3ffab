"""The item pipelines with the weekly rendering's fields and the site's move: what validation
keeps, and a SiteMoved item spooled in its place among the articles for the loader to apply."""

from __future__ import annotations

from datetime import date

import duckdb
from scrapy.utils.test import get_crawler

from crawler.items import ArticleItem, SiteMoved
from crawler.pipelines import DedupPipeline, EnrichPipeline, ValidatePipeline
from crawler.storage import WarehousePipeline
from warehouse.spool import Spool

OLD, NEW = "https://belarusinfocus.info", "https://belarusinfocus.pro"


def weekly_item(url: str = NEW + "/politics/a", **fields) -> ArticleItem:
    base = dict(url=url, site=NEW, language="be", category="politics", title=" Title ", body="Body.",
                period_start=date(2020, 12, 28), period_end=date(2021, 1, 3), authors=[" Anna Maria ", "", "  "],
                category_status=None, category_status_text="  Сітуацыя незразумелая  ")
    return ArticleItem(**{**base, **fields})


def test_validation_keeps_a_belarusian_weekly_page_and_tidies_its_new_fields():
    item = ValidatePipeline().process_item(weekly_item())
    assert (item.language, item.title, item.authors, item.category_status_text) == (
        "be", "Title", ["Anna Maria"], "Сітуацыя незразумелая")
    assert (item.period_start, item.period_end, item.published_at) == (date(2020, 12, 28), date(2021, 1, 3), None)


def test_a_site_moved_item_passes_every_pipeline_and_is_applied_before_what_follows(warehouse, tmp_path):
    # stored under the old host by an earlier crawl
    spool_dir = tmp_path / "spool"
    pipes = [ValidatePipeline(), DedupPipeline(), EnrichPipeline()]

    def through(item):
        for pipe in pipes:
            item = pipe.process_item(item)
        return item

    with Spool(spool_dir, "r1") as spool:
        spool.append_article(through(weekly_item(OLD + "/politics/a", site=OLD)).__dict__, fetched_at=warehouse.clock())
    warehouse.load_spool(spool_dir)

    pipeline = WarehousePipeline(get_crawler(), warehouse.path, spool_dir, batch_size=500)
    pipeline.spool = Spool(spool_dir, "r2")
    move = SiteMoved(from_sites=[OLD], to_site=NEW)
    pipes = [ValidatePipeline(), DedupPipeline(), EnrichPipeline()]
    assert through(move) is move
    pipeline.process_item(move)
    pipeline.process_item(through(weekly_item()))
    pipeline.spool.close()

    result = warehouse.load_spool(spool_dir)
    assert (result.moved, result.new, result.unchanged) == (1, 0, 1)
    with duckdb.connect(str(warehouse.path), read_only=True) as con:
        assert con.execute("select url, site, version, authors from articles").fetchall() == [
            (NEW + "/politics/a", NEW, 1, ["Anna Maria"])]
