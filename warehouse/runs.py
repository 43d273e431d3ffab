"""The crawl-run ledger, `crawl_runs`: a run's row is opened when it starts and closed when it
ends, with its counts; runs a dead process left open are closed by the next one. The SQL is in
sql/runs/. Each function works on an open connection; Warehouse (loader.py) opens it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import duckdb

from .db import WarehouseError
from .sqlfiles import run_sql_file


def start(con: duckdb.DuckDBPyConnection, sql_dir: Path, run_id: str, spider: str, started_at: datetime) -> None:
    """Open the run's row; a run id already recorded is refused."""
    try:
        run_sql_file(con, sql_dir / "runs" / "start.sql", {"run_id": run_id, "spider": spider, "at": started_at})
    except duckdb.ConstraintException:
        raise WarehouseError(f"crawl run {run_id} is already recorded: run ids must be unique") from None


def start_shared(con: duckdb.DuckDBPyConnection, sql_dir: Path, run_id: str, spider: str, started_at: datetime) -> None:
    """Open the row of a run several processes report on (a shared crawl's workers): the first
    report makes it, the next ones leave it as it is."""
    run_sql_file(con, sql_dir / "runs" / "start_shared.sql", {"run_id": run_id, "spider": spider, "at": started_at})


def finish(con: duckdb.DuckDBPyConnection, sql_dir: Path, run_id: str, finished_at: datetime, finish_reason: str,
           counts: dict[str, int | None]) -> bool:
    """Close the run's row (sql/runs/finish.sql). `counts`: pages, new, updated, unchanged, invalid,
    errors, undated; None takes the count from what was loaded for the run. False: the run was
    never started."""
    params = {"run_id": run_id, "at": finished_at, "reason": finish_reason, **counts}
    return bool(run_sql_file(con, sql_dir / "runs" / "finish.sql", params))


def close_stale(con: duckdb.DuckDBPyConnection, sql_dir: Path, finished_at: datetime, keep: Iterable[str],
                reason: str) -> list[str]:
    """Mark every run still open, other than `keep`, as ended with `reason`; the run ids closed."""
    rows = run_sql_file(con, sql_dir / "runs" / "close_stale.sql",
                        {"at": finished_at, "reason": reason, "keep": list(keep)})
    return sorted(row[0] for row in rows)


def last_closed_finished(con: duckdb.DuckDBPyConnection, sql_dir: Path) -> bool:
    """Whether the latest closed run ended 'finished'."""
    rows = run_sql_file(con, sql_dir / "runs" / "last_closed_reason.sql")
    return bool(rows) and rows[0][0] == "finished"
