"""Opening the warehouse file, and the errors a user can meet doing it.

Connections are short-lived: open, do the work, close. DuckDB lets one process hold a file
for writing (or several for reading), so holding a connection between batches would lock
`warehouse query` and friends out for the length of a crawl.
"""

from __future__ import annotations

import errno
import re
from pathlib import Path

import duckdb


class WarehouseError(Exception):
    """A problem the user can fix; the CLI prints it as one line. `exit_code` is the CLI's."""

    exit_code = 1


class WarehouseUsageError(WarehouseError):
    """The command was given something it cannot use: bad SQL, unknown name, write statement."""

    exit_code = 2


class WarehouseLocked(WarehouseError):
    """Another process holds the warehouse file for writing."""

    exit_code = 3


class WarehouseMissing(WarehouseError):
    """No database file where one was expected."""


class WarehouseNotInitialised(WarehouseError):
    """The file exists but its schema has not been created or is out of date."""


class WarehouseCorrupt(WarehouseError):
    """The file is not a readable DuckDB database: truncated, overwritten, damaged blocks."""


class WarehouseDiskFull(WarehouseError):
    """The file system holding the warehouse (or the spool) has no room left (or the process
    may write no larger file): nothing was half-written, what waits stays where it is."""


# How DuckDB words a file it cannot trust, and a write the file system refused for want of room.
_CORRUPT_MARKERS = ("not a valid DuckDB database file", "Corrupt database file", "Could not read enough bytes")
_DISK_FULL_MARKERS = ("No space left on device", "File too large", "Disk quota exceeded", "out of disk space")
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT})


def is_corrupt(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.Error) and any(marker in str(exc) for marker in _CORRUPT_MARKERS)


def is_disk_full(exc: BaseException) -> bool:
    """An OSError with ENOSPC/EFBIG/EDQUOT, or a DuckDB error saying the same."""
    if isinstance(exc, OSError) and exc.errno in DISK_FULL_ERRNOS:
        return True
    return isinstance(exc, (duckdb.Error, WarehouseError)) and any(m in str(exc) for m in _DISK_FULL_MARKERS)


def corrupt(path: str | Path, exc: BaseException | str) -> WarehouseCorrupt:
    path = Path(path)
    return WarehouseCorrupt(
        f"warehouse {path} is damaged ({exc if isinstance(exc, str) else one_line(exc)}): restore it from a backup, or move it aside and "
        f"rebuild it with `warehouse init --db {path}` then `warehouse import-warc` of the crawl's archive "
        "(ARCHIVE_DIR); the spool's batches wait meanwhile"
    )


def disk_full(path: str | Path, exc: BaseException, what: str = "warehouse") -> WarehouseDiskFull:
    if isinstance(exc, OSError) and exc.strerror:
        detail = exc.strerror
    else:
        detail = next((marker for marker in _DISK_FULL_MARKERS if marker in str(exc)), one_line(exc))
    return WarehouseDiskFull(
        f"disk full ({what} {path}: {detail}): nothing was half-written; free space on that file system "
        "and run `warehouse load`"
    )


def translated(path: str | Path, exc: BaseException) -> WarehouseError | None:
    """A damaged file or a full disk behind a DuckDB error, as the one-line error to raise; else None."""
    if is_disk_full(exc):
        return disk_full(path, exc)
    if is_corrupt(exc):
        return corrupt(path, exc)
    return None


def one_line(exc: BaseException) -> str:
    """DuckDB messages span lines ("Did you mean ...", "LINE 1: ..." with a caret under the
    error); the CLI promises one line, so join the text and drop the caret drawing."""
    lines = [part.strip() for part in str(exc).splitlines()]
    keep = [part for part in lines if part and not part.startswith("LINE ") and set(part) - {"^", " "}]
    return " ".join(keep)


def quote_identifier(name: str) -> str:
    """A table or view name as a SQL identifier, whatever characters it holds."""
    return '"' + name.replace('"', '""') + '"'


_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<exe>.+?) \(PID (?P<pid>\d+)\)")


def _locked(path: Path, exc: BaseException) -> WarehouseLocked:
    match = _LOCK_HOLDER.search(str(exc))
    holder = f"PID {match['pid']} ({match['exe']})" if match else "another process"
    return WarehouseLocked(
        f"warehouse {path} is locked by {holder}: wait for it to finish (a crawl or load) and retry"
    )


def require_existing(path: str | Path) -> Path:
    """`path`, or WarehouseMissing: commands other than `init` (and a crawl) never create one."""
    path = Path(path)
    if not path.exists():
        raise WarehouseMissing(f"no warehouse at {path}: run `warehouse init --db {path}` or a crawl first")
    return path


def connect(path: str | Path, read_only: bool = False, create: bool = False,
            config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse at `path`.

    read_only: for readers (query, export, status); several may run at once.
    create: make a new empty database when the file is missing (only `init` wants that); otherwise
    a missing file is `WarehouseMissing` rather than a silently created empty warehouse.
    config: DuckDB settings applied as the database opens (e.g. the query sandbox's).
    """
    path = Path(path) if create and not read_only else require_existing(path)
    try:
        con = duckdb.connect(str(path), read_only=read_only, config=config or {})
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" in text.lower() and not is_corrupt(exc):
            raise _locked(path, exc) from None
        if "does not exist" in text:
            raise WarehouseMissing(f"no warehouse at {path}: run `warehouse init --db {path}` or a crawl first") from None
        raise translated(path, exc) or WarehouseError(f"cannot open warehouse {path}: {one_line(exc)}") from None
    except duckdb.Error as exc:
        raise translated(path, exc) or WarehouseError(f"cannot open warehouse {path}: {one_line(exc)}") from None
    # DuckDB draws a progress bar on stdout during a query longer than 2 s, even into a pipe: not
    # into a command's output (a query's CSV or JSON, a refresh's summary), which scripts and cron read.
    # A per-connection setting, not accepted at open.
    con.execute("set enable_progress_bar = false")
    return con


# DuckDB's file: three 4 KiB headers, then the blocks, block k at HEADER_BYTES + k * block size.
HEADER_BYTES = 3 * 4096


def check_complete(path: str | Path, sql_dir: Path | None = None) -> None:
    """WarehouseCorrupt when the file is shorter than the blocks its tables live in: a file cut
    short (an interrupted copy, a full disk) opens, and fails only once a lost block is read,
    perhaps deep in a crawl. Reads the tables' storage layout only (milliseconds). Skipped for a
    file that is missing, held by a writer, or has a write-ahead log waiting (its blocks are not
    in the file yet)."""
    from .config import SQL_DIR  # config imports nothing of this module's; kept lazy for clarity
    from .sqlfiles import sql_text

    path = Path(path)
    wal = Path(f"{path}.wal")
    if not path.is_file() or (wal.exists() and wal.stat().st_size > 0):
        return
    folder = Path(sql_dir or SQL_DIR) / "integrity"
    try:
        con = connect(path, read_only=True)
    except WarehouseLocked:
        return
    with con:
        try:
            tables = con.execute(sql_text(folder / "tables.sql")).fetchall()
            highest_block = sql_text(folder / "highest_block.sql")
            highest = max((con.execute(highest_block, {"table": name}).fetchone()[0]
                           for name, _ in tables), key=lambda block: -1 if block is None else block, default=None)
        except duckdb.Error as exc:
            raise translated(path, exc) or WarehouseError(f"cannot read warehouse {path}: {one_line(exc)}") from None
    if highest is None or not tables:
        return
    block_size, length = int(tables[0][1]), path.stat().st_size
    if length < HEADER_BYTES + (highest + 1) * block_size:
        raise corrupt(path, f"the file is {length} bytes, but its tables use block {highest} of "
                            f"{block_size} bytes: it was cut short")


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back after a failed statement. A commit the disk refused (or any error DuckDB ends
    the transaction for) leaves nothing to roll back: the caller reports the first error, not
    "cannot rollback - no transaction is active"."""
    try:
        con.rollback()
    except duckdb.Error:
        pass


def checked_memory_limit(value: str | None) -> str | None:
    """A DuckDB memory_limit (e.g. "150MB", "1GB") as DuckDB itself parses it, or None for none."""
    if value is None or str(value).strip() == "":
        return None
    with duckdb.connect() as con:
        try:
            con.execute("set memory_limit = $limit", {"limit": str(value)})
        except duckdb.Error as exc:
            raise WarehouseUsageError(
                f"WAREHOUSE_MEMORY_LIMIT {value!r} is not a memory size: give one like 150MB or 1GB ({one_line(exc)})"
            ) from None
    return str(value)
