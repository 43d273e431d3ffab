"""Reading and running the SQL files under sql/: the one way Python code runs a file of SQL.

A file may hold several statements; each is run with only the named parameters it uses
(DuckDB rejects parameters a statement does not bind), so one dict of values serves a whole file.
"""

from __future__ import annotations

from pathlib import Path

import duckdb


def sql_text(path: str | Path) -> str:
    """The text of a SQL file."""
    return Path(path).read_text(encoding="utf-8")


def statements(path: str | Path) -> list[duckdb.Statement]:
    """The statements of a SQL file, in order (a syntax error raises duckdb.ParserException)."""
    return duckdb.extract_statements(sql_text(path))


def bound(statement: duckdb.Statement, params: dict, path: str | Path) -> dict:
    """The values of the named parameters `statement` uses; a missing one is a programming error
    named after the file."""
    missing = sorted(set(statement.named_parameters) - set(params))
    if missing:
        raise KeyError(f"{Path(path).name} uses ${', $'.join(missing)}, which the caller did not give")
    return {name: params[name] for name in statement.named_parameters}


def run_sql_file(con: duckdb.DuckDBPyConnection, path: str | Path, params: dict | None = None) -> list[tuple] | None:
    """Run every statement of a file, each with the named parameters it uses; return the last
    statement's rows (None when it returns none)."""
    rows = None
    for statement in statements(path):
        used = bound(statement, params or {}, path)
        cursor = con.execute(statement.query, used) if used else con.execute(statement.query)
        rows = cursor.fetchall() if cursor.description else None
    return rows
