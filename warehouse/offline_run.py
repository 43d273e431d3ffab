"""A run that loads archived pages instead of fetching them (`warehouse reparse`, `warehouse
import-warc`): recorded in crawl_runs like a crawl, holding the crawl lock (one writer of the
warehouse's articles at a time), its records written to the spool and loaded through the same
merge as a crawl's (warehouse/loader.py), so a killed run loses nothing: its sealed batches, and
the complete lines of its last one, are loaded by the next run, crawl or `warehouse load`.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from warehouse.clock import new_run_id
from crawler.lock import AlreadyRunning, CrawlLock
from warehouse import migrate
from warehouse.config import resolve_db_path, resolve_spool_dir
from warehouse.db import WarehouseError, require_existing
from warehouse.extract import Outcome
from warehouse.loader import LoadResult, Warehouse, utc_now
from warehouse.spool import Spool
from warehouse.spooled_runs import clear_refresh_pending, mark_refresh_pending, refresh_pending
from warehouse.stop_signals import Stopped

logger = logging.getLogger(__name__)
BATCH_RECORDS = 500  # as WAREHOUSE_BATCH_SIZE's default: a crawl's batch



class OfflineRun:
    """Open with `with OfflineRun(db, "reparse") as run:`; `run.add(outcome)`, `run.load()`."""

    def __init__(self, db_path: str | Path | None, spider: str, archive_dir: str | Path | None = None):
        self.db_path = require_existing(resolve_db_path(db_path))
        self.spider = spider
        self.warehouse = Warehouse(self.db_path, archive_dir=archive_dir)
        self.spool_dir = resolve_spool_dir(db_path=self.db_path)
        self.run_id = new_run_id()
        self.lock = CrawlLock(self.db_path)
        self.spool: Spool | None = None
        self.total = LoadResult()
        self.invalid = self.errors = 0
        self.unreadable = 0  # of the errors: archived records that could not be read (they fail the run)
        self.finish_reason = "failed"
        self.failed = False  # set by a run that ended but did not do all it should (a damaged file)
        # Whether the similarity tables need refreshing at the end; None: when articles were added,
        # changed or moved. A run that knows better (reparse: no body changed) sets it.
        self.refresh_needed: bool | None = None

    def __enter__(self) -> OfflineRun:
        try:
            self.lock.acquire()
        except AlreadyRunning as exc:
            raise WarehouseError(f"{exc}; run `warehouse {self.spider}` again once it has finished") from None
        try:
            migrate.init(self.db_path)  # captures and its index on an older warehouse
            # What earlier runs left in the spool (a killed reparse's batches) goes in first.
            self.total += self.warehouse.load_spool(self.spool_dir)
            self.warehouse.close_stale_runs(reason="interrupted")  # the lock is held: open runs are dead
            self.warehouse.start_run(self.run_id, self.spider, utc_now())
            self.spool = Spool(self.spool_dir, self.run_id)
        except BaseException:
            self.lock.release()
            raise
        return self

    def add(self, outcome: Outcome) -> None:
        """One outcome into the spool: an article record, or an error row (crawl_errors)."""
        if outcome.item is not None:
            self.spool.append_article(outcome.item, fetched_at=outcome.fetched_at)
        else:
            self.spool.append_error(outcome.url, outcome.kind, outcome.message, occurred_at=utc_now())
            if outcome.kind == "invalid":
                self.invalid += 1
            else:
                self.errors += 1
                self.unreadable += outcome.kind == "archive"
        if self.spool.pending >= BATCH_RECORDS:
            self.spool.seal()

    def load(self) -> LoadResult:
        """Seal the spool and load every sealed batch, this run's in order, each once."""
        self.spool.seal()
        started = time.perf_counter()
        result = self.warehouse.load_spool(self.spool_dir)
        logger.info("%s: loaded in %.1f s", self.spider, time.perf_counter() - started)
        self.total += result
        return result

    def load_round(self) -> LoadResult:
        """Seal the spool and load this run's batches now, in one transaction: a later round of
        the same urls must be loaded after this one (a group keeps only a url's last record)."""
        self.spool.seal()
        batches = sorted(self.spool_dir.glob(f"{self.run_id}-*.jsonl"))
        if not batches:
            return LoadResult()
        result = self.warehouse.load_batches(batches, run_id=self.run_id)
        for batch in batches:
            batch.unlink(missing_ok=True)
        self.total += result
        return result

    def __exit__(self, exc_type, exc, tb) -> None:
        stopped = exc_type is not None and issubclass(exc_type, (KeyboardInterrupt, Stopped))
        try:
            if self.spool is not None:
                self.spool.close()
            if exc_type is None and not (self.failed or self.unreadable):
                self.finish_reason = "finished"
            elif stopped:
                self.finish_reason = "shutdown"
            self.warehouse.finish_run(self.run_id, finished_at=utc_now(), finish_reason=self.finish_reason,
                                      pages_fetched=0, items_invalid=self.invalid)
            self._refresh(stopped)
        finally:
            self.lock.release()

    def _refresh(self, stopped: bool) -> None:
        """The similarity tables follow the articles, as after a crawl. The spool's note that they
        are behind is set first and cleared once they are rebuilt: a run stopped before or during
        the refresh (a Ctrl-C, a SIGTERM) leaves it to the next crawl or load."""
        needed = self.refresh_needed
        if needed is None:
            needed = bool(self.total.new or self.total.updated or self.total.moved)
        if not (needed or refresh_pending(self.spool_dir)):
            return
        mark_refresh_pending(self.spool_dir)
        if stopped:
            return
        started = time.perf_counter()
        self.warehouse.refresh()
        clear_refresh_pending(self.spool_dir)
        logger.info("%s: similarity tables refreshed in %.1f s", self.spider, time.perf_counter() - started)
