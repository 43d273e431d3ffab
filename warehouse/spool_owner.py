"""Which warehouse a spool batch belongs to; the batches earlier versions left in a shared folder.

Every warehouse has an id (internal.warehouse_identity, made by its schema) and spools into its
own folder, `<warehouse file>.spool/` (warehouse/config.py). A crawl's batches start with a
header naming the warehouse they are for (warehouse/spool.py): its id, or null when the
warehouse was busy as the crawl started, and its absolute path. Warehouse W loads a batch when:

- the batch has no header: written before batches carried one (or by a tool spooling without
  one); it loads as it always did;
- its id is W's, and it lies in W's own folder, or names W's path, or names a path where W's id
  is no longer found: a warehouse moved (with its spool folder, or with SPOOL_DIR kept) keeps
  its batches, while a copy of a file (which keeps the id) leaves the batches of the original,
  still at its path, to the original;
- it has no id and names W's path.

Any other batch is foreign: never loaded, left in place, counted, and named in one line by
`warehouse load` and `warehouse status` (the warehouse it names loads it).

Upgrading: earlier versions spooled every warehouse of a folder into one `spool/` beside them.
Its batches carry no header, so the run they name decides: a batch of a run W recorded in
crawl_runs moves into W's own folder and loads there; any other batch stays where it is, and
`warehouse status` says how many wait there and what to do.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from .atomic import fsync_dir
from .config import SQL_DIR, default_spool_dir, legacy_spool_dir
from .db import WarehouseError, connect
from .spool import BATCH_NAME, HEADER_RECORD, batch_run_id, collect_batches
from .sqlfiles import run_sql_file

def absolute(path: str | Path) -> str:
    return str(Path(path).expanduser().resolve())


def read_header(path: str | Path) -> dict | None:
    """A batch's header (its first line, when that is a "spool" record), or None: a batch
    written before batches carried one, or by a worker of a shared crawl."""
    try:
        with open(path, "rb") as fh:
            first = fh.readline(1 << 16)
    except OSError:
        return None
    try:
        record = json.loads(first)
    except ValueError:
        return None
    return record if isinstance(record, dict) and record.get("record") == HEADER_RECORD else None


@dataclass(frozen=True)
class Owner:
    """A warehouse as a batch header names it."""

    warehouse_id: str | None
    warehouse_path: str  # absolute, symlinks resolved

    @classmethod
    def of(cls, db_path: str | Path, con: duckdb.DuckDBPyConnection | None = None) -> Owner:
        """The warehouse at `db_path`, its id read on `con` (or a read-only connection of its
        own); the id is None when the file is missing, busy, damaged or not migrated yet."""
        return cls(read_warehouse_id(db_path, con), absolute(db_path))

    def header(self) -> dict[str, Any]:
        return {"warehouse_id": self.warehouse_id, "warehouse_path": self.warehouse_path}

    def own_folder(self, folder: str | Path) -> bool:
        return absolute(folder) == absolute(default_spool_dir(self.warehouse_path))

    def owns(self, header: dict | None, folder: str | Path, ids: dict[str, str | None] | None = None) -> bool:
        """Whether the batch with `header`, found in `folder`, is this warehouse's. `ids`: a cache
        of the ids of the other files headers name, for a folder of many batches."""
        if header is None:
            return True
        named = str(header.get("warehouse_path") or "")
        same_path = named == self.warehouse_path
        their_id = header.get("warehouse_id")
        if their_id is None or self.warehouse_id is None:
            return same_path
        if their_id != self.warehouse_id:
            return False
        if same_path or self.own_folder(folder):
            return True
        # This warehouse's id, another path: this file moved from there (nothing is there now, or
        # another warehouse), or it is a copy of the file still there, which keeps its batches.
        if ids is None:
            ids = {}
        if named not in ids:
            there = Path(named).exists()
            found = read_warehouse_id(named) if there else None
            # there, but unreadable now (busy): leave the batch to it
            ids[named] = their_id if there and found is None else found
        return ids[named] != their_id


def read_warehouse_id(db_path: str | Path, con: duckdb.DuckDBPyConnection | None = None) -> str | None:
    if con is None:
        if not Path(db_path).is_file():
            return None
        try:
            with connect(db_path, read_only=True) as own:
                return read_warehouse_id(db_path, own)
        except WarehouseError:
            return None
    try:
        rows = run_sql_file(con, SQL_DIR / "spool" / "warehouse_id.sql")
    except duckdb.CatalogException:  # not migrated yet: `warehouse init` (or a crawl) makes the id
        return None
    return rows[0][0] if rows else None


@dataclass
class Split:
    """A spool folder's sealed batches, by whom they belong to."""

    mine: list[Path] = field(default_factory=list)
    foreign: list[tuple[Path, str]] = field(default_factory=list)  # (batch, the warehouse path it names)


def split(batches: Iterable[Path], owner: Owner, folder: str | Path) -> Split:
    result = Split()
    ids: dict[str, str | None] = {}
    for batch in batches:
        header = read_header(batch)
        if owner.owns(header, folder, ids):
            result.mine.append(batch)
        else:
            result.foreign.append((batch, str(header.get("warehouse_path") or "an unnamed warehouse")))
    return result


def foreign_line(folder: str | Path, foreign: list[tuple[str, str]]) -> str:
    """One line for batches of other warehouses found in `folder`: (batch name, warehouse path)."""
    owners = sorted({path for _, path in foreign})
    named = ", ".join(owners[:3]) + (f" and {len(owners) - 3} more" if len(owners) > 3 else "")
    example = f" (`warehouse load --db {owners[0]} --spool {folder}`)" if len(owners) == 1 else ""
    return (f"{len(foreign)} batch(es) in {folder} were spooled for another warehouse ({named}): "
            f"left in place, never loaded here; that warehouse's crawl or load takes them{example}")


# -- the old shared folder --------------------------------------------------------------------

def legacy_folder(db_path: str | Path, spool_dir: str | Path) -> Path | None:
    """The old shared `spool/` beside the warehouse, when it exists and is not `spool_dir` itself."""
    legacy = legacy_spool_dir(db_path)
    if not legacy.is_dir() or absolute(legacy) == absolute(spool_dir):
        return None
    return legacy


def _recorded_runs(con: duckdb.DuckDBPyConnection) -> set[str]:
    try:
        return {row[0] for row in run_sql_file(con, SQL_DIR / "runs" / "run_ids.sql")}
    except duckdb.CatalogException:
        return set()


def _legacy_batch_is_mine(batch: Path, header: dict | None, owner: Owner, legacy: Path, runs: set[str]) -> bool:
    if header is None:
        return batch_run_id(batch) in runs
    return owner.owns(header, legacy)


def adopt_legacy(con: duckdb.DuckDBPyConnection, db_path: str | Path, owner: Owner, spool_dir: str | Path) -> int:
    """Move this warehouse's batches out of the old shared `spool/` into its own folder (a rename:
    the folders sit side by side). Returns the batches moved; the others stay."""
    legacy = legacy_folder(db_path, spool_dir)
    if legacy is None:
        return 0
    batches, _ = collect_batches(legacy)  # seals dead runs' unfinished batches, as loads always did
    runs = _recorded_runs(con)
    spool_dir = Path(spool_dir)
    moved = 0
    for batch in batches:
        target = spool_dir / batch.name
        if target.exists() or not _legacy_batch_is_mine(batch, read_header(batch), owner, legacy, runs):
            continue
        spool_dir.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(batch, target)
        except OSError as exc:  # another file system (a symlinked folder): it stays, status says so
            raise WarehouseError(f"cannot move {batch} into {spool_dir}: {exc.strerror}; move it by hand "
                                 "and run `warehouse load`") from None
        moved += 1
    if moved:
        fsync_dir(spool_dir)
    return moved


def legacy_waiting(con: duckdb.DuckDBPyConnection, db_path: str | Path, owner: Owner,
                   spool_dir: str | Path) -> tuple[Path, int, int] | None:
    """(old folder, batches of this warehouse's runs, batches of runs it does not know), read-only."""
    legacy = legacy_folder(db_path, spool_dir)
    if legacy is None:
        return None
    runs = _recorded_runs(con)
    mine = unknown = 0
    for path in legacy.iterdir():
        if not BATCH_NAME.match(path.name):
            continue
        header = read_header(path)
        if _legacy_batch_is_mine(path, header, owner, legacy, runs):
            mine += 1
        elif header is None:
            unknown += 1
    return (legacy, mine, unknown) if mine or unknown else None
