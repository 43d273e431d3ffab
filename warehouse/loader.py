"""Loading spool batches into the warehouse, and crawl-run bookkeeping. Never imports Scrapy.

Loading is batch-only: `load_batch` reads one sealed spool file (see spool.py) with DuckDB's
`read_json`, or one staging batch of a shared crawl (staging.py) with `read_parquet`
(sql/load/read/), applies its 'moved' records (the site changed host: sql/load/move/site.sql),
and merges it with the SQL in sql/load/*.sql, in one transaction that also records the file in
`_loaded_batches` — so a batch is loaded exactly once, and the caller may delete the file after
the call returns.

Every timestamp written comes from the records (fetched_at, occurred_at) or the injected clock,
never from the database's now(), so loads are reproducible in tests.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import NamedTuple

import duckdb

from . import migrate
from .config import SQL_DIR
from .db import (WarehouseError, WarehouseLocked, WarehouseNotInitialised, checked_memory_limit, connect,
                 one_line)
from .spool import batch_run_id, collect_batches

Clock = Callable[[], datetime]
logger = logging.getLogger(__name__)

# The JSON columns the loader reads, with their DuckDB types. ARTICLE_COLUMNS are ArticleItem
# fields (tests/test_contract.py checks both ways); the struct's fields are SimilarLink's.
ARTICLE_COLUMNS: dict[str, str] = {
    "url": "VARCHAR",
    "site": "VARCHAR",
    "language": "VARCHAR",
    "category": "VARCHAR",
    "title": "VARCHAR",
    "published_at": "TIMESTAMPTZ",
    "period_start": "DATE",
    "period_end": "DATE",
    "authors": "VARCHAR[]",
    "category_status": "VARCHAR",
    "category_status_text": "VARCHAR",
    "photo_credit": "VARCHAR",
    "body": "VARCHAR",
    "similar_links": "STRUCT(url VARCHAR, title VARCHAR, position INTEGER)[]",
    "word_count": "INTEGER",
    "content_hash": "VARCHAR",
    "etag": "VARCHAR",
    "last_modified": "VARCHAR",
}
# ArticleItem fields deliberately not stored: which extraction rule found each field is for the
# crawl's coverage guard, not for analysts.
ARTICLE_FIELDS_NOT_STORED = frozenset({"rules"})
# The record envelope and the error record's own fields (url is shared with articles).
RECORD_COLUMNS: dict[str, str] = {
    "record": "VARCHAR",  # 'article' | 'error' | 'seen' (a 304) | 'gone' (a 404/410) | 'moved'; others ignored
    "fetched_at": "TIMESTAMPTZ",
    "kind": "VARCHAR",
    "message": "VARCHAR",
    "occurred_at": "TIMESTAMPTZ",
    # a 'moved' record (the site's host changed, crawler.items.SiteMoved)
    "from_sites": "VARCHAR[]",
    "to_site": "VARCHAR",
}
JSON_COLUMNS: dict[str, str] = {**RECORD_COLUMNS, **ARTICLE_COLUMNS}
# The article columns an unchanged article's merge reads (sql/load/: classifying it, moving
# last_seen_at and its HTTP validators). Every other one is content, which a batch of unchanged
# articles is read without (Warehouse._read_keys_only; added back as NULL columns): a new item
# field is content unless it is named here.
UNCHANGED_MERGE_READS = ("url", "site", "language", "category", "word_count", "content_hash", "etag", "last_modified")
CONTENT_COLUMNS: dict[str, str] = {
    name: sql_type for name, sql_type in ARTICLE_COLUMNS.items() if name not in UNCHANGED_MERGE_READS
}
KEY_COLUMNS: dict[str, str] = {name: t for name, t in JSON_COLUMNS.items() if name not in CONTENT_COLUMNS}
# Article records of the batch (read with KEY_COLUMNS) that are not stored with their content hash.
_NEEDS_CONTENT_SQL = """
select count(*)
from _load_raw as n
left join articles as a on a.url = n.url
where n.record = 'article' and (a.url is null or a.content_hash is distinct from n.content_hash)
"""
# Whether a 'moved' record has anything to move: a stored article on an old host, or a record of
# the group before it (sql/load/move/site.sql).
_MOVE_PENDING_SQL = """
select exists (select 1 from articles where list_contains($from_sites::varchar[], site) and site <> $to_site)
    or exists (select 1 from _load_raw where ordinality < $before)
"""
# See Warehouse.loading(): the WAL may grow this large before DuckDB checkpoints on its own.
LOAD_CHECKPOINT_THRESHOLD = "1GB"
LOAD_SKIP_WAL_THRESHOLD = 2**62
# A group of batch files loaded in one transaction holds at most this many bytes of files (unless
# one file is larger): big enough that a statement's fixed cost is spread over thousands of
# records, small enough to bound the memory of the merge.
LOAD_GROUP_BYTES = 32 * 2**20


def _groups(batches: list[tuple[Path, str]]) -> Iterator[tuple[list[Path], str]]:
    """Consecutive batches of one run, up to LOAD_GROUP_BYTES of files each."""
    group: list[Path] = []
    group_run, size = None, 0
    for path, run_id in batches:
        try:
            length = path.stat().st_size
        except FileNotFoundError:  # the crawl that wrote it loaded and deleted it meanwhile
            continue
        if group and (run_id != group_run or size + length > LOAD_GROUP_BYTES):
            yield group, group_run
            group, size = [], 0
        group.append(path)
        group_run, size = run_id, size + length
    if group:
        yield group, group_run

def _add_null_columns(con: duckdb.DuckDBPyConnection, columns: dict[str, str]) -> None:
    """Add `columns` to _load_raw as NULL, in one statement rewriting the table (cheaper than an
    ALTER per column, on every batch)."""
    if columns:
        added = ", ".join(f"cast(null as {sql_type}) as {name}" for name, sql_type in columns.items())
        con.execute(f"create or replace temp table _load_raw as select *, {added} from _load_raw")


def _add_missing_columns(con: duckdb.DuckDBPyConnection, columns: dict[str, str]) -> None:
    """Add to _load_raw, as NULL, the `columns` it lacks: fields a staging batch written by an
    earlier version of the crawler lacks."""
    present = {row[0] for row in con.execute("select column_name from (describe _load_raw)").fetchall()}
    _add_null_columns(con, {name: sql_type for name, sql_type in columns.items() if name not in present})


class KnownArticle(NamedTuple):
    published_at: datetime | None
    last_seen_at: datetime
    etag: str | None
    last_modified: str | None
    gone_at: datetime | None
    period_end: date | None = None  # the week a weekly page covers ends (it shows no published_at)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class LoadResult:
    """What loading one batch (or a whole spool, summed) did."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0  # error records stored in crawl_errors
    invalid: int = 0  # article records lacking a required field (stored as 'invalid' errors)
    moved: int = 0  # stored articles moved to the site's new host ('moved' records)
    torn: int = 0  # torn last lines of crashed runs' batches, skipped
    batches: int = 0  # batch files loaded by this call
    skipped: int = 0  # batch files found already loaded (no-op)
    indexed: int = 0  # archived responses added to `captures` (Warehouse.index_archive)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (batch name, why) left on disk

    def __iadd__(self, other: LoadResult) -> LoadResult:
        for name in ("new", "updated", "unchanged", "errors", "invalid", "moved", "torn", "batches", "skipped",
                     "indexed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.failed.extend(other.failed)
        return self

    def summary(self) -> str:
        text = (
            f"{self.batches} batch(es) loaded: {self.new} new, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.invalid} invalid, {self.errors} error record(s)"
        )
        if self.moved:
            text += f"; {self.moved} moved to the site's new host"
        if self.skipped:
            text += f"; {self.skipped} already loaded"
        if self.torn:
            text += f"; {self.torn} torn line(s) of crashed runs skipped"
        if self.indexed:
            text += f"; {self.indexed} archived response(s) indexed"
        if self.failed:
            text += f"; {len(self.failed)} batch(es) failed"
        return text


def _split(sql_file: Path) -> list[duckdb.Statement]:
    return duckdb.extract_statements(sql_file.read_text(encoding="utf-8"))


def run_sql_file(con: duckdb.DuckDBPyConnection, sql_file: Path, params: dict) -> list[tuple] | None:
    """Run every statement of a file, each with the named parameters it uses; return the last
    statement's rows (if it returns any)."""
    rows = None
    for statement in _split(sql_file):
        used = {name: params[name] for name in statement.named_parameters}
        cursor = con.execute(statement.query, used) if used else con.execute(statement.query)
        rows = cursor.fetchall() if cursor.description else None
    return rows


class CoverageDrop(NamedTuple):
    """A field whose coverage collapsed in a crawl run (see Warehouse.record_coverage)."""

    field: str
    items: int  # articles the run scraped
    share: float  # of them with the field, 0..1
    baseline: float  # median share of the recent runs, 0..1
    message: str  # as stored in crawl_errors

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
        from .similarity import refresh_similarity  # lazy: owned by the views

        self._refreshing(refresh_similarity)

    def count_terms(self) -> None:
        """The first part of refresh(): count the terms of the articles loaded since the last count.
        A crawl runs it after each load, in the background, to leave its final refresh less to do."""
        from .similarity import count_terms

        self._refreshing(count_terms)

    def _refreshing(self, step) -> None:
        """Run a refresh step. It needs memory that grows with the archive: when it runs out under
        `memory_limit`, it is run again without the limit, with a warning: the similarity tables
        must follow the articles, and the limit is a budget, not a correctness condition."""
        from .similarity import RefreshError

        with self._write() as con:
            try:
                step(con, self.sql_dir)
            except RefreshError as exc:
                if self.memory_limit is None or "Out of Memory" not in str(exc):
                    raise
                logger.warning("Refreshing the similarity tables needs more than %s (%s); running it "
                               "without the limit: raise WAREHOUSE_MEMORY_LIMIT to avoid the retry",
                               self.memory_limit, exc)
                con.execute("reset memory_limit")
                step(con, self.sql_dir)

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

    # -- loading ----------------------------------------------------------------------------
    def load_batch(self, path: str | Path, *, source: str = "jsonl", run_id: str | None = None) -> LoadResult:
        """Merge one sealed batch file, exactly once. Does not delete the file. See load_batches."""
        return self.load_batches([path], source=source, run_id=run_id)

    def load_batches(
        self, paths: Sequence[str | Path], *, source: str = "jsonl", run_id: str | None = None,
        con: duckdb.DuckDBPyConnection | None = None,
    ) -> LoadResult:
        """Merge a group of sealed batch files of one run in one transaction, each exactly once
        (files already loaded are skipped). Does not delete the files.

        source: "jsonl" (spool batches) or "parquet" (staging batches, warehouse/staging.py): which
        sql/load/read/ file reads them; the merge after it is the same. run_id: the crawl run the
        batches belong to (default: from a spool batch's name). con: a connection from `loading()`,
        to load several groups with one open (and one checkpoint); default: a connection of its own."""
        if con is None:
            with self.loading() as con:
                return self.load_batches(paths, source=source, run_id=run_id, con=con)
        paths = [Path(path) for path in paths]
        for path in paths:
            if not path.is_file():
                raise WarehouseError(f"no batch file {path}")
        reader = self.sql_dir / "load" / "read" / f"{source}.sql"
        if not reader.is_file():
            raise WarehouseError(f"no reader {reader} for {source} batches")
        run_ids = {run_id or batch_run_id(path) for path in paths}
        if len(run_ids) != 1:
            raise WarehouseError(f"a group of batches must belong to one crawl run, got {sorted(run_ids)}")
        names = [path.name for path in paths]
        con.begin()
        try:
            loaded = {row[0] for row in con.execute(
                "select batch from _loaded_batches where list_contains($names::varchar[], batch)", {"names": names}
            ).fetchall()}
            paths = [path for path in paths if path.name not in loaded]
            if not paths:
                con.rollback()
                return LoadResult(skipped=len(loaded))
            params = {
                "batch_paths": [str(path) for path in paths],
                "columns": JSON_COLUMNS,
                "batches": [path.name for path in paths],
                "run_id": run_ids.pop(),
                "now": self.clock(),
            }
            # Parquet staging batches are read in full: read/parquet.sql takes no column list.
            if not (source == "jsonl" and self._expect_unchanged and self._read_keys_only(con, reader, params)):
                run_sql_file(con, reader, params)
                if source != "jsonl":  # read_json is given every column; a staging batch may lack some
                    _add_missing_columns(con, JSON_COLUMNS)
            moved = self._apply_moves(con)
            rows = None
            for sql_file in sorted((self.sql_dir / "load").glob("*.sql")):
                rows = run_sql_file(con, sql_file, params)
            con.commit()
        except duckdb.CatalogException as exc:
            con.rollback()
            raise self._not_initialised(exc) from None
        except duckdb.Error as exc:
            con.rollback()
            which = names[0] if len(names) == 1 else f"{names[0]} .. {names[-1]} ({len(names)} files)"
            raise WarehouseError(f"batch {which} was not loaded: {one_line(exc)}") from None
        new, updated, unchanged, invalid, errors = rows[0]
        self._expect_unchanged = not (new or updated)
        return LoadResult(new=new, updated=updated, unchanged=unchanged, invalid=invalid, errors=errors,
                          moved=moved, batches=len(paths), skipped=len(loaded))

    def _apply_moves(self, con: duckdb.DuckDBPyConnection) -> int:
        """Apply the group's 'moved' records (the site's host changed) in spool order, each before
        the records that follow it are merged (sql/load/move/site.sql). Returns the articles moved."""
        moves = con.execute(
            "select ordinality, from_sites, to_site from _load_raw "
            "where record = 'moved' and to_site is not null and len(from_sites) > 0 order by ordinality"
        ).fetchall()
        moved = 0
        for before, from_sites, to_site in moves:
            params = {"from_sites": from_sites, "to_site": to_site, "before": before}
            if not con.execute(_MOVE_PENDING_SQL, params).fetchone()[0]:
                continue  # moved already (see the file's header)
            rows = run_sql_file(con, self.sql_dir / "load" / "move" / "site.sql", params)
            moved += rows[0][0]
        return moved

    def _read_keys_only(self, con: duckdb.DuckDBPyConnection, reader: Path, params: dict) -> bool:
        """Read the batch without its content columns into _load_raw; keep that (True) when every
        article record in it is already stored with the same content hash, so the merge only moves
        last_seen_at. A recrawl of an unchanged site then never copies a body. When some article is
        new or changed (False), the caller reads the batch again in full."""
        run_sql_file(con, reader, {**params, "columns": KEY_COLUMNS})
        needs_content = con.execute(_NEEDS_CONTENT_SQL).fetchone()[0]
        if needs_content:
            return False
        _add_null_columns(con, CONTENT_COLUMNS)
        return True

    @contextmanager
    def loading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One write connection for a series of batch loads (`load_batches(con=...)`), each still its
        own transaction. Closing a connection checkpoints the file, and a checkpoint costs more the
        more the file holds, so a series shares one; large commits go to the WAL rather than
        checkpointing each time (DuckDB checkpoints instead of logging commits over
        auto_checkpoint_skip_wal_threshold), and the file is checkpointed once, on close."""
        with self._write() as con:
            con.execute(f"set checkpoint_threshold = '{LOAD_CHECKPOINT_THRESHOLD}'")
            con.execute(f"set auto_checkpoint_skip_wal_threshold = {LOAD_SKIP_WAL_THRESHOLD}")
            yield con

    def load_spool(self, directory: str | Path) -> LoadResult:
        """Load every sealed batch in `directory` (and salvaged `.part` files of dead runs) in name
        order, with one connection, deleting each batch once committed. A batch that fails stays on
        disk and is listed in `failed`; a locked warehouse stops the whole call (WarehouseLocked)."""
        batches, torn = collect_batches(directory)
        total = LoadResult(torn=torn)
        if batches:
            with self.loading() as con:
                total += self.load_groups(con, [(batch, batch_run_id(batch)) for batch in batches], "jsonl")
                total.indexed = self.index_archive(con)
        else:
            total.indexed = self.index_archive()
        return total

    def index_archive(self, con: duckdb.DuckDBPyConnection | None = None) -> int:
        """Index in `captures` the archive files not indexed yet (warehouse/archive/index.py),
        after every load, so that every page a crawl archived is indexed once its file is closed.
        Returns the captures added. A damaged file's complete records are indexed, with a warning;
        an archive that cannot be read only costs a warning: the files stay for the next load."""
        from .archive.index import index_archive  # lazy: the archive package imports this one's neighbours

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
            from .archive import resolve_archive_dir

            self._archive_dir = resolve_archive_dir(db_path=self.path)
        return self._archive_dir

    def load_groups(self, con: duckdb.DuckDBPyConnection, batches: list[tuple[Path, str]], source: str) -> LoadResult:
        """Load (path, run id) batches in order, consecutive batches of one run together in groups
        of up to LOAD_GROUP_BYTES, deleting each file once committed. A group that fails is loaded
        again one batch at a time, so that only a bad batch stays on disk (listed in `failed`)."""
        total = LoadResult()
        for group, run_id in _groups(batches):
            for part in [group] if len(group) == 1 else [group, *([batch] for batch in group)]:
                try:
                    total += self.load_batches(part, source=source, run_id=run_id, con=con)
                except (WarehouseLocked, WarehouseNotInitialised):
                    raise
                except WarehouseError as exc:
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
        its runs and write the snapshot its next workers read (warehouse/staging.py)."""
        from .staging import load_staging  # lazy: staging imports this module

        result = load_staging(self, directory)
        self.collect_staged_archive(directory)
        return result

    def collect_staged_archive(self, directory: str | Path) -> int:
        """Move the workers' archive files (STAGING/archive) into the archive, then index them."""
        from .archive.index import collect_staged

        try:
            moved = collect_staged(directory, self.archive_dir)
        except OSError as exc:
            raise WarehouseError(f"cannot move the workers' archive files into {self.archive_dir}: {one_line(exc)}") from None
        self.index_archive()
        return moved

    # -- crawl runs -------------------------------------------------------------------------
    def start_run(self, run_id: str, spider: str, started_at: datetime | None = None) -> None:
        with self._write() as con:
            try:
                con.execute(
                    "insert into crawl_runs (run_id, spider, started_at) values ($run_id, $spider, $at)",
                    {"run_id": run_id, "spider": spider, "at": started_at or self.clock()},
                )
            except duckdb.ConstraintException:
                raise WarehouseError(f"crawl run {run_id} is already recorded: run ids must be unique") from None
            except duckdb.CatalogException as exc:
                raise self._not_initialised(exc) from None

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
        the run (`_loaded_batches`), errors from `crawl_errors`."""
        params = {
            "run_id": run_id,
            "at": finished_at or self.clock(),
            "reason": finish_reason,
            "pages": pages_fetched,
            "new": items_new,
            "updated": items_updated,
            "unchanged": items_unchanged,
            "invalid": items_invalid,
            "errors": errors,
            "undated": items_undated,
        }
        sql = """
            update crawl_runs set
                finished_at = $at,
                finish_reason = $reason,
                pages_fetched = $pages,
                items_new = coalesce($new, (select sum(articles_new) from _loaded_batches where run_id = $run_id), 0),
                items_updated = coalesce($updated, (select sum(articles_updated) from _loaded_batches where run_id = $run_id), 0),
                items_unchanged = coalesce($unchanged, (select sum(articles_unchanged) from _loaded_batches where run_id = $run_id), 0),
                items_invalid = coalesce($invalid, (select sum(articles_invalid) from _loaded_batches where run_id = $run_id), 0),
                errors = coalesce($errors, (select count(*) from crawl_errors where run_id = $run_id)),
                items_undated = $undated
            where run_id = $run_id
            returning run_id
        """
        with self._write() as con:
            try:
                found = con.execute(sql, params).fetchall()
            except duckdb.CatalogException as exc:
                raise self._not_initialised(exc) from None
        if not found:
            raise WarehouseError(f"crawl run {run_id} was never started (start_run) in {self.path}")

    def close_stale_runs(
        self, finished_at: datetime | None = None, *, keep: Iterable[str] = (), reason: str = "crashed"
    ) -> list[str]:
        """Mark every run still open (finished_at NULL), other than `keep`, as ended with `reason`.

        Call it only when no other crawl can be running (the crawl's single-instance lock is
        held): then an open run's process is dead. Returns the run ids closed.
        """
        with self._write() as con:
            try:
                rows = con.execute(
                    """
                    update crawl_runs set finished_at = $at, finish_reason = $reason
                    where finished_at is null and not list_contains($keep::varchar[], run_id)
                    returning run_id
                    """,
                    {"at": finished_at or self.clock(), "reason": reason, "keep": list(keep)},
                ).fetchall()
            except duckdb.CatalogException as exc:
                raise self._not_initialised(exc) from None
        return sorted(r[0] for r in rows)

    # -- field coverage ---------------------------------------------------------------------
    def record_coverage(
        self,
        run_id: str,
        rows: Iterable[dict],
        *,
        site_url: str,
        min_items: int,
        baseline_runs: int,
        drop_ratio: float,
        drop_absolute: float,
        checked: Iterable[str] | None = None,
        occurred_at: datetime | None = None,
    ) -> list[CoverageDrop]:
        """Store one run's field coverage and flag the fields that collapsed, in one transaction.

        `rows`: one dict per field: `field`, `items`, `present`, `rules` (rule name → count).
        A field's baseline is the median share of the last `baseline_runs` earlier runs that
        ended 'finished', scraped at least `min_items` articles and were not flagged for that
        field (a broken extractor must not teach the baseline that an empty field is normal).
        The field is flagged when this run scraped at least `min_items` articles and its share
        is below `drop_ratio` × baseline *and* more than `drop_absolute` under it; without a
        baseline (a first run) nothing is flagged. Only fields in `checked` (default: all) can
        be flagged. Each flagged field also gets a crawl_errors row of kind 'coverage' (url:
        `site_url`). Returns the flagged fields.
        """
        rows = list(rows)
        params = {
            "run_id": run_id,
            "rows": json.dumps(rows, ensure_ascii=False),
            "min_items": min_items,
            "window": baseline_runs,
            "ratio": drop_ratio,
            "absolute": drop_absolute,
            "checked": [r["field"] for r in rows] if checked is None else list(checked),
        }
        errors = {"run_id": run_id, "url": site_url, "at": occurred_at or self.clock()}
        with self._write() as con:
            con.begin()
            try:
                run_sql_file(con, self.sql_dir / "coverage" / "record.sql", params)
                flagged = [CoverageDrop(*row)
                           for row in run_sql_file(con, self.sql_dir / "coverage" / "flagged.sql", {"run_id": run_id})]
                con.execute(
                    "insert into crawl_errors (run_id, url, kind, message, occurred_at) "
                    "select $run_id, $url, 'coverage', unnest($messages::varchar[]), $at",
                    {**errors, "messages": [f.message for f in flagged]},
                )
                con.commit()
            except duckdb.ConstraintException:
                con.rollback()
                raise WarehouseError(f"the coverage of crawl run {run_id} is already recorded") from None
            except duckdb.CatalogException as exc:
                con.rollback()
                raise self._not_initialised(exc) from None
            except duckdb.Error as exc:
                con.rollback()
                raise WarehouseError(f"coverage of crawl run {run_id} was not recorded: {one_line(exc)}") from None
        return flagged

    # -- reading ----------------------------------------------------------------------------
    def last_run_finished(self) -> bool:
        """Whether the latest closed crawl run ran to its end ("finished"): if not, the next crawl
        cannot trust that the older listing pages were walked. (A crawl's own open run, and a dead
        one's until close_stale_runs marks it "interrupted", are not closed yet.)"""
        with connect(self.path, read_only=True) as con:
            row = con.execute(
                "select finish_reason from crawl_runs where finished_at is not null order by started_at desc limit 1"
            ).fetchone()
        return row is not None and row[0] == "finished"

    def known_failures(self, since: datetime) -> set[str]:
        """URLs that failed for good (404/410, oversized) since `since` and are not stored
        articles: a default recrawl does not ask for them again until then, `full=1` does."""
        with connect(self.path, read_only=True) as con:
            rows = con.execute(
                """
                select distinct url
                from crawl_errors
                where occurred_at >= $since
                  and (kind = 'oversized' or message in ('HTTP 404', 'HTTP 410'))
                  and url not in (select url from articles)
                """,
                {"since": since},
            ).fetchall()
        return {row[0] for row in rows}

    def known_articles(self) -> dict[str, KnownArticle]:
        """url -> what the spider's recrawl policy needs to know of each stored article."""
        with connect(self.path, read_only=True) as con:
            try:
                rows = con.execute(
                    "select url, published_at, last_seen_at, etag, last_modified, gone_at, period_end from articles"
                ).fetchall()
            except duckdb.CatalogException as exc:
                raise self._not_initialised(exc) from None
        return {row[0]: KnownArticle(*row[1:]) for row in rows}
