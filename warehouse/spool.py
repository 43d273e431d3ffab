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

A crawl's batch starts with a header naming the warehouse it is spooled for (warehouse/spool_owner.py
decides which batches a warehouse loads; the loader ignores the record kind):

    {"record": "spool", "warehouse_id": uuid or null, "warehouse_path": absolute path}

Each line goes to the OS as soon as it is appended, so a crashed crawl loses nothing it fetched.
A line the file system refuses (a full disk, a file-size limit) is cut off again, so a batch
never holds half a line: the append raises WarehouseDiskFull and the batch keeps every line
before it.
While a spool is open its run holds an exclusive flock on `<dir>/<run_id>.lock`; the OS drops it
when the process dies. A `.part` file whose run holds no lock is a dead run's unfinished batch:
`collect_batches` salvages it by cutting it after its last complete line (a torn last line is
skipped and counted) and renaming it to `.jsonl`, so it loads like any sealed batch.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import re
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from . import locks
from .atomic import fsync_dir
from .db import WarehouseError, disk_full, is_disk_full

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


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(cls))


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            # A naive time would be read back as UTC, silently shifting Minsk times by 3 hours.
            raise ValueError(f"naive datetime {value.isoformat()} in a spool record: make it tz-aware")
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # one level: the encoder calls back here for what the fields hold (asdict deep-copies it all)
        return {name: getattr(value, name) for name in _field_names(type(value))}
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} to the spool")


HEADER_RECORD = "spool"


def write_failed(path: Path, exc: OSError, doing: str = "write") -> WarehouseError:
    """The one-line error for a spool file the OS refused: a full disk, or anything else."""
    if is_disk_full(exc):
        return disk_full(path, exc, what="spool")
    return WarehouseError(f"cannot {doing} the spool file {path}: {exc.strerror or exc}; "
                          "check the spool folder's permissions and disk")


def check_folder(directory: str | Path) -> Path:
    """`directory` if it is a spool folder this process may use (or does not exist yet), else a
    one-line WarehouseError: a file where the folder should be, or a folder it may not read."""
    directory = Path(directory)
    if directory.is_symlink() and not directory.exists():
        raise WarehouseError(f"the spool {directory} is a symlink to nothing (or a loop): point it at a folder "
                             "this user may write, or remove it, and run again")
    if directory.exists() and not directory.is_dir():
        raise WarehouseError(f"the spool {directory} is a file, not a folder: move it aside "
                             "(or set SPOOL_DIR to a folder) and run again")
    if directory.is_dir():
        try:
            with os.scandir(directory) as entries:
                next(entries, None)
        except OSError as exc:
            raise WarehouseError(f"cannot read the spool folder {directory}: {exc.strerror}; "
                                 "give this user read and write access to it") from None
        if not os.access(directory, os.W_OK | os.X_OK):
            raise WarehouseError(f"cannot write to the spool folder {directory}: permission denied; "
                                 "give this user read and write access to it")
    return directory


def encode(record: Mapping[str, Any]) -> bytes:
    return (json.dumps(record, default=_json_default, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


class Spool:
    """Appends records for one run to batch files in `directory`.

    >>> spool = Spool("data/warehouse.duckdb.spool", "20240101T000000Z-1a2b", owner=owner.header())
    >>> spool.append_article(item_dict, fetched_at=now)
    >>> path = spool.seal()          # -> data/warehouse.duckdb.spool/20240101T000000Z-1a2b-000001.jsonl
    >>> warehouse.load_batch(path); path.unlink()
    >>> spool.close()                # seals what is left and drops the run's lock
    """

    def __init__(self, directory: str | Path, run_id: str, owner: Mapping[str, Any] | None = None):
        if not RUN_ID.match(run_id):
            raise ValueError(f"run id {run_id!r} may hold only letters, digits and . _ : -")
        self.directory = check_folder(directory)
        self.run_id = run_id
        # The header each batch starts with (warehouse_id, warehouse_path), or None for none; the
        # crawl sets it once it knows the warehouse's id, before the first record.
        self.owner: dict[str, Any] | None = dict(owner) if owner is not None else None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WarehouseError(f"cannot create spool folder {self.directory}: {exc.strerror}") from None
        self._lock_path = self.directory / f"{run_id}.lock"
        self._lock_fd = self._acquire_lock()
        self._seq = self._last_seq() + 1
        self._fd: int | None = None  # the current batch, opened O_APPEND
        self._size = 0  # its length after the last whole line
        self.pending = 0  # records in the current, unsealed batch

    # -- run lock ---------------------------------------------------------------------------
    def _acquire_lock(self) -> int:
        fd = locks.try_lock(self._lock_path)  # the file names the owner's PID, for humans
        if fd is None:
            raise WarehouseError(f"run {self.run_id} is already spooling into {self.directory}")
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
        if self._fd is None:
            self._open_batch()
        self._write(line)  # to the OS now: survives the crawl process dying
        self.pending += 1

    def _open_batch(self) -> None:
        path = self.part_path
        try:
            self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            self._size = os.fstat(self._fd).st_size
        except OSError as exc:
            raise write_failed(path, exc, "create") from None
        if self.owner is not None and self._size == 0:
            self._write(encode({"record": HEADER_RECORD, **self.owner}))

    def _write(self, data: bytes) -> None:
        """Write `data` whole, or cut the file back to where it was and raise (one line)."""
        start, view = self._size, memoryview(data)
        try:
            while view:
                view = view[os.write(self._fd, view):]
        except OSError as exc:
            try:
                os.ftruncate(self._fd, start)  # needs no free space
            except OSError:
                pass  # a torn last line is what salvage_part cuts off anyway
            raise write_failed(self.part_path, exc) from None
        self._size = start + len(data)

    def append_article(self, item: Mapping[str, Any] | Any, *, fetched_at: datetime) -> None:
        """An article item (a dict, or the dataclass itself)."""
        # The top level only: encode() turns nested dataclasses (similar links) into objects, and
        # dataclasses.asdict's deep copy of every field costs more than the encoding.
        fields = ({name: getattr(item, name) for name in _field_names(type(item))}
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
        if self._fd is None:
            return None
        part = self.part_path
        sealed = part.with_suffix("")  # drop ".part"
        try:
            os.fsync(self._fd)
            os.close(self._fd)
            self._fd = None
            os.replace(part, sealed)
            fsync_dir(self.directory)
        except OSError as exc:  # the .part stays: the next load salvages it once this run is gone
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
            raise write_failed(part, exc, "seal") from None
        self._seq += 1
        self.pending = 0
        return sealed

    def close(self) -> Path | None:
        """Seal what is left and release the run's lock. Returns the last sealed batch, if any."""
        if self._lock_fd is None:
            return None
        try:
            return self.seal()
        finally:
            # Unlink before unlocking: once unlocked, a loader may judge the run dead, and by then
            # no .part of this run is left (unless sealing it failed: then it is salvaged).
            self._lock_path.unlink(missing_ok=True)
            locks.release(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def run_is_alive(directory: str | Path, run_id: str) -> bool:
    """True while a process holds the run's spool lock."""
    return locks.is_held(Path(directory) / f"{run_id}.lock")


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
    directory = check_folder(directory)
    torn = 0
    for part in sorted(directory.glob("*.jsonl.part")):
        match = BATCH_NAME.match(part.name)
        if not match or run_is_alive(directory, match["run_id"]):
            continue
        try:
            _, skipped = salvage_part(part)
        except OSError as exc:
            raise write_failed(part, exc, "salvage") from None
        torn += skipped
    for lock in directory.glob("*.lock"):  # dead runs' leftovers, now that their batches are sealed
        run_id = lock.name[: -len(".lock")]
        if not any(directory.glob(f"{run_id}-*.jsonl.part")) and not run_is_alive(directory, run_id):
            lock.unlink(missing_ok=True)
    batches = sorted(p for p in directory.glob("*.jsonl") if BATCH_NAME.match(p.name))
    return batches, torn
