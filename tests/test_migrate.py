"""Migrations: an ordered, named log; re-runs are no-ops; a failing one leaves no trace."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from warehouse import migrate
from warehouse.config import SQL_DIR
from warehouse.migrate import MigrationError
from tests.conftest import FakeClock

CORE_TABLES = {"articles", "article_versions", "similar_links", "crawl_runs", "crawl_errors"}


def make_sql_dir(root: Path, schema: dict[str, str], views: dict[str, str] | None = None) -> Path:
    (root / "schema").mkdir(parents=True)
    (root / "views").mkdir()
    for name, text in schema.items():
        (root / "schema" / name).write_text(text)
    for name, text in (views or {}).items():
        (root / "views" / name).write_text(text)
    return root


def tables(path: Path) -> set[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}


def log(path: Path) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return migrate.applied(con)


def test_fresh_database_gets_every_migration_logged_in_order(tmp_path):
    db = tmp_path / "deep" / "folder" / "warehouse.duckdb"  # init creates the folders
    clock = FakeClock()
    result = migrate.init(db, clock=clock)

    names = [p.name for p in migrate.migration_files()]
    assert result.applied == names
    assert [name for name, _ in log(db)] == names
    assert [at for _, at in log(db)] == clock.calls  # applied_at from the injected clock
    assert CORE_TABLES <= tables(db)


def test_rerun_is_a_no_op(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    migrate.init(db, clock=FakeClock())
    before = log(db)

    again = migrate.init(db, clock=FakeClock(datetime(2030, 1, 1, tzinfo=timezone.utc)))

    assert again.applied == []
    assert log(db) == before  # applied_at untouched
    with duckdb.connect(str(db), read_only=True) as con:
        assert migrate.pending(con) == []


def test_pending_lists_unapplied_files_in_order(tmp_path):
    sql_dir = make_sql_dir(tmp_path / "sql", {
        "0002_b.sql": "create table b (x int);",
        "0001_a.sql": "create table a (x int);",
    })
    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as con:
        assert migrate.applied(con) == []
        assert migrate.pending(con, sql_dir) == ["0001_a.sql", "0002_b.sql"]
        migrate.apply_migrations(con, sql_dir, FakeClock())
        (sql_dir / "schema" / "0003_c.sql").write_text("create table c (x int);")
        assert migrate.pending(con, sql_dir) == ["0003_c.sql"]


def test_failing_migration_leaves_no_record_and_no_half_table(tmp_path):
    sql_dir = make_sql_dir(tmp_path / "sql", {
        "0001_ok.sql": "create table ok (x int);",
        "0002_bad.sql": "create table half (x int);\ninsert into half select * from no_such_table;",
    })
    db = tmp_path / "w.duckdb"

    with pytest.raises(MigrationError, match="0002_bad.sql"):
        migrate.init(db, sql_dir, FakeClock())

    assert [name for name, _ in log(db)] == ["0001_ok.sql"]
    assert "half" not in tables(db)
    assert "ok" in tables(db)

    # fixed, it applies on the next run, and only it
    (sql_dir / "schema" / "0002_bad.sql").write_text("create table half (x int);")
    assert migrate.init(db, sql_dir, FakeClock()).applied == ["0002_bad.sql"]
    assert "half" in tables(db)


def test_misnamed_migration_file_is_refused(tmp_path):
    sql_dir = make_sql_dir(tmp_path / "sql", {"add_things.sql": "create table t (x int);"})
    with pytest.raises(MigrationError, match="NNNN_<what>.sql"):
        migrate.init(tmp_path / "w.duckdb", sql_dir, FakeClock())


def test_project_migrations_have_unique_numbers():
    numbers = [p.name[:4] for p in migrate.migration_files(SQL_DIR)]
    duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
    assert not duplicates, f"two migrations share number(s) {duplicates}: renumber the newer file"


def test_views_are_created_after_their_dependencies_whatever_the_names(tmp_path):
    sql_dir = make_sql_dir(
        tmp_path / "sql",
        {"0001_t.sql": "create table t (x int); insert into t values (1), (2);"},
        {
            # name order would try a_report first; it needs z_base, which needs stg_t
            "a_report.sql": "-- one row\nselect count(*) as n from z_base;",
            "z_base.sql": "select x * 10 as y from stg_t",
            "stg_t.sql": "select x from t",
            # a file may also hold the create statement itself
            "int_t.sql": "create or replace view int_t as select 1 as one;",
        },
    )
    db = tmp_path / "w.duckdb"
    result = migrate.init(db, sql_dir, FakeClock())

    assert result.views[:2] == ["stg_t", "int_t"]
    assert set(result.views) == {"stg_t", "int_t", "z_base", "a_report"}
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select n from a_report").fetchall() == [(2,)]
        # re-running replaces the views without complaint
    assert set(migrate.init(db, sql_dir, FakeClock()).views) == set(result.views)


def test_a_view_that_cannot_be_created_is_named(tmp_path):
    sql_dir = make_sql_dir(tmp_path / "sql", {"0001_t.sql": "create table t (x int);"},
                           {"broken.sql": "select no_such_column from t"})
    with pytest.raises(MigrationError, match="broken.sql"):
        migrate.init(tmp_path / "w.duckdb", sql_dir, FakeClock())


def test_every_project_view_is_created(db_path):
    expected = {p.stem for p in (SQL_DIR / "views").glob("*.sql")}
    with duckdb.connect(str(db_path), read_only=True) as con:
        views = {r[0] for r in con.execute("select view_name from duckdb_views() where not internal").fetchall()}
    assert expected <= views


def test_migration_names_follow_the_pattern():
    for path in (SQL_DIR / "schema").glob("*.sql"):
        assert re.match(r"^\d{4}_[a-z0-9_]+\.sql$", path.name), path.name
