"""What waits in a warehouse's spool folder, for `warehouse status` (read-only: nothing is moved,
salvaged or loaded here).

A batch "waits" between a crawl that could not load it (the warehouse was busy, the disk full)
and the next crawl or `warehouse load`. A waiting batch the loader cannot read is stuck: it
stays until a person mends it, so status reads each waiting batch the way the loader does
(DuckDB's read_json with the loader's columns) and names the line it stops at.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .batch_columns import JSON_COLUMNS
from .config import SQL_DIR
from .db import WarehouseError, one_line
from .spool import BATCH_NAME, check_folder, run_is_alive
from .spool_owner import Owner, legacy_waiting, split
from .spooled_runs import refresh_pending, spooled_runs
from .sqlfiles import sql_text

@dataclass
class SpoolSurvey:
    folder: Path
    problem: str | None = None  # the folder itself is unusable (a file, no permission)
    waiting: int = 0  # this warehouse's sealed batches not loaded yet
    stuck: list[tuple[Path, str]] = field(default_factory=list)  # (batch, what is wrong and what to do)
    writing: int = 0  # unfinished batches of runs still running
    dead: int = 0  # unfinished batches of dead runs: the next load seals and loads their whole lines
    foreign: list[tuple[str, str]] = field(default_factory=list)  # (batch name, the warehouse it names)
    legacy: tuple[Path, int, int] | None = None  # old shared folder, batches of ours, of unknown runs
    runs_unrecorded: int = 0  # runs whose row waits in the spool (the warehouse was busy at their end)
    refresh_pending: bool = False


def first_bad_line(batch: Path) -> int | None:
    """The number (1-based) of the first line of `batch` that is not a JSON object, or None."""
    with open(batch, "rb") as fh:
        for number, line in enumerate(fh, start=1):
            try:
                if isinstance(json.loads(line), dict):
                    continue
            except ValueError:
                pass
            return number
    return None


def unreadable(batch: Path, sql_dir: Path = SQL_DIR) -> str | None:
    """Why the loader cannot read `batch` (with what to do), or None when it can."""
    with duckdb.connect() as con:
        try:
            con.execute(sql_text(sql_dir / "status" / "read_batch.sql"),
                        {"batch_paths": [str(batch)], "columns": JSON_COLUMNS}).fetchall()
            return None
        except duckdb.Error as exc:
            problem = one_line(exc)
    line = first_bad_line(batch)
    if line is None:  # every line is JSON: a value of the wrong type
        return f"{problem}; mend or delete the record it names, then run `warehouse load`"
    return (f"line {line} is not a whole JSON record ({problem}); the batch's other records load once it is "
            f"gone: delete it (`sed -i '{line}d' {batch}`), then run `warehouse load`")


def survey(con: duckdb.DuckDBPyConnection, db_path: Path, spool_dir: Path, sql_dir: Path = SQL_DIR) -> SpoolSurvey:
    """The state of `spool_dir` for the warehouse at `db_path` (`con`: a read-only connection to it)."""
    result = SpoolSurvey(Path(spool_dir))
    try:
        folder = check_folder(spool_dir)
    except WarehouseError as exc:
        result.problem = str(exc)
        return result
    owner = Owner.of(db_path, con)
    result.legacy = legacy_waiting(con, db_path, owner, folder)
    if not folder.is_dir():
        return result
    sealed, parts = [], []
    for path in sorted(folder.iterdir()):
        match = BATCH_NAME.match(path.name)
        if match:
            (parts if match["part"] else sealed).append((path, match["run_id"]))
    for path, run_id in parts:
        if run_is_alive(folder, run_id):
            result.writing += 1
        else:
            result.dead += 1
    mine = split([path for path, _ in sealed], owner, folder)
    result.foreign = [(batch.name, named) for batch, named in mine.foreign]
    result.waiting = len(mine.mine)
    for batch in mine.mine:
        why = unreadable(batch, sql_dir)
        if why:
            result.stuck.append((batch, why))
    result.runs_unrecorded = len(spooled_runs(folder))
    result.refresh_pending = refresh_pending(folder)
    return result
