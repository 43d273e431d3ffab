"""`warehouse export`: write a table or view to a file other tools read, through DuckDB's COPY.

Timestamps keep their instant in every format, whatever the exporting machine's time zone:
Parquet stores TIMESTAMPTZ as UTC-adjusted timestamps; CSV and JSON lines get RFC 3339 text in
UTC with a full offset, "2017-09-18T07:50:00+00:00" (DuckDB's own text form, "...07:50:00+00",
lacks the minutes, which Python 3.10's fromisoformat, Java's OffsetDateTime and others reject).
Naive TIMESTAMP columns (wall-clock values such as stg_articles.published_local) get the same
form without an offset. Dates (period_start, period_end, published_on) are YYYY-MM-DD everywhere.
Lists (articles.authors) are lists in Parquet and JSON lines; a CSV cell holds the list as JSON
text, `["Anna Maria","Vadim"]` (`[]` when empty): unambiguous whatever a name contains, and one
json.loads away from the list.

The file appears whole or not at all: COPY writes `.<name>.tmp-<pid>-<token>` in the target folder
(same file system), which is fsynced and then renamed over `out`. A failure, Ctrl-C, SIGTERM or
SIGHUP removes the temp file and leaves any earlier `out` untouched; a SIGKILL cannot clean up, so
each export first deletes the temp files of exporters that are no longer running.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from pathlib import Path

import duckdb

from .atomic import check_target, replace_file
from .config import SQL_DIR
from .db import WarehouseError, WarehouseUsageError, connect, one_line, quote_identifier
from .sqlfiles import run_sql_file
from .stop_signals import stop_signals_raise

EXPORT_SQL_DIR = SQL_DIR / "export"

# --format -> COPY options. use_tmp_file: DuckDB would otherwise write a "tmp_<name>" of its own
# beside our temp file (it does so when the target exists), one more name a killed export leaves.
FORMATS: dict[str, str] = {
    "parquet": "format parquet, use_tmp_file false",
    "csv": "format csv, header true, use_tmp_file false",
    "jsonl": "format json, use_tmp_file false",  # newline-delimited unless told `array true`
}

TEMP_NAME = re.compile(r"\..+\.tmp-(?P<pid>\d+)-[0-9a-f]{8}")  # see _create_temp


def _quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def resolve_relation(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """The catalog's spelling of table or view `name` (case-insensitive, like SQL), or a usage error."""
    rows = run_sql_file(con, EXPORT_SQL_DIR / "relation_name.sql", {"name": name})
    if not rows:
        known = [r[0] for r in run_sql_file(con, EXPORT_SQL_DIR / "relations.sql")]
        raise WarehouseUsageError(f"no table or view named {name!r}; export one of: {', '.join(known)}")
    return rows[0][0]


def _iso_text(column: str, with_offset: bool) -> str:
    """SQL rendering a timestamp column as ISO 8601 text, fractional seconds only when present
    (as Python's isoformat). TIMESTAMPTZ is converted to UTC explicitly, not through the session
    zone. Infinite values stay DuckDB's 'infinity' / '-infinity'."""
    value = f"timezone('UTC', {column})" if with_offset else column
    text = (f"strftime({value}, '%Y-%m-%dT%H:%M:%S')"
            f" || if(microsecond({value}) % 1000000 = 0, '', strftime({value}, '.%f'))")
    if with_offset:
        text += " || '+00:00'"
    return f"case when isfinite({column}) then {text} else {column}::varchar end"


def select_for_export(con: duckdb.DuckDBPyConnection, relation: str, fmt: str) -> str:
    """The query COPY writes: every column of `relation`; for text formats, timestamps as ISO text."""
    if fmt == "parquet":  # Parquet has timestamp types of its own; it needs no text form
        return f"select * from {quote_identifier(relation)}"
    columns = run_sql_file(con, EXPORT_SQL_DIR / "columns.sql", {"name": relation})
    items = []
    for column, data_type in columns:
        quoted = quote_identifier(column)
        if data_type in ("TIMESTAMP WITH TIME ZONE", "TIMESTAMP"):
            items.append(f"{_iso_text(quoted, data_type != 'TIMESTAMP')} as {quoted}")
        elif fmt == "csv" and data_type.endswith("[]"):
            items.append(f"cast(to_json({quoted}) as varchar) as {quoted}")
        else:
            items.append(quoted)
    return f"select {', '.join(items)} from {quote_identifier(relation)}"


def _pid_alive(pid: int) -> bool:
    if os.name != "posix":  # os.kill(pid, 0) would end the process on Windows: assume alive
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True


def remove_stale_temp_files(folder: Path) -> list[Path]:
    """Delete temp files in `folder` left by exports that were killed (SIGKILL, power loss): those
    named like ours whose process is gone. Files of running exports are left alone."""
    removed = []
    for path in folder.glob(".*.tmp-*"):
        match = TEMP_NAME.fullmatch(path.name)
        if match and not _pid_alive(int(match["pid"])):
            with contextlib.suppress(OSError):  # gone already (another export), or not ours to delete
                path.unlink()
                removed.append(path)
    return removed


def _create_temp(out: Path) -> Path:
    """Create the empty temp file for `out` beside it (same file system, so the rename is atomic),
    first making missing folders and deleting stale temp files. Created here rather than by COPY so
    an unwritable folder is a clear error before any work, and the file gets the usual permissions."""
    folder = out.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        remove_stale_temp_files(folder)
        tmp = folder / f".{out.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except OSError as exc:
        raise WarehouseError(f"cannot write to {folder}: {exc.strerror}; choose another --out") from None
    return tmp


def export(db: str | Path, name: str, fmt: str, out: str | Path) -> Path:
    """Write table or view `name` of warehouse `db` to `out` as parquet, csv or jsonl."""
    if fmt not in FORMATS:
        raise WarehouseUsageError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    out = Path(out)
    if out.is_dir():
        raise WarehouseUsageError(f"--out {out} is a folder: give a file name, e.g. {out / (name + '.' + fmt)}")
    if out.parent.is_dir():  # else nothing is there yet; _create_temp makes or blames the folder
        check_target(out)  # before any work: --out /dev/stdout, a symlink or a FIFO is refused
    with stop_signals_raise("export"), connect(db, read_only=True) as con:
        relation = resolve_relation(con, name)  # a wrong name fails before any file is touched
        con.execute("set TimeZone = 'UTC'")  # for anything the text projection does not cover
        query = select_for_export(con, relation, fmt)
        tmp = _create_temp(out)
        try:
            try:
                con.execute(f"copy ({query}) to {_quote_literal(str(tmp))} ({FORMATS[fmt]})")
            except duckdb.Error as exc:
                raise WarehouseError(f"export of {relation} failed: {one_line(exc)}") from None
            replace_file(tmp, out, mode=None)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    return out
