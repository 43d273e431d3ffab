"""The warehouse file and what the crawler and the `warehouse` command do with it. Never imports
Scrapy. `Warehouse` opens the connections and names the file in its errors; the work is done by:

    migrate.py          the schema (sql/schema/) and the views (sql/views/)
    similarity.py       the refresh of the tables behind the term and similarity views
    batch_merge.py      merging a group of sealed batch files, exactly once (sql/load/)
    staging_load.py     a shared crawl's staging area: its batches and its runs
    runs.py             the crawl-run ledger, crawl_runs (sql/runs/)
    coverage_record.py  a run's field coverage and its flags (sql/coverage/)
    recrawl_state.py    what a recrawl needs to know (sql/recrawl/)
    archive/index.py    the index of the archived responses, captures

Every timestamp written comes from the records (fetched_at, occurred_at) or the injected clock,
never from the database's now(), so loads are reproducible in tests.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb

from . import coverage_record, migrate, recrawl_state, runs, staging_load
from .archive import resolve_archive_dir
from .archive.index import collect_staged, index_archive
from .batch_columns import ARTICLE_COLUMNS, ARTICLE_FIELDS_NOT_STORED, JSON_COLUMNS
from .batch_merge import groups, merge_group
from .clock import Clock, utc_now
from .config import SQL_DIR
from .coverage_record import CoverageDrop
from . import spool_owner
from .db import (WarehouseError, WarehouseLocked, WarehouseNotInitialised, checked_memory_limit, connect, disk_full,
                 is_disk_full, one_line)
from .load_result import LoadResult
from .recrawl_state import KnownArticle
from .similarity import count_terms, refresh_similarity, run_refresh_step
from .spool import batch_run_id, collect_batches

# Names callers import from here, defined in the modules that do the work.
__all__ = ["ARTICLE_COLUMNS", "ARTICLE_FIELDS_NOT_STORED", "JSON_COLUMNS", "Clock", "CoverageDrop", "KnownArticle",
           "LoadResult", "Warehouse", "utc_now"]

logger = logging.getLogger(__name__)

# See Warehouse.loading(): the WAL may grow this large before DuckDB checkpoints on its own.
LOAD_CHECKPOINT_THRESHOLD = "1GB"
LOAD_SKIP_WAL_THRESHOLD = 2**62


class Warehouse:
    """The warehouse file at `path`. Every method opens its own short-lived connection (a series of
    batch loads shares one: `loading()`)."""

    def __init__(self, path: str | Path, clock: Clock = utc_now, sql_dir: Path = SQL_DIR,
                 memory_limit: str | None = None, threads: int | None = None, archive_dir: str | Path | None = None):
        self.path = Path(path)
        self._archive_dir = Path(archive_dir) if archive_dir is not None else None
        self.clock = clock
        self.sql_dir = Path(sql_dir)
        # DuckDB's memory_limit for this object's write connections (e.g. "150MB"); None: DuckDB's
        # default (80 % of RAM). DuckDB spills to disk under it. See refresh() for when it is lifted.
        self.memory_limit = checked_memory_limit(memory_limit)
        # DuckDB's threads for this object's write connections; None: DuckDB's default, one per
        # core. A crawl's background loads use one: the crawl keeps the other core busy, and each
        # connection starts threads of its own, whose freed memory stays in glibc's per-thread
        # arenas (benchmarks/README.md, "5. Memory").
        self.threads = threads
        # Whether the next batch is likely all unchanged (the last one was): worth reading keys first.
        self._expect_unchanged = True

    # -- schema -----------------------------------------------------------------------------
    def init(self, refresh: bool = True) -> migrate.InitResult:
        """Create or migrate the schema, (re)create every view, refresh derived tables (`warehouse init`).

        A crawl passes refresh=False: it refreshes once at its end, when the articles changed."""
        result = migrate.init(self.path, self.sql_dir, self.clock)
        if refresh:
            self.refresh()
        return result

    def refresh(self) -> None:
        """Rebuild the tables behind the term and similarity views (sql/refresh/, see
        warehouse/similarity.py): after `init`, and after loads that added or changed articles."""
        self._refreshing(refresh_similarity)

    def count_terms(self) -> None:
        """The first part of refresh(): count the terms of the articles loaded since the last count.
        A crawl runs it after each load, in the background, to leave its final refresh less to do."""
        self._refreshing(count_terms)

    def _refreshing(self, step) -> None:
        with self._write() as con:
            run_refresh_step(con, step, self.sql_dir, self.memory_limit)

    def _write(self) -> duckdb.DuckDBPyConnection:
        con = connect(self.path)
        if self.memory_limit is not None:
            con.execute("set memory_limit = $limit", {"limit": self.memory_limit})
        if self.threads is not None:
            con.execute("set threads = $threads", {"threads": self.threads})
        return con

    def _not_initialised(self, exc: duckdb.Error) -> WarehouseError:
        return WarehouseNotInitialised(
            f"warehouse {self.path} has no schema ({one_line(exc)}): run `warehouse init --db {self.path}`"
        )

    @contextmanager
    def _session(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection (a write one unless read_only) on which a missing table means the file has
        no schema: said as one line naming the file and the command that makes it."""
        with connect(self.path, read_only=True) if read_only else self._write() as con:
            try:
                yield con
            except duckdb.CatalogException as exc:
                raise self._not_initialised(exc) from None

    # -- loading ----------------------------------------------------------------------------
    def load_batch(self, path: str | Path, *, source: str = "jsonl", run_id: str | None = None) -> LoadResult:
        """Merge one sealed batch file, exactly once. Does not delete the file. See load_batches."""
        return self.load_batches([path], source=source, run_id=run_id)

    def load_batches(
        self, paths: Sequence[str | Path], *, source: str = "jsonl", run_id: str | None = None,
        con: duckdb.DuckDBPyConnection | None = None,
    ) -> LoadResult:
        """Merge a group of sealed batch files of one run in one transaction, each exactly once
        (files already loaded are skipped). Does not delete the files (batch_merge.py).

        source: "jsonl" (spool batches) or "parquet" (staging batches, warehouse/staging.py): which
        sql/load/read/ file reads them; the merge after it is the same. run_id: the crawl run the
        batches belong to (default: from a spool batch's name). con: a connection from `loading()`,
        to load several groups with one open (and one checkpoint); default: a connection of its own."""
        if con is None:
            with self.loading() as con:
                return self.load_batches(paths, source=source, run_id=run_id, con=con)
        try:
            result = merge_group(con, [Path(path) for path in paths], source=source, run_id=run_id,
                                 sql_dir=self.sql_dir, now=self.clock(), keys_first=self._expect_unchanged)
        except duckdb.CatalogException as exc:
            raise self._not_initialised(exc) from None
        if result.batches:
            self._expect_unchanged = not (result.new or result.updated)
        return result

    @contextmanager
    def loading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One write connection for a series of batch loads (`load_batches(con=...)`), each still its
        own transaction. Closing a connection checkpoints the file, and a checkpoint costs more the
        more the file holds, so a series shares one; large commits go to the WAL rather than
        checkpointing each time (DuckDB checkpoints instead of logging commits over
        auto_checkpoint_skip_wal_threshold), and the file is checkpointed once, on close."""
        with self._write() as con:
            con.execute("set checkpoint_threshold = $value", {"value": LOAD_CHECKPOINT_THRESHOLD})
            con.execute("set auto_checkpoint_skip_wal_threshold = $value", {"value": LOAD_SKIP_WAL_THRESHOLD})
            yield con

    def load_spool(self, directory: str | Path) -> LoadResult:
        """Load every sealed batch in `directory` (and salvaged `.part` files of dead runs) in name
        order, with one connection, deleting each batch once committed. Only this warehouse's
        batches load: another's are left in place and listed in `foreign`; this warehouse's
        batches in the old shared `spool/` beside it move into `directory` first
        (warehouse/spool_owner.py). A batch that fails stays on disk, listed in `failed`
        (`warehouse status` shows it); a locked warehouse stops the whole call (WarehouseLocked),
        a full disk too (WarehouseDiskFull), with nothing half-loaded."""
        directory = Path(directory)
        batches, torn = collect_batches(directory)
        total = LoadResult(torn=torn)
        if batches or spool_owner.legacy_folder(self.path, directory):
            with self.loading() as con:
                owner = spool_owner.Owner.of(self.path, con)
                if spool_owner.adopt_legacy(con, self.path, owner, directory):
                    batches, more_torn = collect_batches(directory)
                    total.torn += more_torn
                split = spool_owner.split(batches, owner, directory)
                total.foreign = [(batch.name, named) for batch, named in split.foreign]
                total += self.load_groups(con, [(batch, batch_run_id(batch)) for batch in split.mine], "jsonl")
                total.indexed = self.index_archive(con)
        else:
            total.indexed = self.index_archive()
        return total

    def index_archive(self, con: duckdb.DuckDBPyConnection | None = None) -> int:
        """Index in `captures` the archive files not indexed yet (warehouse/archive/index.py),
        after every load, so that every page a crawl archived is indexed once its file is closed.
        Returns the captures added. A damaged file's complete records are indexed, with a warning;
        an archive that cannot be read only costs a warning: the files stay for the next load."""
        archive_dir = self.archive_dir
        if not archive_dir.is_dir() or not any(archive_dir.iterdir()):
            return 0
        if con is None:
            with self._write() as own:
                return self.index_archive(own)
        try:
            return index_archive(con, archive_dir, sql_dir=self.sql_dir).captures
        except duckdb.CatalogException:
            return 0  # a warehouse without the captures table: `warehouse init` adds it
        except (OSError, duckdb.Error, ValueError) as exc:
            logger.warning("The archive %s was not indexed (%s): the next load indexes it", archive_dir, one_line(exc))
            return 0

    @property
    def archive_dir(self) -> Path:
        """ARCHIVE_DIR (given, else the environment variable, else archive/ beside the file)."""
        if self._archive_dir is None:
            self._archive_dir = resolve_archive_dir(db_path=self.path)
        return self._archive_dir

    def load_groups(self, con: duckdb.DuckDBPyConnection, batches: list[tuple[Path, str]], source: str) -> LoadResult:
        """Load (path, run id) batches in order, consecutive batches of one run together in groups
        of up to LOAD_GROUP_BYTES, deleting each file once committed. A group that fails is loaded
        again one batch at a time, so that only a bad batch stays on disk (listed in `failed`)."""
        total = LoadResult()
        for group, run_id in groups(batches):
            for part in [group] if len(group) == 1 else [group, *([batch] for batch in group)]:
                try:
                    total += self.load_batches(part, source=source, run_id=run_id, con=con)
                except (WarehouseLocked, WarehouseNotInitialised):
                    raise
                except WarehouseError as exc:
                    if is_disk_full(exc):  # not the batch's fault: the whole load stops, nothing half-loaded
                        raise disk_full(self.path, exc) from None
                    if len(part) == 1:
                        total.failed.append((part[0].name, str(exc)))
                    continue  # a failed group: on to its batches one by one
                for batch in part:
                    batch.unlink(missing_ok=True)
                if part is group:
                    break
        return total

    def load_staging(self, directory: str | Path) -> LoadResult:
        """Load every complete Parquet batch of a shared crawl's staging area exactly once, record
        its runs and write the snapshot its next workers read (warehouse/staging_load.py)."""
        result = staging_load.load_staging(self, directory)
        self.collect_staged_archive(directory)
        return result

    def collect_staged_archive(self, directory: str | Path) -> int:
        """Move the workers' archive files (STAGING/archive) into the archive, then index them."""
        try:
            moved = collect_staged(directory, self.archive_dir)
        except OSError as exc:
            raise WarehouseError(f"cannot move the workers' archive files into {self.archive_dir}: {one_line(exc)}") from None
        self.index_archive()
        return moved

    # -- crawl runs (runs.py) -----------------------------------------------------------------
    def start_run(self, run_id: str, spider: str, started_at: datetime | None = None) -> None:
        with self._session() as con:
            runs.start(con, self.sql_dir, run_id, spider, started_at or self.clock())

    def start_shared_run(self, run_id: str, spider: str, started_at: datetime) -> None:
        """Open the row of a run that several processes report on, unless it is open already."""
        with self._session() as con:
            runs.start_shared(con, self.sql_dir, run_id, spider, started_at)

    def finish_run(
        self,
        run_id: str,
        finished_at: datetime | None = None,
        finish_reason: str = "finished",
        pages_fetched: int | None = None,
        items_new: int | None = None,
        items_updated: int | None = None,
        items_unchanged: int | None = None,
        items_invalid: int | None = None,
        errors: int | None = None,
        items_undated: int | None = None,
    ) -> None:
        """Close a run. Item counts left as None are taken from what was actually loaded for
        the run (`internal._loaded_batches`), errors from `crawl_errors` (sql/runs/finish.sql)."""
        counts = {"pages": pages_fetched, "new": items_new, "updated": items_updated, "unchanged": items_unchanged,
                  "invalid": items_invalid, "errors": errors, "undated": items_undated}
        with self._session() as con:
            found = runs.finish(con, self.sql_dir, run_id, finished_at or self.clock(), finish_reason, counts)
        if not found:
            raise WarehouseError(f"crawl run {run_id} was never started (start_run) in {self.path}")

    def close_stale_runs(
        self, finished_at: datetime | None = None, *, keep: Iterable[str] = (), reason: str = "crashed"
    ) -> list[str]:
        """Mark every run still open (finished_at NULL), other than `keep`, as ended with `reason`.

        Call it only when no other crawl can be running (the crawl's single-instance lock is
        held): then an open run's process is dead. Returns the run ids closed.
        """
        with self._session() as con:
            return runs.close_stale(con, self.sql_dir, finished_at or self.clock(), keep, reason)

    # -- field coverage (coverage_record.py) ----------------------------------------------------
    def record_coverage(self, run_id: str, rows: Iterable[dict], *, site_url: str, min_items: int,
                        baseline_runs: int, drop_ratio: float, drop_absolute: float,
                        checked: Iterable[str] | None = None, occurred_at: datetime | None = None) -> list[CoverageDrop]:
        """Store one run's field coverage and flag the fields that collapsed, in one transaction
        (coverage_record.record says how). Returns the flagged fields."""
        with self._session() as con:
            return coverage_record.record(
                con, self.sql_dir, run_id, rows, site_url=site_url, min_items=min_items, baseline_runs=baseline_runs,
                drop_ratio=drop_ratio, drop_absolute=drop_absolute, checked=checked,
                occurred_at=occurred_at or self.clock())

    # -- reading (recrawl_state.py) ---------------------------------------------------------------
    def last_run_finished(self) -> bool:
        """Whether the latest closed crawl run ran to its end ("finished"): if not, the next crawl
        cannot trust that the older listing pages were walked. (A crawl's own open run, and a dead
        one's until close_stale_runs marks it "interrupted", are not closed yet.)"""
        with self._session(read_only=True) as con:
            return runs.last_closed_finished(con, self.sql_dir)

    def known_failures(self, since: datetime) -> set[str]:
        """URLs that failed for good (404/410, oversized) since `since` and are not stored
        articles: a default recrawl does not ask for them again until then, `full=1` does."""
        with self._session(read_only=True) as con:
            return recrawl_state.known_failures(con, self.sql_dir, since)

    def known_articles(self) -> dict[str, KnownArticle]:
        """url -> what the spider's recrawl policy needs to know of each stored article."""
        with self._session(read_only=True) as con:
            return recrawl_state.known_articles(con, self.sql_dir)
