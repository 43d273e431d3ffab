"""Schema migrations (an ordered, named log, as in sqlite-utils) and view (re)creation.

`sql/schema/NNNN_<what>.sql` files are applied in name order. Each runs in ONE transaction with
its row in `internal._schema_migrations`, so a failing migration leaves neither a record nor half
a table and stays pending; re-running applies only what is pending. Then every `sql/views/*.sql`
is (re)created with `create or replace view`.

The log's own table is created, and an older warehouse's log (in `main`) carried over, by the
package's sql/migration_log/ files, whatever `sql_dir` the migrations come from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from .clock import Clock, utc_now
from .config import SQL_DIR
from .db import WarehouseError, connect, one_line, quote_identifier, rollback
from .sqlfiles import run_sql_file, statements

MIGRATION_NAME = re.compile(r"^\d{4}_[A-Za-z0-9_]+\.sql$")

LOG_SQL_DIR = SQL_DIR / "migration_log"


class MigrationError(WarehouseError):
    """A migration or view file failed; the message names the file."""


@dataclass
class InitResult:
    applied: list[str] = field(default_factory=list)  # migrations applied by this run
    views: list[str] = field(default_factory=list)  # views (re)created, in creation order


def migration_files(sql_dir: Path = SQL_DIR) -> list[Path]:
    schema_dir = Path(sql_dir) / "schema"
    files = sorted(schema_dir.glob("*.sql"))
    bad = [f.name for f in files if not MIGRATION_NAME.match(f.name)]
    if bad:
        raise MigrationError(f"migration files must be named NNNN_<what>.sql: rename {', '.join(bad)} in {schema_dir}")
    return files


def applied(con: duckdb.DuckDBPyConnection) -> list[tuple[str, datetime]]:
    """(name, applied_at) of every applied migration, in order. Empty on a fresh database."""
    schemas = _log_schemas(con)
    if not schemas:
        return []
    # an older warehouse not yet upgraded keeps its log in main (read-only callers see it there)
    log = "applied.sql" if "internal" in schemas else "applied_in_main.sql"
    return run_sql_file(con, LOG_SQL_DIR / log)


def _log_schemas(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in run_sql_file(con, LOG_SQL_DIR / "log_schemas.sql")}


def _prepare_log(con: duckdb.DuckDBPyConnection) -> None:
    """Create the log in `internal`, carrying over the records of an older warehouse's log in main."""
    con.begin()
    try:
        run_sql_file(con, LOG_SQL_DIR / "create.sql")
        if "main" in _log_schemas(con):
            run_sql_file(con, LOG_SQL_DIR / "carry_over.sql")
        con.commit()
    except duckdb.Error as exc:
        rollback(con)
        raise MigrationError(f"the migration log could not be prepared: {one_line(exc)}") from None


def require_schema(sql_dir: Path = SQL_DIR) -> list[Path]:
    """The migration files, or MigrationError when there are none: an install that lost its SQL
    files must not report a schema "up to date" it never created."""
    files = migration_files(sql_dir)
    if not files:
        raise MigrationError(
            f"no schema files in {Path(sql_dir) / 'schema'}: the package was installed without its SQL; "
            "reinstall it (pip install .)"
        )
    return files


def pending(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> list[str]:
    """Names of migration files not yet applied, in the order they would run. Read-only."""
    done = {name for name, _ in applied(con)}
    return [f.name for f in migration_files(sql_dir) if f.name not in done]


def apply_migrations(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR, clock: Clock = utc_now) -> list[str]:
    _prepare_log(con)
    done: list[str] = []
    schema_dir = Path(sql_dir) / "schema"
    for name in pending(con, sql_dir):
        con.begin()
        try:
            run_sql_file(con, schema_dir / name)
            run_sql_file(con, LOG_SQL_DIR / "record.sql", {"name": name, "at": clock()})
            con.commit()
        except duckdb.Error as exc:
            rollback(con)
            raise MigrationError(f"migration {name} failed and was rolled back: {one_line(exc)}") from None
        done.append(name)
    return done


def _view_order(path: Path) -> tuple[int, str]:
    # dbt layering: stg_ first, then int_, then the marts the CONTRACT names.
    rank = 0 if path.name.startswith("stg_") else 1 if path.name.startswith("int_") else 2
    return rank, path.name


def _view_statement(path: Path) -> str:
    """A view file holds either one query (dbt style; the view is named after the file) or one
    `create [or replace] view` statement."""
    try:
        found = statements(path)
    except duckdb.Error as exc:
        raise MigrationError(f"view file {path.name}: {one_line(exc)}") from None
    if len(found) != 1:
        raise MigrationError(f"view file {path.name} must hold exactly one statement, found {len(found)}")
    statement = found[0]
    if statement.type == duckdb.StatementType.SELECT:
        return f"create or replace view {quote_identifier(path.stem)} as\n{statement.query}"
    if statement.type == duckdb.StatementType.CREATE:
        return statement.query
    raise MigrationError(f"view file {path.name} must be a query or a create view statement, not {statement.type.name}")


def create_views(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> list[str]:
    """(Re)create every view in sql/views/, returning their names in creation order.

    Files go in (stg_, int_, other) then name order; a view whose dependency comes later is
    retried on the next pass, until every view exists or a pass makes no progress.
    """
    todo = sorted((Path(sql_dir) / "views").glob("*.sql"), key=_view_order)
    statements = {path: _view_statement(path) for path in todo}
    created: list[str] = []
    while todo:
        failures: dict[Path, str] = {}
        for path in todo:
            try:
                con.execute(statements[path])
            except duckdb.Error as exc:
                failures[path] = one_line(exc)
            else:
                created.append(path.stem)
        if len(failures) == len(todo):
            detail = "; ".join(f"{p.name}: {msg}" for p, msg in failures.items())
            raise MigrationError(f"cannot create view(s): {detail}")
        todo = list(failures)
    return created


def migrate(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR, clock: Clock = utc_now) -> InitResult:
    """Apply pending migrations, then (re)create every view."""
    require_schema(sql_dir)
    applied_now = apply_migrations(con, sql_dir, clock)
    return InitResult(applied=applied_now, views=create_views(con, sql_dir))


def init(path: str | Path, sql_dir: Path = SQL_DIR, clock: Clock = utc_now) -> InitResult:
    """Create the database (and its parent folders) if needed, migrate it, (re)create views."""
    path = Path(path)
    require_schema(sql_dir)  # before anything is created
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WarehouseError(f"cannot create folder {path.parent}: {exc.strerror}") from None
    with connect(path, create=True) as con:
        return migrate(con, sql_dir, clock)
