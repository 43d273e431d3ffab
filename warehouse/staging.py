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

This module is the layout and the workers' side; the loader's side, which brings the batches
and the runs into the warehouse and writes known.json, is warehouse/staging_load.py. `<run>` is
the shared run, the crawl_runs row all its workers' batches and errors count towards.
"""

from __future__ import annotations

import json
import logging
import os
import re
import socket
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from .batch_columns import JSON_COLUMNS
from .config import SQL_DIR
from .db import WarehouseError, one_line
from . import locks
from .atomic import atomic_write, write_text
from .clock import iso_json
from .spool import batch_run_id, collect_batches, run_is_alive
from .recrawl_state import KnownArticle
from .sqlfiles import run_sql_file

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

def publish(batch: str | Path, staging_dir: str | Path, sql_dir: Path = SQL_DIR) -> Path:
    """Convert one sealed spool batch (`<run>.<worker>-<seq>.jsonl`) into a staging batch of the same
    name, `.parquet`. Reads it with the loader's own reader (sql/load/read/jsonl.sql), so the Parquet
    file has the columns and types the loader expects. Idempotent: publishing again rewrites the
    same file, and the loader's `internal._loaded_batches` keeps it loaded once."""
    batch = Path(batch)
    target = Path(staging_dir) / (batch.name.removesuffix(".jsonl") + ".parquet")
    if not STAGED_BATCH.match(target.name):
        raise WarehouseError(f"{batch.name} is not a worker's spool batch (<run>.<worker>-<seq:06d>.jsonl)")

    def write(part: Path) -> None:
        with duckdb.connect() as con:  # in memory: a worker never opens the warehouse
            run_sql_file(con, sql_dir / "load" / "read" / "jsonl.sql", {"batch_paths": [str(batch)], "columns": JSON_COLUMNS})
            run_sql_file(con, sql_dir / "staging" / "publish.sql", {"out": str(part)})

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        return atomic_write(target, write)
    except duckdb.Error as exc:
        raise WarehouseError(f"batch {batch.name} was not staged: {one_line(exc)}") from None


def publish_spool(spool_dir: str | Path, staging_dir: str | Path) -> int:
    """Publish what workers that are gone left in a worker spool on this machine: their sealed
    batches, and the complete lines of the `.part` files of killed ones (what a killed worker had
    fetched is not lost). Each spool file is deleted once its Parquet file is in place. Returns
    the number published."""
    spool_dir = Path(spool_dir)
    spool_dir.mkdir(parents=True, exist_ok=True)
    # Workers starting together on one machine would salvage the same dead .part files.
    with locks.hold(spool_dir / ".publish-lock"):
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
    text = json.dumps(manifest, default=iso_json, ensure_ascii=False, indent=1)
    return write_text(Path(staging_dir) / RUNS / name, text)


@dataclass
class KnownState:
    """What the recrawl policy of a worker knows of the warehouse (crawler/recrawl.py)."""

    articles: dict[str, KnownArticle] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)
    last_run_finished: bool = False
    written_at: datetime | None = None


def read_known_state(staging_dir: str | Path) -> KnownState:
    """The loader's last snapshot; an empty state (fetch everything) when there is none yet."""
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
