"""The staging area of a shared crawl (workers on one Redis frontier, crawler/frontier.py): a folder,
STAGING_DIR, that every worker and the loader share. Workers never open the warehouse file; the
loader (`warehouse load --staging DIR`, the warehouse's single writer) brings the batches in.

    <run>.<worker>-<seq:06d>.parquet   a batch: one sealed spool batch of a worker (the records of
                                       spool.py), converted by `publish`; written under a temporary
                                       name, fsynced and renamed, so a half-written batch is never
                                       seen, let alone loaded
    runs/<run>.<worker>.json           a worker's manifest, written when it stops: times, pages
                                       fetched, why it stopped, and how the run ended if it saw
                                       the end (runs/done/ once recorded in crawl_runs)
    known.json                         what the workers' recrawl policy needs from the warehouse
                                       (stored articles, recent failures, whether the last run
                                       finished); rewritten by every load
    spool/<host>/                      workers' own spools (JSON lines) until a batch is sealed

`load_staging` loads every complete batch in name order, each in one transaction together with
its name in `_loaded_batches` (Warehouse.load_batch, the same merge as the spool's), deleting
it once committed: a rerun after a crash skips what was committed and loads the rest. `<run>` is
the shared run, the crawl_runs row all its workers' batches and errors count towards.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import socket
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from .config import SQL_DIR
from .db import WarehouseError, connect, one_line
from .spool import _fsync_dir, batch_run_id, collect_batches, run_is_alive

if TYPE_CHECKING:
    from .loader import KnownArticle, LoadResult, Warehouse

logger = logging.getLogger(__name__)

# A run or worker id: letters, digits and _ : - (no dot: the dot separates them in file names).
ID = re.compile(r"^[A-Za-z0-9_:-]+$")
STAGED_BATCH = re.compile(r"^(?P<run>[A-Za-z0-9_:-]+)\.(?P<worker>[A-Za-z0-9_:-]+)-(?P<seq>\d{6})\.parquet$")
KNOWN_STATE = "known.json"
RUNS = "runs"
# Failures (404/410, oversized) the workers skip: the crawler's REFETCH_DAYS default.
FAILURES_KEPT_DAYS = 14


def worker_id(pid: int | None = None) -> str:
    """`<host>-<pid>`, in the characters a batch name allows: unique among live workers."""
    host = re.sub(r"[^A-Za-z0-9_-]", "_", socket.gethostname()) or "host"
    return f"{host}-{pid or os.getpid()}"


def spool_stem(run_id: str, worker: str) -> str:
    """The spool run id of one worker in one shared run; its batches become `<stem>-<seq>.parquet`."""
    for name, value in (("run id", run_id), ("worker id", worker)):
        if not ID.match(value):
            raise ValueError(f"{name} {value!r} may hold only letters, digits and _ : -")
    return f"{run_id}.{worker}"


def default_spool_dir(staging_dir: str | Path) -> Path:
    return Path(staging_dir) / "spool" / re.sub(r"[^A-Za-z0-9_-]", "_", socket.gethostname())


# -- the workers' side -------------------------------------------------------------------------

def _atomic_write(target: Path, write) -> Path:
    """Write through a temporary name of this process, fsync, rename: readers see all or nothing.
    The temporary name is per process, so two workers publishing the same batch cannot mix."""
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f"{target.name}.{os.getpid()}.part")
    try:
        write(part)
        with open(part, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)
    _fsync_dir(target.parent)
    return target


def publish(batch: str | Path, staging_dir: str | Path, sql_dir: Path = SQL_DIR) -> Path:
    """Convert one sealed spool batch (`<run>.<worker>-<seq>.jsonl`) into a staging batch of the same
    name, `.parquet`. Reads it with the loader's own reader (sql/load/read/jsonl.sql), so the Parquet
    file has the columns and types the loader expects. Idempotent: publishing again rewrites the
    same file, and the loader's `_loaded_batches` keeps it loaded once."""
    from .loader import JSON_COLUMNS, run_sql_file  # the loader imports this module lazily too

    batch = Path(batch)
    target = Path(staging_dir) / (batch.name.removesuffix(".jsonl") + ".parquet")
    if not STAGED_BATCH.match(target.name):
        raise WarehouseError(f"{batch.name} is not a worker's spool batch (<run>.<worker>-<seq:06d>.jsonl)")

    def write(part: Path) -> None:
        with duckdb.connect() as con:  # in memory: a worker never opens the warehouse
            run_sql_file(con, sql_dir / "load" / "read" / "jsonl.sql", {"batch_paths": [str(batch)], "columns": JSON_COLUMNS})
            # the loader names a record's batch after the file it reads (read/parquet.sql)
            con.execute("copy (select * exclude (batch) from _load_raw) to $out (format parquet)", {"out": str(part)})

    try:
        return _atomic_write(target, write)
    except duckdb.Error as exc:
        raise WarehouseError(f"batch {batch.name} was not staged: {one_line(exc)}") from None


@contextmanager
def _exclusive(path: Path):
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def publish_spool(spool_dir: str | Path, staging_dir: str | Path) -> int:
    """Publish what workers that are gone left in a worker spool on this machine: their sealed
    batches, and the complete lines of the `.part` files of killed ones (what a killed worker had
    fetched is not lost). Each spool file is deleted once its Parquet file is in place. Returns
    the number published."""
    spool_dir = Path(spool_dir)
    spool_dir.mkdir(parents=True, exist_ok=True)
    # Workers starting together on one machine would salvage the same dead .part files.
    with _exclusive(spool_dir / ".publish-lock"):
        batches, torn = collect_batches(spool_dir)
        if torn:
            logger.warning("%d torn line(s) of killed workers skipped in %s", torn, spool_dir)
        published = 0
        for batch in batches:
            if run_is_alive(spool_dir, batch_run_id(batch)):
                continue  # a live worker publishes its own batches
            try:
                publish(batch, staging_dir)
            except WarehouseError:
                if batch.exists():
                    raise
                continue  # its worker published it meanwhile (it stopped between our two looks)
            batch.unlink(missing_ok=True)
            published += 1
    return published


def write_manifest(staging_dir: str | Path, manifest: dict[str, Any]) -> Path:
    """A worker's record of its part in a run (see module docstring), written when it stops."""
    name = spool_stem(manifest["run_id"], manifest["worker"]) + ".json"
    text = json.dumps(manifest, default=_iso, ensure_ascii=False, indent=1)
    return _atomic_write(Path(staging_dir) / RUNS / name, lambda part: part.write_text(text, encoding="utf-8"))


def _iso(value: Any) -> str:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to a manifest")


@dataclass
class KnownState:
    """What the recrawl policy of a worker knows of the warehouse (crawler/recrawl.py)."""

    articles: dict[str, KnownArticle] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)
    last_run_finished: bool = False
    written_at: datetime | None = None


def read_known_state(staging_dir: str | Path) -> KnownState:
    """The loader's last snapshot; an empty state (fetch everything) when there is none yet."""
    from .loader import KnownArticle

    path = Path(staging_dir) / KNOWN_STATE
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return KnownState()
    except (OSError, ValueError) as exc:
        logger.warning("cannot read %s (%s): fetching every article", path, exc)
        return KnownState()

    def when(text: str | None) -> datetime | None:
        return datetime.fromisoformat(text) if text else None

    def day(text: str | None) -> date | None:
        return date.fromisoformat(text) if text else None

    articles = {
        url: KnownArticle(when(a["published_at"]), when(a["last_seen_at"]), a["etag"], a["last_modified"],
                          when(a["gone_at"]), day(a.get("period_end")))  # absent in a snapshot of an older loader
        for url, a in document["articles"].items()
    }
    return KnownState(articles, set(document["failed"]), bool(document["last_run_finished"]),
                      when(document["written_at"]))


# -- the loader's side ---------------------------------------------------------------------------

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
    text = json.dumps(document, default=_iso, ensure_ascii=False)
    return _atomic_write(Path(staging_dir) / KNOWN_STATE, lambda part: part.write_text(text, encoding="utf-8"))


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
    from .loader import LoadResult

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
    with connect(warehouse.path) as con:
        try:
            con.execute("insert into crawl_runs (run_id, spider, started_at) values ($run_id, $spider, $at) "
                        "on conflict do nothing",
                        {"run_id": run_id, "spider": manifests[0]["spider"], "at": started_at})
        except duckdb.CatalogException as exc:
            raise warehouse._not_initialised(exc) from None
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
