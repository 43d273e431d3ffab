"""`warehouse query`: one read-only statement over the warehouse and nothing else.

Two fences, each enough on its own for the cases we know of:

- the connection is opened read-only with `enable_external_access = false`, then gets
  `lock_configuration = true` before any user SQL: DuckDB then refuses every file, URL and database other than the
  warehouse itself (COPY ... TO, read_text, read_csv, ATTACH, INSTALL/LOAD), and the user's SQL
  cannot turn that back on (`SET enable_external_access = true` fails as a locked setting);
- the statement is parsed first: exactly one, a SELECT (SHOW, DESCRIBE, SUMMARIZE, FROM-first
  and VALUES parse as SELECT) or an EXPLAIN [ANALYZE] of one. COPY, EXPORT, ATTACH, INSTALL,
  LOAD, PRAGMA, SET, CALL, CREATE and the rest are refused before anything is opened. EXPLAIN
  ANALYZE runs the statement it explains, so that inner statement is checked too.

The statement runs in a worker thread: DuckDB does not look at Python's signals while it works,
so Ctrl-C would otherwise wait for the query to finish. The main thread waits; a SIGINT handler
interrupts the connection, and the command ends with QueryInterrupted (exit 130).
"""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import duckdb

from .config import SQL_DIR
from .db import WarehouseError, WarehouseUsageError, connect, one_line
from .output import escape_controls
from .sqlfiles import run_sql_file

# Set as the database opens, before any user SQL.
SANDBOX_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}
# Then this, locking every setting (db.connect has turned the progress bar off) so that no
# statement can change one back.
SANDBOX_SETTINGS = ("set lock_configuration = true",)

ACCEPTED = "SELECT, WITH, SHOW, DESCRIBE, SUMMARIZE, EXPLAIN of a SELECT"


class QueryInterrupted(WarehouseError):
    """Ctrl-C (SIGINT) ended a running query; 130 as a shell reports a SIGINT death."""

    exit_code = 130


def _single_statement(sql: str) -> duckdb.Statement:
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise WarehouseUsageError(f"SQL syntax error: {escape_controls(one_line(exc))}") from None
    if not statements:
        raise WarehouseUsageError("no SQL statement given: pass one query, e.g. 'select count(*) from articles'")
    if len(statements) > 1:
        raise WarehouseUsageError(f"give one statement at a time (got {len(statements)})")
    return statements[0]


def _refuse(kind: str) -> WarehouseUsageError:
    return WarehouseUsageError(
        f"query runs read-only statements only ({ACCEPTED}), got {kind}: it reads the warehouse and nothing "
        "else; the warehouse changes only through `warehouse init`, `load` and crawls, files through `export`"
    )


_SUBQUERY_START = {"select", "with", "from", "values", "table", "show", "describe", "summarize", "pivot",
                   "unpivot", "("}


def explained_statement(sql: str) -> str | None:
    """The statement an EXPLAIN statement explains (`EXPLAIN [ANALYZE] [(options)] <statement>`),
    or None when the text does not have that shape. DuckDB's tokenizer gives byte offsets."""
    raw = sql.encode("utf-8")
    every = duckdb.tokenize(sql)
    ends = [pos for pos, _ in every[1:]] + [len(raw)]  # a token runs to the next one, comments included
    tokens = [(pos, end) for (pos, kind), end in zip(every, ends) if kind != duckdb.token_type.comment]

    def word(i: int) -> str:
        return raw[tokens[i][0]:tokens[i][1]].decode("utf-8", "replace").strip().lower() if i < len(tokens) else ""

    if word(0) != "explain":
        return None
    i = 1
    if word(i) in ("analyze", "analyse"):
        i += 1
    if word(i) == "(" and word(i + 1) not in _SUBQUERY_START:  # an option list: (ANALYZE, FORMAT json)
        depth = 0
        while i < len(tokens):
            depth += {"(": 1, ")": -1}.get(word(i), 0)
            i += 1
            if depth == 0:
                break
    if i >= len(tokens):
        return None
    return raw[tokens[i][0]:].decode("utf-8")


def check_statement(sql: str) -> str:
    """The one plain-read statement in `sql`, or WarehouseUsageError saying why it is refused."""
    statement = _single_statement(sql)
    if statement.type == duckdb.StatementType.EXPLAIN:
        inner = explained_statement(statement.query)
        inner_type = None
        if inner is not None:
            try:
                parsed = duckdb.extract_statements(inner)
            except duckdb.Error:
                parsed = []
            if len(parsed) == 1:
                inner_type = parsed[0].type
        if inner_type != duckdb.StatementType.SELECT:
            kind = inner_type.name.replace("_", " ") if inner_type is not None else "something else"
            raise _refuse(f"EXPLAIN of {kind}")
    elif statement.type != duckdb.StatementType.SELECT:
        raise _refuse(statement.type.name.replace("_", " "))
    return statement.query


def connect_sandboxed(path: str | Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the warehouse that reaches nothing else, whatever SQL it runs."""
    con = connect(path, read_only=True, config=SANDBOX_CONFIG)
    try:
        for setting in SANDBOX_SETTINGS:
            con.execute(setting)
        locked = run_sql_file(con, SQL_DIR / "query" / "sandbox_locked.sql")[0][0]
    except duckdb.Error as exc:
        locked, why = False, one_line(exc)
    else:
        why = "this DuckDB ignored the settings"
    if not locked:
        con.close()  # never run user SQL on a connection that could reach files
        raise WarehouseError(f"cannot open warehouse {path} without file access ({why}): "
                             "check the installed duckdb version")
    return con


def _failure(exc: BaseException) -> WarehouseError:
    text = escape_controls(one_line(exc))
    if isinstance(exc, duckdb.ParserException):
        return WarehouseUsageError(f"SQL syntax error: {text}")
    if isinstance(exc, duckdb.PermissionException):
        return WarehouseUsageError(f"query reads the warehouse only, not files, URLs, other databases or "
                                   f"extensions ({text}): query its tables and views, or write one to a file "
                                   "with `warehouse export`")
    if isinstance(exc, duckdb.InvalidInputException) and "configuration has been locked" in text:
        return WarehouseUsageError(f"query cannot change settings ({text}): it only reads")
    return WarehouseError(f"query failed: {text}")


def _execute(con: duckdb.DuckDBPyConnection, text: str) -> dict:
    """Run `text` in a worker thread while this thread waits, interrupting it on Ctrl-C.

    Returns {"result": (columns, rows)} or {"error": exception}, plus "interrupted" after a
    Ctrl-C. The wait is an Event, not Thread.join: a KeyboardInterrupt raised inside join() can
    leave a live thread marked as finished (Python before 3.12), and a connection closed under a
    running query refuses ("connection is busy"). Our own SIGINT handler interrupts the query
    instead, so no KeyboardInterrupt is raised while it runs; a second Ctrl-C gives up waiting.
    """
    outcome: dict = {}
    done = threading.Event()

    def work() -> None:
        try:
            cursor = con.execute(text)
            columns = [d[0] for d in cursor.description] if cursor.description else []
            outcome["result"] = (columns, cursor.fetchall())
        except BaseException as exc:  # handed to the main thread, which raises it
            outcome["error"] = exc
        finally:
            done.set()

    def on_sigint(signum, frame) -> None:
        if outcome.get("interrupted"):
            raise KeyboardInterrupt  # the query did not stop at the first Ctrl-C: stop waiting
        outcome["interrupted"] = True
        con.interrupt()

    # Only the main thread may set handlers; a SIGINT ignored on purpose (nohup, `cmd &` in a
    # script) stays ignored.
    previous = signal.getsignal(signal.SIGINT)
    handle = threading.current_thread() is threading.main_thread() and previous is not signal.SIG_IGN
    if handle:
        signal.signal(signal.SIGINT, on_sigint)
    try:
        threading.Thread(target=work, name="warehouse-query", daemon=True).start()
        while not done.wait(0.2):
            pass
    finally:
        if handle:
            signal.signal(signal.SIGINT, previous if previous is not None else signal.default_int_handler)
    return outcome


def run_query(path: str | Path, sql: str) -> tuple[list[str], list[tuple]]:
    """Run one read-only statement in the sandbox; return (column names, rows)."""
    text = check_statement(sql)
    con = connect_sandboxed(path)
    outcome = _execute(con, text)  # a KeyboardInterrupt here leaves the busy connection to the exit
    con.close()
    if outcome.get("interrupted"):
        raise QueryInterrupted("query interrupted (Ctrl-C): nothing was changed")
    if "error" in outcome:
        exc = outcome["error"]
        if isinstance(exc, duckdb.Error):
            raise _failure(exc) from None
        raise exc
    return outcome["result"]
