"""The store pipelines, last in ITEM_PIPELINES: every record (article, error, revisit, the site's
move) is written to a spool on disk (warehouse/spool.py) and each sealed batch handed on:
WarehousePipeline hands it to the loader (crawler/loading.py), StagingPipeline, for a worker of
a shared crawl, publishes it to the staging area. Which one a crawl uses is chosen by the
CrawlStorage add-on (crawler/addons.py). The run itself (its row, outcome and exit code) is the
RunRecord extension's (crawler/extensions.py).

Docs: https://docs.scrapy.org/en/latest/topics/item-pipeline.html
"""

from __future__ import annotations

import logging
import os
from abc import ABC, abstractmethod
from pathlib import Path

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import CloseSpider, DropItem
from scrapy.utils.defer import deferred_from_coro

from crawler import exitcodes
from crawler.exitcodes import fail
from crawler.extensions import RunRecord
from warehouse.clock import new_run_id, utc_now
from crawler.items import ArticleItem, CrawlError, Revisit, SiteMoved
from crawler.loading import BatchLoader
from crawler.pipelines import InvalidItem
from warehouse import Spool, WarehouseError, resolve_db_path, resolve_spool_dir, resolve_staging_dir, staging
from warehouse.archive import resolve_archive_dir
from warehouse.db import WarehouseDiskFull, check_complete
from warehouse.spool_owner import Owner, foreign_line

logger = logging.getLogger(__name__)


class _SpoolingPipeline(ABC):
    """Writes every record to a spool on disk (warehouse/spool.py), sealing a batch every
    `batch_size` records; a subclass says where sealed batches go (`deliver`)."""

    def __init__(self, crawler, spool_dir, batch_size: int):
        self.crawler = crawler
        self.stats = crawler.stats
        self.spool_dir = spool_dir
        self.batch_size = batch_size
        self.spool: Spool | None = None
        self.stopped: WarehouseError | None = None  # why the crawl was stopped (a full disk), once it is
        self.spool_failed: WarehouseError | None = None  # the spool refused a write: no more records
        self.closing = False  # close_spider has begun: the spider needs no closing
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(self.spider_error, signal=signals.spider_error)

    @abstractmethod
    def deliver(self) -> None:
        """Take the spool's sealed batches where they go: the warehouse, or the staging area."""

    def process_item(self, item):
        if self.spool_failed is None and self.spool is not None:
            try:
                return self.spool_item(item)
            except WarehouseError as exc:  # a full disk (or a spool folder gone bad): stop the crawl
                self.spool_refused(exc)
        self.stats.inc_value("warehouse/records_not_spooled")
        # Counted, and the reason is the crawl's one error line: each item is logged at DEBUG only.
        raise DropItem(f"not spooled: {self.spool_failed}", log_level="DEBUG")

    def spool_refused(self, exc: WarehouseError) -> None:
        """The spool refused a write: nothing more goes to it, and the crawl stops."""
        self.spool_failed = self.spool_failed or exc
        self.stop(exc)

    def stop(self, exc: WarehouseError) -> None:
        """The spool or the warehouse can take no more: fail the crawl with one line and close the
        spider. What is spooled stays (each line went to the OS whole); while the spool still has
        room (only the warehouse's disk is full), the pages already fetched are spooled too."""
        if self.stopped is not None:
            return
        self.stopped = exc
        reason = "disk_full" if isinstance(exc, WarehouseDiskFull) else "spool_failed"
        logger.error("%s: closing the spider, what was spooled is kept", exc)
        fail(self.crawler, exitcodes.FAILED, str(exc))
        if not self.closing:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason))

    def spool_item(self, item):
        if isinstance(item, CrawlError):
            self.add_error(item.url, item.kind, item.message)
        elif isinstance(item, Revisit):
            self.spool.append_revisit(item.url, item.outcome, fetched_at=utc_now())
            self.stats.inc_value(f"recrawl/{item.outcome}")
        elif isinstance(item, SiteMoved):
            self.spool.append_move(item.from_sites, item.to_site, occurred_at=utc_now())
            self.stats.set_value("warehouse/site_moved_to", item.to_site)
        elif isinstance(item, ArticleItem):
            self.spool.append_article(item, fetched_at=utc_now())
            if item.published_at is None and item.period_end is None:
                self.stats.inc_value("warehouse/items_undated")
        if self.spool.pending >= self.batch_size:
            self.spool.seal()
            self.deliver()
        return item

    def add_error(self, url: str, kind: str, message: str):
        if self.spool_failed is not None:
            self.stats.inc_value("warehouse/records_not_spooled")
            return
        try:
            self.spool.append_error(url, kind, message, occurred_at=utc_now())
        except WarehouseError as exc:
            self.stats.inc_value("warehouse/records_not_spooled")
            self.spool_refused(exc)
            return
        self.stats.inc_value("warehouse/errors")
        self.stats.inc_value(f"warehouse/errors/{kind}")

    def item_dropped(self, item, response, exception, spider=None):
        if isinstance(exception, InvalidItem):
            self.stats.inc_value("warehouse/items_invalid")
            self.add_error(ItemAdapter(item).get("url") or response.url, "invalid", str(exception))

    def spider_error(self, failure, response, spider=None):
        if self.spool is not None:
            self.add_error(response.url, "parse", f"{failure.type.__name__}: {failure.getErrorMessage()}")


class WarehousePipeline(_SpoolingPipeline):
    """A single-process crawl: spools every record to disk and hands each sealed batch to the
    loader, which takes it into DuckDB in a thread (crawler/loading.py). The spool comes first: a
    batch sealed on disk survives a crash, and while another process holds the warehouse file the
    crawl goes on, keeping its batches for the next crawl or `warehouse load`.
    """

    def __init__(self, crawler, db_path, spool_dir, batch_size: int, memory_limit: str | None = None,
                 archive_dir=None):
        super().__init__(crawler, spool_dir, batch_size)
        self.db_path = db_path
        self.loader = BatchLoader(db_path, spool_dir, crawler.stats, memory_limit, archive_dir)
        # Connected after RunRecord's (extensions are built before the pipelines): the warehouse
        # is ready when batches an earlier, interrupted run left on disk go in, first.
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        db_path = resolve_db_path(setting=settings.get("WAREHOUSE_PATH"))
        spool_dir = resolve_spool_dir(setting=settings.get("SPOOL_DIR"), db_path=db_path)
        return cls(crawler, db_path, spool_dir, settings.getint("WAREHOUSE_BATCH_SIZE", 500),
                   settings.get("WAREHOUSE_MEMORY_LIMIT"),
                   resolve_archive_dir(setting=settings.get("ARCHIVE_DIR"), db_path=db_path))

    def open_spider(self):
        self.record = self.crawler.get_extension(RunRecord)
        # The batches carry the run's id: the loader files their rows under it.
        try:
            check_complete(self.db_path)  # a file cut short fails here, not deep in the crawl
            self.spool = Spool(self.spool_dir, self.record.run_id if self.record else new_run_id(),
                               owner=Owner(None, str(Path(self.db_path).expanduser().resolve())).header())
        except WarehouseError as exc:  # a damaged warehouse, a file where the spool folder should be
            self.spool_failed = exc  # the spider closes at once; a page it still yields is counted
            fail(self.crawler, exitcodes.FAILED, str(exc))
            raise CloseSpider("spool_failed") from None

    def spider_opened(self, spider):
        if self.spool is None:
            return
        # After RunRecord made or migrated the warehouse: each batch names it by its id (or, while
        # another process holds the file, by its path alone; warehouse/spool_owner.py).
        self.spool.owner = Owner.of(self.db_path).header()
        self.loader.load_now()

    async def close_spider(self):
        if self.spool is None:
            return
        self.closing = True
        try:
            self.spool.seal()
        except WarehouseError as exc:
            self.spool_refused(exc)
        await self.loader.finish()
        try:
            self.spool.close()
        except WarehouseError as exc:
            self.spool_refused(exc)
        self.report_spool()
        if self.record is not None:
            self.record.batches_waiting(self.loader.busy, self.loader.batches_left(), self.spool_dir)

    def report_spool(self) -> None:
        """What the loads found that a person must act on: a full disk, batches the loader
        refused (a damaged line), other warehouses' batches."""
        if self.loader.disk_full is not None:
            self.stop(self.loader.disk_full)
        for name, reason in sorted(self.loader.refused.items()):
            fail(self.crawler, exitcodes.FAILED,
                 f"the spool batch {name} in {self.spool_dir} cannot be loaded and waits there ({reason}); "
                 "see `warehouse status`")
        if self.loader.foreign:
            logger.warning(foreign_line(self.spool_dir, sorted(self.loader.foreign.items())))

    def deliver(self):
        if self.loader.disk_full is not None:  # an earlier load found the disk full
            self.stop(self.loader.disk_full)
            return
        self.loader.load_in_background()


class StagingPipeline(_SpoolingPipeline):
    """A worker of a shared crawl (crawler/frontier.py): never opens the warehouse. Each sealed
    spool batch is published to the staging area as a Parquet file (atomically), for
    `warehouse load --staging` to bring in exactly once; when the worker stops it writes its
    manifest there (warehouse/staging.py).

    The spool stays on this machine (SPOOL_DIR, default STAGING_DIR/spool/<host>): what a killed
    worker had fetched is published by the next worker started there.
    """

    def __init__(self, crawler, staging_dir, spool_dir, batch_size: int):
        super().__init__(crawler, spool_dir, batch_size)
        self.staging_dir = staging_dir
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        staging_dir = resolve_staging_dir(setting=settings.get("STAGING_DIR"))
        explicit = settings.get("SPOOL_DIR") or os.environ.get("SPOOL_DIR")
        spool_dir = Path(explicit).expanduser() if explicit else staging.default_spool_dir(staging_dir)
        return cls(crawler, staging_dir, spool_dir, settings.getint("WAREHOUSE_BATCH_SIZE", 500))

    def open_spider(self):
        self.started_at = utc_now()
        self.stats.set_value("staging/path", str(self.staging_dir))
        # The shared run this worker joined, from the add-on's scheduler (crawler/frontier.py).
        self.frontier = self.crawler.engine.scheduler
        run = getattr(self.frontier, "run", None)
        run_id, worker = (run.run_id, run.worker) if run is not None else (None, None)
        self.manifest = {"run_id": run_id, "worker": worker, "spider": self.crawler.spider.name}
        try:
            published = staging.publish_spool(self.spool_dir, self.staging_dir)  # killed workers' leftovers
            if published:
                logger.info("Published %d batch(es) left in %s by earlier workers", published, self.spool_dir)
            self.spool = Spool(self.spool_dir, staging.spool_stem(run_id, worker))
        except (OSError, WarehouseError) as exc:
            fail(self.crawler, exitcodes.FAILED, f"cannot write to the staging area {self.staging_dir}: {exc}")
            raise CloseSpider("staging_failed") from None

    def close_spider(self):
        if self.spool is None:
            return
        self.closing = True
        try:
            self.spool.seal()
            self.deliver()
            self.spool.close()  # only now: once it is closed, a worker starting here may publish its batches
        except WarehouseError as exc:
            self.stop(exc)

    def deliver(self):
        """Publish this worker's sealed batches; each spool file goes once its Parquet file is in place."""
        for batch in sorted(Path(self.spool_dir).glob(f"{self.spool.run_id}-*.jsonl")):
            staging.publish(batch, self.staging_dir)
            batch.unlink()
            self.stats.inc_value("staging/batches")

    def spider_closed(self, spider, reason):
        if self.spool is None:
            return
        get = lambda key: self.stats.get_value(key, 0)  # noqa: E731
        staging.write_manifest(self.staging_dir, {
            **self.manifest,
            "started_at": self.started_at,
            "finished_at": utc_now(),
            "reason": reason,
            "run_outcome": getattr(self.frontier, "outcome", None),
            "pages_fetched": get("response_received_count"),
            "items_invalid": get("warehouse/items_invalid"),
            "items_undated": get("warehouse/items_undated"),
            "batches": get("staging/batches"),
        })

