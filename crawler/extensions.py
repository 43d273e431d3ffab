"""RunRecord: the run's record in the warehouse, and the crawl's verdict, in one extension.

It owns the run from start to end: it readies the warehouse when the spider opens (migrations,
runs left open by dead crawls closed as 'interrupted', this run's row started), counts what the
run did (responses, stored articles and their field coverage, invalid and undated pages), and
when the spider closes decides the verdict: the exit code with its one-line reasons
(crawler/exitcodes.py), the coverage check (crawler/fieldcoverage.py, decided by
Warehouse.record_coverage), and the run's row, whose finish_reason is 'failed' whenever the crawl
failed, whatever failed (a cron check reading crawl_runs sees it).

A crawl stopped by a signal (the crawl command notes them, crawler/commands/crawl.py) exits 130
(SIGINT) or 143 (SIGTERM) with its row ended 'shutdown' and counted, Scrapy's graceful stop; a
second signal makes Scrapy stop at once, without closing the spider: the command then calls
`end_after_forced_stop`, which seals and loads what was spooled and ends the row 'interrupted'.
When the warehouse is held by another process at the end, the row is kept in the spool
(warehouse/spooled_runs.py) and written by the next load, so the run's errors never point at no run.

A single-process crawl only (the CrawlStorage add-on adds it, crawler/addons.py): a worker of a
shared crawl never opens the warehouse; its part of the run comes from its staging manifest.
Docs: https://docs.scrapy.org/en/latest/topics/extensions.html
"""

from __future__ import annotations

import logging
import signal
from datetime import datetime

import duckdb
from scrapy import signals
from scrapy.exceptions import CloseSpider

from crawler import exitcodes
from crawler.exitcodes import fail
from crawler.fieldcoverage import FieldCoverage
from crawler.items import ArticleItem
from crawler.pipelines import InvalidItem
from warehouse.clock import new_run_id, utc_now
from warehouse import Warehouse, WarehouseError, WarehouseLocked, resolve_db_path, resolve_spool_dir
from warehouse.db import translated
from warehouse.spool_owner import Owner
from warehouse.spooled_runs import write_run

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
        self.ended = False  # the verdict is decided and the row written (or kept in the spool)
        self.store = None  # the store pipeline (crawler/storage.py), found when the spider opens
        self.pages = self.invalid = self.undated = 0
        self.waiting: tuple[WarehouseLocked, int, str] | None = None  # the store's batches left in the spool
        for handler, crawl_signal in ((self.spider_opened, signals.spider_opened),
                                      (self.response_received, signals.response_received),
                                      (self.item_scraped, signals.item_scraped),
                                      (self.item_dropped, signals.item_dropped),
                                      (self.spider_closed, signals.spider_closed)):
            crawler.signals.connect(handler, signal=crawl_signal)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(crawler, resolve_db_path(setting=settings.get("WAREHOUSE_PATH")),
                   FieldCoverage.from_settings(settings))

    # -- the run's start -----------------------------------------------------------------------

    def spider_opened(self, spider):
        self.store = self.find_store()
        self.stats.set_value("warehouse/run_id", self.run_id)
        self.stats.set_value("warehouse/path", str(self.db_path))
        if exitcodes.code(self.crawler) != exitcodes.OK:
            # The store already failed the crawl, with its line (a damaged file, an unusable spool
            # folder): the file is not touched, and the run ends without a verdict of its own.
            return
        self.started_at = utc_now()
        warehouse = Warehouse(self.db_path)
        try:
            warehouse.init(refresh=False)
            # The crawl lock is held (crawler/commands/crawl.py): a run still open is a dead one's.
            warehouse.close_stale_runs(reason="interrupted")
            warehouse.start_run(self.run_id, spider.name, self.started_at)
            self.started = True
        except WarehouseLocked as exc:  # the store spools meanwhile; the row is started at the end
            logger.warning("%s: the run %s is recorded at its end", exc, self.run_id)
        except (WarehouseError, duckdb.Error) as exc:
            if isinstance(exc, duckdb.Error):  # a damaged block, a full disk
                exc = translated(self.db_path, exc) or WarehouseError(str(exc).splitlines()[0])
            self.failed(exitcodes.FAILED, f"cannot use the warehouse {self.db_path}: {exc}")
            self.started_at = None  # that one line says it all: no verdict, no row on this file
            raise CloseSpider("warehouse_failed") from None

    def find_store(self):
        """The store pipeline (crawler/storage.py): a forced stop seals and loads its spool."""
        from crawler.storage import WarehousePipeline  # storage imports this module

        try:
            return self.crawler.get_item_pipeline(WarehousePipeline)
        except RuntimeError:  # no engine: a run record driven by hand, without a crawl
            return None

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
        if self.started_at is None or self.ended:  # never opened (another component stopped the start)
            return
        self.end(spider, reason)

    def end_after_forced_stop(self) -> None:
        """After a second stop signal Scrapy stops without closing the spider: seal and load what
        the store spooled (a batch left unsealed would wait for the next load; its run would be
        counted short), leave the similarity refresh to the next load, and end the run
        'interrupted'. Called by the crawl command once the reactor has stopped, so no load runs
        in a thread any more."""
        if self.started_at is None or self.ended:
            return
        store = self.store
        if store is not None and store.spool is not None:
            try:
                store.spool.close()  # seals the batch being written, drops the run's spool lock
            except (OSError, WarehouseError) as exc:
                logger.error("The spool's last batch was not sealed (%s): the next load salvages it", exc)
            store.loader.load_now()
            store.loader.refresh(now=False)
            self.batches_waiting(store.loader.busy, store.loader.batches_left(), store.spool_dir)
        self.end(self.crawler.spider, "interrupted")

    def end(self, spider, reason: str) -> None:
        """The verdict (exit code and reasons) and the run's row, once."""
        self.ended = True
        signals_received = exitcodes.stop_signals(self.crawler)
        if signals_received:
            first = signals_received[0]
            names = [signal.Signals(signum).name for signum in signals_received[:2]]
            how = names[0] if len(names) == 1 else f"{names[0]} twice" if names[0] == names[1] else " then ".join(names)
            self.failed(exitcodes.signal_code(first),
                        f"stopped by {how} after {self.pages} pages: what they gave is kept, the run "
                        f"{self.run_id} ends '{reason}'; the next crawl goes on from there")
        elif reason in ("shutdown", "interrupted"):  # stopped from outside, by no signal the command saw
            self.failed(exitcodes.FAILED, f"stopped before the end ({reason}) after {self.pages} pages: what they "
                                          f"gave is kept, the run {self.run_id} ends '{reason}'")
        elif self.pages == 0 and exitcodes.code(self.crawler) == exitcodes.OK:  # else the failure explains it
            self.failed(exitcodes.FAILED, f"the site at {getattr(spider, 'base_url', '?')} answered no request: "
                                          "check the address and the network")
        if self.waiting:
            busy, count, spool_dir = self.waiting
            self.failed(exitcodes.WAREHOUSE_BUSY,
                        f"{busy}; {count} batch(es) wait in {spool_dir} for the next crawl or `warehouse load`")
        warehouse = Warehouse(self.db_path)
        self.check_coverage(warehouse, spider)
        finish_reason = "failed" if reason == "finished" and exitcodes.code(self.crawler) != exitcodes.OK else reason
        run = {"run_id": self.run_id, "spider": spider.name, "started_at": self.started_at,
               "finished_at": utc_now(), "finish_reason": finish_reason, "pages_fetched": self.pages,
               "items_invalid": self.invalid, "items_undated": self.undated}
        self.stats.set_value("warehouse/finish_reason", finish_reason)
        try:
            if not self.started:  # the warehouse was busy at the start
                warehouse.start_run(self.run_id, spider.name, self.started_at)
            warehouse.finish_run(self.run_id, finished_at=run["finished_at"], finish_reason=finish_reason,
                                 pages_fetched=self.pages, items_invalid=self.invalid, items_undated=self.undated)
            # new/updated/unchanged and errors: counted by the warehouse from what it loaded.
        except WarehouseLocked as exc:
            if finish_reason == "finished":  # exit code 3 now: a failed crawl's row says 'failed'
                run["finish_reason"] = "failed"
            self.keep_in_spool(run, exc)
        except WarehouseError as exc:
            self.failed(exitcodes.FAILED, f"the run {self.run_id} could not be recorded: {exc}")

    def keep_in_spool(self, run: dict, busy: WarehouseLocked) -> None:
        """The warehouse is held by another process: the row waits in the spool for the next load."""
        spool_dir = self.store.spool_dir if self.store is not None else resolve_spool_dir(
            setting=self.crawler.settings.get("SPOOL_DIR"), db_path=self.db_path)
        # Named like the run's batches name it (warehouse/spool_owner.py): its id when it was read.
        spool = self.store.spool if self.store is not None else None
        owner = spool.owner if spool is not None and spool.owner else Owner(None, str(self.db_path)).header()
        try:
            write_run(spool_dir, owner, run)
        except (OSError, WarehouseError) as exc:
            self.failed(exitcodes.WAREHOUSE_BUSY, f"{busy}; the run {self.run_id} could not be recorded, "
                                                  f"nor kept in {spool_dir}: {exc}")
            return
        self.stats.set_value("warehouse/run_kept_in_spool", 1)
        # When the batches already wait for a busy warehouse, that one line says it.
        if not self.waiting:
            self.failed(exitcodes.WAREHOUSE_BUSY, f"{busy}; the run {self.run_id} is kept in {spool_dir} and "
                                                  "recorded by the next crawl or `warehouse load`")

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

