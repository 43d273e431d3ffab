"""The spool: items on disk between the crawl and the warehouse.

A crawl appends each record as one JSON line to its current batch file
`<dir>/<run_id>-<seq:06d>.jsonl.part`; `seal()` fsyncs it and renames it to `.jsonl` (atomic), and
the loader merges sealed batches exactly once. Records (one JSON object per line):

    {"record": "article", <ArticleItem fields>, "fetched_at": ISO-8601 with offset}
        published_at is ISO-8601 with offset; period_start/period_end are YYYY-MM-DD; authors is
        a list of names; similar_links is a list of {url, title, position}
    {"record": "error", "url", "kind", "message", "occurred_at": ISO-8601 with offset}
    {"record": "seen" | "gone", "url", "fetched_at"}   a stored article answered 304 / 404 or 410
    {"record": "moved", "from_sites": [...], "to_site"}  the site's host changed: the loader moves
        the stored rows of from_sites to to_site before merging the records after this one

Each line goes to the OS as soon as it is appended, so a crashed crawl loses nothing it fetched.
While a spool is open its run holds an exclusive flock on `<dir>/<run_id>.lock`; the OS drops it
when the process dies. A `.part` file whose run holds no lock is a dead run's unfinished batch:
`collect_batches` salvages it by cutting it after its last complete line (a torn last line is
skipped and counted) and renaming it to `.jsonl`, so it loads like any sealed batch.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .db import WarehouseError

try:  # POSIX; without it no .part file is ever judged dead (they are left for a human)
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

# Letters, digits and . _ : - only: names are read back through DuckDB's read_json, which treats
# * ? [ ] in a path as a glob, and through file names.
RUN_ID = re.compile(r"^[A-Za-z0-9._:-]+$")
BATCH_NAME = re.compile(r"^(?P<run_id>[A-Za-z0-9._:-]+)-(?P<seq>\d{6})\.jsonl(?P<part>\.part)?$")


def batch_run_id(path: str | Path) -> str:
    """The run id a batch file belongs to: `<run_id>-<seq>.jsonl[.part]`."""
    match = BATCH_NAME.match(Path(path).name)
    if not match:
        raise WarehouseError(f"{Path(path).name} is not a spool batch name (<run_id>-<seq:06d>.jsonl)")
    return match["run_id"]


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            # A naive time would be read back as UTC, silently shifting Minsk times by 3 hours.
            raise ValueError(f"naive datetime {value.isoformat()} in a spool record: make it tz-aware")
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} to the spool")


def encode(record: Mapping[str, Any]) -> bytes:
    return (json.dumps(record, default=_json_default, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


class Spool:
    """Appends records for one run to batch files in `directory`.

    >>> spool = Spool("data/spool", "20240101T000000Z-1a2b")
    >>> spool.append_article(item_dict, fetched_at=now)
    >>> path = spool.seal()          # -> data/spool/20240101T000000Z-1a2b-000001.jsonl
    >>> warehouse.load_batch(path); path.unlink()
    >>> spool.close()                # seals what is left and drops the run's lock
    """

    def __init__(self, directory: str | Path, run_id: str):
        if not RUN_ID.match(run_id):
            raise ValueError(f"run id {run_id!r} may hold only letters, digits and . _ : -")
        self.directory = Path(directory)
        self.run_id = run_id
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WarehouseError(f"cannot create spool folder {self.directory}: {exc.strerror}") from None
        self._lock_path = self.directory / f"{run_id}.lock"
        self._lock_fd = self._acquire_lock()
        self._seq = self._last_seq() + 1
        self._fh = None
        self.pending = 0  # records in the current, unsealed batch

    # -- run lock ---------------------------------------------------------------------------
    def _acquire_lock(self) -> int | None:
        fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise WarehouseError(f"run {self.run_id} is already spooling into {self.directory}") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())  # for humans: which process owns the run
        return fd

    def _last_seq(self) -> int:
        seqs = [
            int(m["seq"])
            for p in self.directory.glob(f"{self.run_id}-*.jsonl*")
            if (m := BATCH_NAME.match(p.name)) and m["run_id"] == self.run_id
        ]
        return max(seqs, default=0)

    # -- writing ----------------------------------------------------------------------------
    @property
    def part_path(self) -> Path:
        return self.directory / f"{self.run_id}-{self._seq:06d}.jsonl.part"

    def append(self, record: Mapping[str, Any]) -> None:
        """Append one record (must carry "record": "article" | "error")."""
        if self._lock_fd is None:
            raise WarehouseError(f"spool of run {self.run_id} is closed")
        line = encode(record)  # encode first: a bad record must not leave half a line behind
        if self._fh is None:
            self._fh = open(self.part_path, "ab")
        self._fh.write(line)
        self._fh.flush()  # to the OS now: survives the crawl process dying
        self.pending += 1

    def append_article(self, item: Mapping[str, Any] | Any, *, fetched_at: datetime) -> None:
        """An article item (a dict, or the dataclass itself)."""
        # The top level only: encode() turns nested dataclasses (similar links) into objects, and
        # dataclasses.asdict's deep copy of every field costs more than the encoding.
        fields = ({field.name: getattr(item, field.name) for field in dataclasses.fields(item)}
                  if dataclasses.is_dataclass(item) else dict(item))
        self.append({"record": "article", **fields, "fetched_at": fetched_at})

    def append_error(self, url: str, kind: str, message: str | None, occurred_at: datetime) -> None:
        self.append({"record": "error", "url": url, "kind": kind, "message": message, "occurred_at": occurred_at})

    def append_revisit(self, url: str, outcome: str, fetched_at: datetime) -> None:
        """A stored article re-fetched without content: outcome "seen" (304) or "gone" (404/410)."""
        self.append({"record": outcome, "url": url, "fetched_at": fetched_at})

    def append_move(self, from_sites: list[str], to_site: str, occurred_at: datetime) -> None:
        """The site's current host is `to_site`: stored rows of `from_sites` move there."""
        self.append({"record": "moved", "from_sites": list(from_sites), "to_site": to_site, "occurred_at": occurred_at})

    def seal(self) -> Path | None:
        """Make the current batch durable and final (`.jsonl`); return its path, or None if empty."""
        if self._fh is None:
            return None
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        self._fh = None
        part = self.part_path
        sealed = part.with_suffix("")  # drop ".part"
        os.replace(part, sealed)
        _fsync_dir(self.directory)
        self._seq += 1
        self.pending = 0
        return sealed

    def close(self) -> Path | None:
        """Seal what is left and release the run's lock. Returns the last sealed batch, if any."""
        if self._lock_fd is None:
            return None
        sealed = self.seal()
        # Unlink before unlocking: once unlocked, a loader may judge the run dead, and by then
        # no .part of this run is left.
        self._lock_path.unlink(missing_ok=True)
        os.close(self._lock_fd)
        self._lock_fd = None
        return sealed

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows cannot open folders
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def run_is_alive(directory: str | Path, run_id: str) -> bool:
    """True while a process holds the run's spool lock (or when that cannot be told)."""
    if fcntl is None:  # pragma: no cover
        return True
    lock_path = Path(directory) / f"{run_id}.lock"
    try:
        fd = os.open(lock_path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing also drops the lock we may have just taken
    return False


def salvage_part(part: Path) -> tuple[Path | None, int]:
    """Turn a dead run's `.part` file into a sealed batch. Returns (sealed path or None, torn lines).

    Lines are appended whole, so only the last one can be torn (the process died mid-write):
    it is cut off and counted. Idempotent, so a crash half-way through is harmless.
    """
    data = part.read_bytes()
    end = data.rfind(b"\n") + 1
    tail = data[end:]
    torn, keep_tail = 0, False
    if tail.strip():
        try:
            keep_tail = isinstance(json.loads(tail), dict)  # whole record, only its newline lost
        except ValueError:
            pass
        torn = 0 if keep_tail else 1
    if end == 0 and not keep_tail:
        part.unlink()
        return None, torn
    with open(part, "r+b") as fh:
        if keep_tail:
            fh.seek(0, os.SEEK_END)
            fh.write(b"\n")
        else:
            fh.truncate(end)
        fh.flush()
        os.fsync(fh.fileno())
    sealed = part.with_suffix("")
    os.replace(part, sealed)
    return sealed, torn


def collect_batches(directory: str | Path) -> tuple[list[Path], int]:
    """Sealed batches in `directory`, in name order, after salvaging dead runs' `.part` files.

    Returns (batch paths, torn lines skipped while salvaging). `.part` files of live runs are left
    alone: their crawl is still writing them.
    """
    directory = Path(directory)
    torn = 0
    for part in sorted(directory.glob("*.jsonl.part")):
        match = BATCH_NAME.match(part.name)
        if not match or run_is_alive(directory, match["run_id"]):
            continue
        _, skipped = salvage_part(part)
        torn += skipped
    for lock in directory.glob("*.lock"):  # dead runs' leftovers, now that their batches are sealed
        run_id = lock.name[: -len(".lock")]
        if not any(directory.glob(f"{run_id}-*.jsonl.part")) and not run_is_alive(directory, run_id):
            lock.unlink(missing_ok=True)
    batches = sorted(p for p in directory.glob("*.jsonl") if BATCH_NAME.match(p.name))
    return batches, torn
