"""Opening the warehouse file, and the errors a user can meet doing it.

Connections are short-lived: open, do the work, close. DuckDB lets one process hold a file
for writing (or several for reading), so holding a connection between batches would lock
`warehouse query` and friends out for the length of a crawl.
"""

from __future__ import annotations

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


def connect(path: str | Path, read_only: bool = False, create: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse at `path`.

    read_only: for readers (query, export, status); several may run at once.
    create: make a new empty database when the file is missing (only `init` wants that); otherwise
    a missing file is `WarehouseMissing` rather than a silently created empty warehouse.
    """
    path = Path(path) if create and not read_only else require_existing(path)
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" in text.lower():
            raise _locked(path, exc) from None
        if "does not exist" in text:
            raise WarehouseMissing(f"no warehouse at {path}: run `warehouse init --db {path}` or a crawl first") from None
        raise WarehouseError(f"cannot open warehouse {path}: {one_line(exc)}") from None
    except duckdb.Error as exc:
        raise WarehouseError(f"cannot open warehouse {path}: {one_line(exc)}") from None


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


# Statement types `warehouse query` accepts. SHOW, DESCRIBE, SUMMARIZE and FROM-first queries
# parse as SELECT. The read-only connection is the real guarantee; this check only turns a
# write attempt into a clear message before anything is opened.
READ_STATEMENT_TYPES = frozenset({duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN})


def check_read_only(sql: str) -> str:
    """Return the single read-only statement in `sql`, or raise WarehouseUsageError saying why not."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise WarehouseUsageError(f"SQL syntax error: {one_line(exc)}") from None
    if not statements:
        raise WarehouseUsageError("no SQL statement given: pass one query, e.g. 'select count(*) from articles'")
    if len(statements) > 1:
        raise WarehouseUsageError(f"give one statement at a time (got {len(statements)})")
    statement = statements[0]
    if statement.type not in READ_STATEMENT_TYPES:
        kind = statement.type.name.replace("_", " ")
        raise WarehouseUsageError(
            f"query runs read-only statements only (SELECT, WITH, SHOW, DESCRIBE, EXPLAIN), got {kind}: "
            "the warehouse changes only through `warehouse init`, `load` and crawls"
        )
    return statement.query


def read_query(path: str | Path, sql: str, params: dict | None = None) -> tuple[list[str], list[tuple]]:
    """Run one read-only statement on a read-only connection; return (column names, rows)."""
    text = check_read_only(sql)
    with connect(path, read_only=True) as con:
        try:
            cursor = con.execute(text, params) if params else con.execute(text)
            columns = [d[0] for d in cursor.description] if cursor.description else []
            return columns, cursor.fetchall()
        except duckdb.ParserException as exc:
            raise WarehouseUsageError(f"SQL syntax error: {one_line(exc)}") from None
        except duckdb.Error as exc:
            raise WarehouseError(f"query failed: {one_line(exc)}") from None
