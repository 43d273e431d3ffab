"""Run bookkeeping, signal-driven like corestats.

CrawlRunRecorder writes each run's outcome and counts to crawl_runs; CoverageGuard writes each
run's field coverage to crawl_coverage and fails the crawl when a field's coverage collapsed.

Docs: https://docs.scrapy.org/en/latest/topics/extensions.html
The run row is opened by WarehousePipeline.open_spider; both act when the spider closes, after
the pipelines have flushed, so the counts are final.
"""

from __future__ import annotations

import logging
from collections import Counter

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import UsageError

from crawler import exitcodes
from crawler.exitcodes import fail
from crawler.items import ArticleItem
from crawler.pipelines import utc_now
from warehouse import Warehouse, WarehouseLocked, coverage
from warehouse.db import WarehouseError

logger = logging.getLogger(__name__)


class CrawlRunRecorder:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_closed(self, spider, reason):
        run_id = self.stats.get_value("warehouse/run_id")
        if run_id is None:  # the warehouse never opened: nothing to close
            return
        get = lambda key: self.stats.get_value(key, 0)  # noqa: E731
        if get("response_received_count") == 0:
            fail(self.crawler, exitcodes.FAILED,
                 f"the site at {spider.base_url} answered no request: check the address and the network")
        warehouse = Warehouse(self.stats.get_value("warehouse/path"))
        try:
            if not self.stats.get_value("warehouse/run_started"):  # the warehouse was busy at the start
                warehouse.start_run(run_id, spider.name, self.stats.get_value("start_time"))
            warehouse.finish_run(
                run_id,
                finished_at=utc_now(),
                finish_reason=reason,
                pages_fetched=get("response_received_count"),
                # new/updated/unchanged and errors: counted by the warehouse from what it loaded.
                items_invalid=get("warehouse/items_invalid"),
                items_undated=get("warehouse/items_undated"),
            )
        except WarehouseLocked as exc:
            # The next crawl closes the run (close_stale_runs). When the pipeline already said the
            # warehouse is busy, that one line is the message.
            if self.stats.get_value(exitcodes.STAT_CODE) != exitcodes.WAREHOUSE_BUSY:
                fail(self.crawler, exitcodes.WAREHOUSE_BUSY, f"{exc}; the run {run_id} could not be recorded")


class CoverageGuard:
    """Layout drift: counts, per field (warehouse/coverage.py: the item's extracted fields and the
    date as one field, published_on), the articles that have it and the rule that found it;
    at the end stores that as crawl_coverage rows and fails the crawl (exit 1, one line) when a
    field's share collapsed against the recent runs (Warehouse.record_coverage decides, with the
    COVERAGE_* settings; their reasons are in settings.py).

    Must close before CrawlRunRecorder (a lower EXTENSIONS number: Scrapy calls spider_closed
    handlers in the order it built the extensions), so that the run's `errors` count includes
    its coverage errors.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        settings = crawler.settings
        self.thresholds = {
            "min_items": settings.getint("COVERAGE_MIN_ITEMS", 20),
            "baseline_runs": settings.getint("COVERAGE_BASELINE_RUNS", 5),
            "drop_ratio": settings.getfloat("COVERAGE_DROP_RATIO", 0.5),
            "drop_absolute": settings.getfloat("COVERAGE_DROP_ABSOLUTE", 0.25),
        }
        self.fields = coverage.recorded_fields()
        self.checked = settings.getlist("COVERAGE_FIELDS") or list(coverage.judged_fields())
        unknown = sorted(set(self.checked) - set(self.fields))
        if unknown:
            raise UsageError(f"COVERAGE_FIELDS names unknown field(s) {unknown}; choose from {', '.join(self.fields)}")
        self.items = 0
        self.present: Counter[str] = Counter()
        self.rules: dict[str, Counter[str]] = {name: Counter() for name in self.fields}
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def item_scraped(self, item, response=None, spider=None):
        # item_scraped fires after every pipeline passed the item: invalid pages and repeats
        # (dropped) are not counted, so the shares are over the articles actually stored.
        if not isinstance(item, ArticleItem):
            return
        self.items += 1
        adapter = ItemAdapter(item)
        for name in self.fields:
            if coverage.has(adapter, name):
                self.present[name] += 1
            self.rules[name][coverage.rule(adapter, item.rules, name)] += 1

    def rows(self) -> list[dict]:
        return [{"field": name, "items": self.items, "present": self.present[name], "rules": dict(self.rules[name])}
                for name in self.fields]

    def spider_closed(self, spider, reason):
        run_id = self.stats.get_value("warehouse/run_id")
        if run_id is None:  # the warehouse never opened: no run to record coverage for
            return
        if self.items:
            for name in self.fields:
                self.stats.set_value(f"coverage/{name}", round(self.present[name] / self.items, 3))
        try:
            drops = Warehouse(self.stats.get_value("warehouse/path")).record_coverage(
                run_id, self.rows(), site_url=getattr(spider, "base_url", "") or "", checked=self.checked,
                **self.thresholds)
        except WarehouseError as exc:
            # A busy warehouse is reported by CrawlRunRecorder; the coverage of this run is lost.
            logger.warning("field coverage of run %s not recorded: %s", run_id, exc)
            return
        for drop in drops:
            logger.error("layout drift: %s", drop.message)
        if drops:
            collapsed = "; ".join(
                f"{d.field} on {d.share:.0%} of {d.items} articles, recent runs {d.baseline:.0%}" for d in drops)
            fail(self.crawler, exitcodes.FAILED,
                 f"field coverage collapsed ({collapsed}): the site's layout may have changed; see `warehouse status`")
