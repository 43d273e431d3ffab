"""The loader's side of a shared crawl's staging area (its layout: warehouse/staging.py):
`load_staging` loads every complete batch in name order, each in one transaction together with
its name in `internal._loaded_batches` (the same merge as the spool's, batch_merge.py), deleting
it once committed: a rerun after a crash skips what was committed and loads the rest. Then it
records the runs whose workers reported, and writes known.json for the next workers.
"""

from __future__ import annotations

import json
import logging
import os
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from .load_result import LoadResult
from .atomic import write_text
from .clock import iso_json
from .staging import FAILURES_KEPT_DAYS, KNOWN_STATE, RUNS, STAGED_BATCH

if TYPE_CHECKING:  # for the annotations only: the loader calls this module, never the other way
    from .loader import Warehouse

logger = logging.getLogger(__name__)


def write_known_state(warehouse: Warehouse, staging_dir: str | Path) -> Path:
    """Snapshot of what the workers' recrawl policy needs, for the next workers to read."""
    now = warehouse.clock()
    articles = {
        url: {"published_at": a.published_at, "last_seen_at": a.last_seen_at, "etag": a.etag,
              "last_modified": a.last_modified, "gone_at": a.gone_at, "period_end": a.period_end}
        for url, a in warehouse.known_articles().items()
    }
    document = {
        "written_at": now,
        "last_run_finished": warehouse.last_run_finished(),
        "failed": sorted(warehouse.known_failures(since=now - timedelta(days=FAILURES_KEPT_DAYS))),
        "articles": articles,
    }
    text = json.dumps(document, default=iso_json, ensure_ascii=False)
    return write_text(Path(staging_dir) / KNOWN_STATE, text)


def staged_batches(staging_dir: str | Path) -> list[tuple[Path, str]]:
    """Complete batches in `staging_dir`, in name order, each with its shared run id."""
    found = []
    for path in sorted(Path(staging_dir).glob("*.parquet")):
        match = STAGED_BATCH.match(path.name)
        if match:
            found.append((path, match["run"]))
    return found


def load_staging(warehouse: Warehouse, staging_dir: str | Path) -> LoadResult:
    """Load every complete batch of the staging area exactly once (see the module docstring), record
    the runs whose workers reported, and write the snapshot the next workers read. A batch that
    fails stays in place and is listed in `failed`; a locked warehouse stops the whole call."""
    staging_dir = Path(staging_dir)
    total = LoadResult()
    batches = staged_batches(staging_dir)
    if batches:
        with warehouse.loading() as con:
            total += warehouse.load_groups(con, batches, "parquet")
    touched = {run_id for _, run_id in batches}
    record_runs(warehouse, staging_dir, touched)
    write_known_state(warehouse, staging_dir)
    return total


def record_runs(warehouse: Warehouse, staging_dir: Path, touched: set[str] = frozenset()) -> list[str]:
    """Bring the workers' manifests into crawl_runs: one row per shared run, its times and pages
    summed over the workers, its item counts from what was loaded for it. A run ends 'finished'
    or 'interrupted' as its last worker saw it end (interrupted: a worker was lost or failed, so
    the next run walks every listing); when no worker saw the end but one failed (e.g. Redis was
    lost), 'interrupted'; while only workers that left cleanly (Ctrl-C) reported, it stays open.
    A later manifest of the same run corrects the row. Runs in `touched` (batches just loaded)
    are counted again. Returns the run ids recorded."""
    runs_dir, done_dir = staging_dir / RUNS, staging_dir / RUNS / "done"
    fresh: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(runs_dir.glob("*.json")):
        fresh[path.name.split(".", 1)[0]].append(path)
    recorded = []
    for run_id in sorted(set(fresh) | set(touched)):
        paths = fresh.get(run_id, []) + sorted(done_dir.glob(f"{run_id}.*.json"))
        manifests = []
        for path in paths:
            try:
                manifests.append(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError) as exc:
                logger.warning("manifest %s unreadable (%s): skipped", path, exc)
        if not manifests:
            continue
        _record_run(warehouse, run_id, manifests)
        recorded.append(run_id)
        done_dir.mkdir(parents=True, exist_ok=True)
        for path in fresh.get(run_id, []):
            os.replace(path, done_dir / path.name)
    return recorded


def _record_run(warehouse: Warehouse, run_id: str, manifests: list[dict]) -> None:
    outcomes = [m["run_outcome"] for m in manifests if m.get("run_outcome")]
    if outcomes:
        reason = "interrupted" if "interrupted" in outcomes else outcomes[0]
    elif any(m.get("reason") not in ("finished", "shutdown") for m in manifests):
        reason = "interrupted"
    else:  # only workers that left cleanly so far: the run goes on (or resumes with the next workers)
        reason = None
    started_at = min(datetime.fromisoformat(m["started_at"]) for m in manifests)
    warehouse.start_shared_run(run_id, manifests[0]["spider"], started_at)
    if reason is None:
        return
    total = lambda key: sum(int(m.get(key) or 0) for m in manifests)  # noqa: E731
    warehouse.finish_run(
        run_id,
        finished_at=max(datetime.fromisoformat(m["finished_at"]) for m in manifests),
        finish_reason=reason,
        pages_fetched=total("pages_fetched"),
        items_invalid=total("items_invalid"),
        items_undated=total("items_undated"),
    )
