"""BatchLoader: takes the spool's sealed batches into the warehouse during a single-process crawl.

A sealed batch loads in a thread while the crawl goes on: DuckDB works without holding the GIL,
so the load runs on the other core (with one DuckDB thread: the crawl keeps a core busy), and
batches sealed meanwhile go into the next load together. Each load opens the file and closes it
again, so an analyst can open the file between flushes. While another process holds the file,
the batches stay in the spool for the next crawl or `warehouse load`: `busy` says why, and
`batches_left()` how many wait. At the end the similarity tables are refreshed once, when the
articles changed; when the file is held then, the refresh is left pending in the spool
(warehouse/spooled_runs.py) for the next load, with a warning and the stat
`warehouse/refresh_skipped`. Each load also writes the rows of earlier runs that could not write
their own (kept in the spool) once their batches are in.
"""

from __future__ import annotations

import logging
from pathlib import Path

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import threads
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

import duckdb

from warehouse import LoadResult, Warehouse, WarehouseError, WarehouseLocked
from warehouse.db import WarehouseDiskFull, one_line, translated
from warehouse.spooled_runs import clear_refresh_pending, mark_refresh_pending, record_spooled_runs, refresh_pending

logger = logging.getLogger(__name__)


class BatchLoader:
    def __init__(self, db_path, spool_dir, stats, memory_limit: str | None = None, archive_dir=None):
        self.spool_dir = Path(spool_dir)
        self.stats = stats
        # Each load also indexes the archive's completed WARC files into `captures`.
        self.warehouse = Warehouse(db_path, memory_limit=memory_limit, archive_dir=archive_dir)
        self.background = Warehouse(db_path, memory_limit=memory_limit, threads=1, archive_dir=archive_dir)
        self.articles_changed = False
        self.busy: WarehouseLocked | None = None
        self.disk_full: WarehouseDiskFull | None = None  # a load the disk refused: the crawl stops
        self.refused: dict[str, str] = {}  # batch name -> why the loader refused it (it stays in the spool)
        self.foreign: dict[str, str] = {}  # batch name -> the other warehouse it was spooled for
        self.loading: Deferred | None = None  # the load running in a thread
        self.sealed_meanwhile = False  # batches sealed while it runs, for the next load

    def load_now(self) -> None:
        """Load every sealed batch in the spool (this run's and any left by earlier runs), in order."""
        try:
            self.count(self.warehouse.load_spool(self.spool_dir))
            # A refresh an earlier run could not do is this run's to do.
            self.articles_changed |= refresh_pending(self.spool_dir)
            for run_id in record_spooled_runs(self.warehouse, self.spool_dir):
                logger.info("The run %s, which found the warehouse busy at its end, is now recorded", run_id)
        except (WarehouseError, duckdb.Error) as exc:
            self.load_failed(exc)

    def load_in_background(self) -> None:
        if self.loading is not None:
            self.sealed_meanwhile = True
            return
        self.sealed_meanwhile = False
        self.loading = threads.deferToThread(self._load_and_count_terms)
        self.loading.addBoth(self._load_ended)

    async def finish(self) -> None:
        """Wait for the load in a thread, load what is left, and refresh the similarity tables."""
        while self.loading is not None:
            await maybe_deferred_to_future(self.loading)
        self.load_now()
        self.refresh()

    def refresh(self, now: bool = True) -> None:
        """Bring the similarity tables up to date with the articles, or (busy, or not `now`: a
        crawl stopped at once) leave that to the next load."""
        if not self.articles_changed:
            return
        if now and not self.busy and not self.disk_full:
            try:
                self.warehouse.refresh()  # the similarity tables follow the articles
                clear_refresh_pending(self.spool_dir)
                return
            except WarehouseLocked as exc:
                self.busy = exc
            except (WarehouseError, duckdb.Error) as exc:  # a full disk, a damaged file
                self.load_failed(exc)
        logger.warning("The similarity tables were not refreshed (%s): the next crawl or `warehouse load` "
                       "refreshes them", self.busy or "the crawl was stopped at once")
        self.stats.set_value("warehouse/refresh_skipped", 1)
        try:
            mark_refresh_pending(self.spool_dir)
        except OSError as exc:
            logger.error("Cannot note in %s that the similarity tables need a refresh: %s", self.spool_dir, exc)

    def batches_left(self) -> int:
        return len(list(self.spool_dir.glob("*.jsonl")))

    def _load_and_count_terms(self) -> LoadResult:
        """In a thread: load the sealed batches, then count the new articles' terms (the first part
        of the final refresh, done now on the other core, so the end of the crawl waits less)."""
        result = self.background.load_spool(self.spool_dir)
        if result.new or result.updated:
            try:
                self.background.count_terms()
            except (WarehouseError, duckdb.Error) as exc:  # the final refresh counts them instead
                logger.info("Terms not counted after this load (%s): the refresh at the end will", exc)
        return result

    def _load_ended(self, outcome):
        """Back in the reactor thread after a load in a thread."""
        self.loading = None
        if isinstance(outcome, Failure):
            self.load_failed(outcome.value)
        else:
            self.count(outcome)
        if self.sealed_meanwhile:
            self.load_in_background()

    def count(self, result: LoadResult) -> None:
        # a move rewrites the similarity tables' addresses, and drops those of articles merged
        self.articles_changed |= bool(result.new or result.updated or result.moved)
        for name in ("new", "updated", "unchanged"):
            self.stats.inc_value(f"warehouse/items_{name}", getattr(result, name))
        for batch, reason in result.failed:
            logger.error("Batch %s was not loaded and stays in the spool: %s", batch, reason)
            if (self.spool_dir / batch).exists():  # else another load (`warehouse load`) took it meanwhile
                self.refused[batch] = reason
        self.foreign.update(result.foreign)
        self.stats.set_value("warehouse/batches_foreign", len(self.foreign))
        self.stats.set_value("warehouse/batches_left", self.batches_left())

    def load_failed(self, exc: BaseException) -> None:
        if isinstance(exc, duckdb.Error):  # e.g. a damaged block found mid-load
            exc = translated(self.warehouse.path, exc) or WarehouseError(f"loading failed: {one_line(exc)}")
        if isinstance(exc, WarehouseLocked):
            self.warehouse_busy(exc)
        elif isinstance(exc, WarehouseDiskFull):  # the batches wait in the spool
            logger.error("Loading the spool into the warehouse failed: %s", exc)
            self.disk_full = self.disk_full or exc
        elif isinstance(exc, WarehouseError):  # e.g. the schema is gone: the batches wait in the spool
            logger.error("Loading the spool into the warehouse failed: %s", exc)
        else:
            raise exc
        self.stats.set_value("warehouse/batches_left", self.batches_left())

    def warehouse_busy(self, exc: WarehouseLocked) -> None:
        if self.busy is None:
            logger.warning("%s: spooling items to %s instead", exc, self.spool_dir)
        self.busy = exc
