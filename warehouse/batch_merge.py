"""Merging a group of sealed batch files of one crawl run into the warehouse, in one transaction.

The group is read into the temp table _load_raw (sql/load/read/<source>.sql: DuckDB's
`read_json` for spool batches, `read_parquet` for a shared crawl's staging batches), its 'moved'
records are applied (the site changed host: sql/load/move/), and it is merged by the files of
sql/load/*.sql in name order, the last of which records each file in `internal._loaded_batches`
in the same transaction: a batch is loaded exactly once. Every timestamp written comes from the
records (fetched_at, occurred_at) or the caller's clock, never from the database's now().
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import duckdb

from .batch_columns import CONTENT_COLUMNS, JSON_COLUMNS, KEY_COLUMNS
from .db import WarehouseError, one_line, rollback
from .load_result import LoadResult
from .spool import batch_run_id
from .sqlfiles import run_sql_file

# A group of batch files loaded in one transaction holds at most this many bytes of files (unless
# one file is larger): big enough that a statement's fixed cost is spread over thousands of
# records, small enough to bound the memory of the merge.
LOAD_GROUP_BYTES = 32 * 2**20


def groups(batches: list[tuple[Path, str]]) -> Iterator[tuple[list[Path], str]]:
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


def merge_group(con: duckdb.DuckDBPyConnection, paths: list[Path], *, source: str, run_id: str | None,
                sql_dir: Path, now: datetime, keys_first: bool) -> LoadResult:
    """Merge the files not loaded yet of a group of one run, in one transaction; files already
    loaded are skipped. Does not delete the files.

    keys_first: read a spool batch without its content columns first, betting that all its
    articles are stored unchanged (read_keys_only). A missing table (no schema) is raised as
    DuckDB's CatalogException, for the caller to name the warehouse; any other failure as a
    WarehouseError naming the batch, with nothing merged."""
    for path in paths:
        if not path.is_file():
            raise WarehouseError(f"no batch file {path}")
    reader = sql_dir / "load" / "read" / f"{source}.sql"
    if not reader.is_file():
        raise WarehouseError(f"no reader {reader} for {source} batches")
    run_ids = {run_id or batch_run_id(path) for path in paths}
    if len(run_ids) != 1:
        raise WarehouseError(f"a group of batches must belong to one crawl run, got {sorted(run_ids)}")
    names = [path.name for path in paths]
    con.begin()
    try:
        loaded = {row[0] for row in run_sql_file(con, sql_dir / "load" / "batches" / "loaded.sql", {"names": names})}
        paths = [path for path in paths if path.name not in loaded]
        if not paths:
            con.rollback()
            return LoadResult(skipped=len(loaded))
        params = {
            "batch_paths": [str(path) for path in paths],
            "columns": JSON_COLUMNS,
            "batches": [path.name for path in paths],
            "run_id": run_ids.pop(),
            "now": now,
        }
        # Parquet staging batches are read in full: read/parquet.sql takes no column list.
        if not (source == "jsonl" and keys_first and read_keys_only(con, reader, params, sql_dir)):
            run_sql_file(con, reader, params)
            if source != "jsonl":  # read_json is given every column; a staging batch may lack some
                _add_missing_columns(con, JSON_COLUMNS, sql_dir)
        moved = _apply_moves(con, sql_dir)
        rows = None
        for sql_file in sorted((sql_dir / "load").glob("*.sql")):
            rows = run_sql_file(con, sql_file, params)
        con.commit()
    except duckdb.CatalogException:
        rollback(con)
        raise
    except duckdb.Error as exc:
        rollback(con)  # a commit the disk refused has nothing left to roll back
        which = names[0] if len(names) == 1 else f"{names[0]} .. {names[-1]} ({len(names)} files)"
        raise WarehouseError(f"batch {which} was not loaded: {one_line(exc)}") from None
    new, updated, unchanged, invalid, errors = rows[0]
    return LoadResult(new=new, updated=updated, unchanged=unchanged, invalid=invalid, errors=errors,
                      moved=moved, batches=len(paths), skipped=len(loaded))


def _apply_moves(con: duckdb.DuckDBPyConnection, sql_dir: Path) -> int:
    """Apply the group's 'moved' records (the site's host changed) in spool order, each before
    the records that follow it are merged (sql/load/move/site.sql). Returns the articles moved."""
    move_dir = sql_dir / "load" / "move"
    moved = 0
    for before, from_sites, to_site in run_sql_file(con, move_dir / "records.sql"):
        params = {"from_sites": from_sites, "to_site": to_site, "before": before}
        if not run_sql_file(con, move_dir / "pending.sql", params)[0][0]:
            continue  # moved already (see the file's header)
        rows = run_sql_file(con, move_dir / "site.sql", params)
        moved += rows[0][0]
    return moved


def read_keys_only(con: duckdb.DuckDBPyConnection, reader: Path, params: dict, sql_dir: Path) -> bool:
    """Read the batch without its content columns into _load_raw; keep that (True) when every
    article record in it is already stored with the same content hash, so the merge only moves
    last_seen_at. A recrawl of an unchanged site then never copies a body. When some article is
    new or changed (False), the caller reads the batch again in full."""
    run_sql_file(con, reader, {**params, "columns": KEY_COLUMNS})
    needs_content = run_sql_file(con, sql_dir / "load" / "batches" / "needs_content.sql")[0][0]
    if needs_content:
        return False
    _add_null_columns(con, CONTENT_COLUMNS)
    return True


def _add_null_columns(con: duckdb.DuckDBPyConnection, columns: dict[str, str]) -> None:
    """Add `columns` to _load_raw as NULL, in one statement rewriting the table (cheaper than an
    ALTER per column, on every batch)."""
    if columns:
        added = ", ".join(f"cast(null as {sql_type}) as {name}" for name, sql_type in columns.items())
        con.execute(f"create or replace temp table _load_raw as select *, {added} from _load_raw")


def _add_missing_columns(con: duckdb.DuckDBPyConnection, columns: dict[str, str], sql_dir: Path) -> None:
    """Add to _load_raw, as NULL, the `columns` it lacks: fields a staging batch written by an
    earlier version of the crawler lacks."""
    present = {row[0] for row in run_sql_file(con, sql_dir / "load" / "batches" / "raw_columns.sql")}
    _add_null_columns(con, {name: sql_type for name, sql_type in columns.items() if name not in present})
