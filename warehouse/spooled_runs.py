"""What a crawl could not write into a warehouse another process held, kept beside its batches.

A crawl whose warehouse is locked at its end (an analyst's session, a long query) cannot write
its run's row nor refresh the similarity tables. It leaves both in its spool folder instead:

    <spool>/<run_id>.run.json   the run's row: spider, started_at, finished_at, finish_reason,
                                pages_fetched, items_invalid, items_undated (the item and error
                                counts are the warehouse's, from what it loaded for the run)
    <spool>/refresh-pending     the articles changed and the similarity tables were not refreshed

The next load of the spool (the next crawl's, or `warehouse load`) writes the row once the run's
batches are in, so the run's crawl_errors point at a recorded run, and refreshes the tables.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from .atomic import write_text
from .clock import iso_json
from .db import WarehouseError
from .spool import BATCH_NAME
from .spool_owner import Owner, absolute

logger = logging.getLogger(__name__)

RUN_SUFFIX = ".run.json"
REFRESH_PENDING = "refresh-pending"


def write_run(spool_dir: str | Path, owner: dict[str, Any], run: dict[str, Any]) -> Path:
    """Keep a run's row (run_id, spider, started_at, finished_at, finish_reason, pages_fetched,
    items_invalid, items_undated) in the spool for the next load of the warehouse `owner` names
    (Owner.header(): its id and absolute path, as the run's batches name it)."""
    owner = {**owner, "warehouse_path": absolute(owner["warehouse_path"])}
    text = json.dumps({**run, "owner": owner}, default=iso_json, ensure_ascii=False, indent=1)
    return write_text(Path(spool_dir) / f"{run['run_id']}{RUN_SUFFIX}", text)


def mark_refresh_pending(spool_dir: str | Path) -> None:
    spool_dir = Path(spool_dir)
    spool_dir.mkdir(parents=True, exist_ok=True)
    (spool_dir / REFRESH_PENDING).touch()


def refresh_pending(spool_dir: str | Path) -> bool:
    return (Path(spool_dir) / REFRESH_PENDING).is_file()


def clear_refresh_pending(spool_dir: str | Path) -> None:
    (Path(spool_dir) / REFRESH_PENDING).unlink(missing_ok=True)


def spooled_runs(spool_dir: str | Path) -> list[Path]:
    return sorted(Path(spool_dir).glob(f"*{RUN_SUFFIX}"))


def record_spooled_runs(warehouse, spool_dir: str | Path) -> list[str]:
    """Write the rows of the runs kept in the spool whose batches are all loaded; each file goes
    once its row is in. A run whose batch failed to load keeps its file: its counts would be short;
    so does another warehouse's run (a SPOOL_DIR shared by several). Returns the run ids recorded.
    A locked warehouse raises WarehouseLocked (the files stay)."""
    spool_dir = Path(spool_dir)
    waiting = {match["run_id"] for path in spool_dir.glob("*.jsonl*") if (match := BATCH_NAME.match(path.name))}
    files = spooled_runs(spool_dir)
    if not files:
        return []
    me = Owner.of(warehouse.path)
    recorded = []
    for path in files:
        try:
            run = json.loads(path.read_text(encoding="utf-8"))
            run_id = run["run_id"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            logger.warning("run file %s unreadable (%s): left in place", path, exc)
            continue
        if run_id in waiting or not me.owns(run.get("owner"), spool_dir):
            continue
        _record(warehouse, run)
        path.unlink(missing_ok=True)
        recorded.append(run_id)
    return recorded


def _record(warehouse, run: dict[str, Any]) -> None:
    try:
        started_at = datetime.fromisoformat(run["started_at"])
    except (KeyError, ValueError) as exc:
        raise WarehouseError(f"the run file of {run.get('run_id')} is incomplete ({exc}): fix or remove it") from None
    # Started already when only the end found the warehouse busy.
    warehouse.start_shared_run(run["run_id"], run.get("spider") or "belarusinfocus", started_at)
    warehouse.finish_run(
        run["run_id"],
        finished_at=datetime.fromisoformat(run["finished_at"]),
        finish_reason=run["finish_reason"],
        pages_fetched=run.get("pages_fetched"),
        items_invalid=run.get("items_invalid"),
        items_undated=run.get("items_undated"),
    )
