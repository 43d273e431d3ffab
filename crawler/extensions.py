"""RunRecord: the run's record in the warehouse, and the crawl's verdict, in one extension.

It owns the run from start to end: it readies the warehouse when the spider opens (migrations,
runs left open by dead crawls closed as 'interrupted', this run's row started), counts what the
run did (responses, stored articles and their field coverage, invalid and undated pages), and
when the spider closes decides the verdict: the exit code with its one-line reasons
(crawler/exitcodes.py), the coverage check (crawler/fieldcoverage.py, decided by
Warehouse.record_coverage), and the run's row, whose finish_reason is 'failed' whenever the crawl
failed, whatever failed (a cron check reading crawl_runs sees it).

A single-process crawl only (the CrawlStorage add-on adds it, crawler/addons.py): a worker of a
shared crawl never opens the warehouse; its part of the run comes from its staging manifest.
Docs: https://docs.scrapy.org/en/latest/topics/extensions.html
"""

from __future__ import annotations

import logging
import os
from datetime import datetime, timezone

from scrapy import signals
from scrapy.exceptions import CloseSpider

from crawler import exitcodes
from crawler.exitcodes import fail
from crawler.fieldcoverage import FieldCoverage
from crawler.items import ArticleItem
from crawler.pipelines import InvalidItem
from warehouse import Warehouse, WarehouseError, WarehouseLocked, resolve_db_path

logger = logging.getLogger(__name__)


class RunRecord:
    def __init__(self, crawler, db_path, coverage: FieldCoverage):
        self.crawler = crawler
        self.stats = crawler.stats
        self.db_path = db_path
        self.coverage = coverage
        self.run_id = new_run_id()  # known before the pipelines open: the spool's batches carry it
        self.started_at: datetime | None = None
        self.started = False  # the run's row is in crawl_runs
        self.pages = self.invalid = self.undated = 0
        self.waiting: tuple[WarehouseLocked, int, str] | None = None  # the store's batches left in the spool
        for handler, signal in ((self.spider_opened, signals.spider_opened),
                                (self.response_received, signals.response_received),
                                (self.item_scraped, signals.item_scraped),
                                (self.item_dropped, signals.item_dropped),
                                (self.spider_closed, signals.spider_closed)):
            crawler.signals.connect(handler, signal=signal)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(crawler, resolve_db_path(setting=settings.get("WAREHOUSE_PATH")),
                   FieldCoverage.from_settings(settings))

    # -- the run's start -----------------------------------------------------------------------

    def spider_opened(self, spider):
        self.started_at = utc_now()
        self.stats.set_value("warehouse/run_id", self.run_id)
        self.stats.set_value("warehouse/path", str(self.db_path))
        warehouse = Warehouse(self.db_path)
        try:
            warehouse.init(refresh=False)
            # The crawl lock is held (crawler/commands/crawl.py): a run still open is a dead one's.
            warehouse.close_stale_runs(reason="interrupted")
            warehouse.start_run(self.run_id, spider.name, self.started_at)
            self.started = True
        except WarehouseLocked as exc:  # the store spools meanwhile; the row is started at the end
            logger.warning("%s: the run %s is recorded at its end", exc, self.run_id)
        except WarehouseError as exc:
            self.failed(exitcodes.FAILED, f"cannot use the warehouse {self.db_path}: {exc}")
            raise CloseSpider("warehouse_failed") from None

    # -- what the run did ------------------------------------------------------------------------

    def response_received(self, response, request, spider=None):
        self.pages += 1

    def item_scraped(self, item, response=None, spider=None):
        # After every pipeline passed the item: invalid pages and repeats (dropped) are not counted,
        # so the coverage shares are over the articles actually stored.
        if isinstance(item, ArticleItem):
            self.coverage.add(item)
            if item.published_at is None and item.period_end is None:
                self.undated += 1

    def item_dropped(self, item, response, exception, spider=None):
        if isinstance(exception, InvalidItem):
            self.invalid += 1

    def batches_waiting(self, busy: WarehouseLocked | None, count: int, spool_dir) -> None:
        """The store pipeline's last word: batches it could not load because the file was held."""
        self.waiting = (busy, count, str(spool_dir)) if busy is not None and count else None

    # -- the verdict -----------------------------------------------------------------------------

    def spider_closed(self, spider, reason):
        if self.started_at is None:  # never opened (another component stopped the start)
            return
        if self.pages == 0:
            self.failed(exitcodes.FAILED, f"the site at {getattr(spider, 'base_url', '?')} answered no request: "
                                          "check the address and the network")
        if self.waiting:
            busy, count, spool_dir = self.waiting
            self.failed(exitcodes.WAREHOUSE_BUSY,
                        f"{busy}; {count} batch(es) wait in {spool_dir} for the next crawl or `warehouse load`")
        warehouse = Warehouse(self.db_path)
        self.check_coverage(warehouse, spider)
        finish_reason = "failed" if reason == "finished" and exitcodes.code(self.crawler) != exitcodes.OK else reason
        try:
            if not self.started:  # the warehouse was busy at the start
                warehouse.start_run(self.run_id, spider.name, self.started_at)
            warehouse.finish_run(self.run_id, finished_at=utc_now(), finish_reason=finish_reason,
                                 pages_fetched=self.pages, items_invalid=self.invalid, items_undated=self.undated)
            # new/updated/unchanged and errors: counted by the warehouse from what it loaded.
        except WarehouseLocked as exc:
            # The next crawl closes the run (close_stale_runs). When the batches already wait for a
            # busy warehouse, that one line says it.
            if not self.waiting:
                self.failed(exitcodes.WAREHOUSE_BUSY, f"{exc}; the run {self.run_id} could not be recorded")
        except WarehouseError as exc:
            self.failed(exitcodes.FAILED, f"the run {self.run_id} could not be recorded: {exc}")

    def check_coverage(self, warehouse: Warehouse, spider) -> None:
        """Store the run's field coverage; a field whose share collapsed fails the crawl."""
        for name, share in self.coverage.shares().items():
            self.stats.set_value(f"coverage/{name}", share)
        try:
            drops = warehouse.record_coverage(self.run_id, self.coverage.rows(),
                                              site_url=getattr(spider, "base_url", "") or "",
                                              checked=self.coverage.checked, **self.coverage.thresholds)
        except WarehouseError as exc:  # a busy warehouse is its own line; this run's coverage is lost
            logger.warning("field coverage of run %s not recorded: %s", self.run_id, exc)
            return
        for drop in drops:
            logger.error("layout drift: %s", drop.message)
        if drops:
            collapsed = "; ".join(
                f"{d.field} on {d.share:.0%} of {d.items} articles, recent runs {d.baseline:.0%}" for d in drops)
            self.failed(exitcodes.FAILED, f"field coverage collapsed ({collapsed}): the site's layout may have "
                                          "changed; see `warehouse status`")

    def failed(self, code: int, reason: str) -> None:
        fail(self.crawler, code, reason)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def new_run_id() -> str:
    return f"{utc_now():%Y%m%dT%H%M%S%fZ}-{os.getpid()}"
