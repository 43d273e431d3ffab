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


# -- upgrading a warehouse made before the weekly rendering's columns ----------------------------

SITE = "https://belarusinfocus.info"


OLD_APPLIED_AT = datetime(2024, 1, 1, tzinfo=timezone.utc)


def init_as_before_0009(db: Path, last: str) -> None:
    """Apply the project's migrations up to `last` as the code before 0009 did: its log
    (_schema_migrations) and every table in `main`, with views reading them unqualified."""
    with duckdb.connect(str(db)) as con:
        con.execute("create table _schema_migrations (name varchar primary key, applied_at timestamptz not null)")
        for path in migrate.migration_files():
            if path.name[:4] <= last:
                con.execute(path.read_text())
                con.execute("insert into _schema_migrations values ($name, $at)", {"name": path.name, "at": OLD_APPLIED_AT})
        con.execute("create view int_article_terms as select * from _article_terms")
        con.execute("create view similarity_content as select url_a, url_b, score, rank from _similarity_content")


def warehouse_of_migration_0006(tmp_path: Path) -> Path:
    """A warehouse as the code before migration 0007 left it, holding two articles (one in two
    versions), their links, a run with its coverage and errors, and a loaded batch."""
    db = tmp_path / "old.duckdb"
    init_as_before_0009(db, "0006")
    with duckdb.connect(str(db)) as con:
        con.execute(f"""
            insert into articles (url, site, language, category, title, published_at, category_status, photo_credit,
                                  body, word_count, content_hash, version, first_seen_at, last_seen_at, last_changed_at,
                                  etag, last_modified, gone_at) values
            ('{SITE}/society/a', '{SITE}', 'en', 'society', 'A, edited', '2017-09-18 10:50:00+03', 'negative', 'BelTA',
             'Body A2.', 2, 'ha2', 2, '2024-01-01 00:00:00+00', '2024-02-01 00:00:00+00', '2024-01-15 00:00:00+00',
             '"e1"', null, null),
            ('{SITE}/economy/b', '{SITE}', 'ru', 'economy', 'B', null, null, null,
             'Body B.', 2, 'hb1', 1, '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00',
             null, null, '2024-03-01 00:00:00+00');
            insert into article_versions (url, version, content_hash, title, published_at, category_status, photo_credit,
                                          body, captured_at) values
            ('{SITE}/society/a', 1, 'ha1', 'A', '2017-09-18 10:50:00+03', 'neutral', 'BelTA', 'Body A.', '2024-01-01 00:00:00+00'),
            ('{SITE}/society/a', 2, 'ha2', 'A, edited', '2017-09-18 10:50:00+03', 'negative', 'BelTA', 'Body A2.',
             '2024-01-15 00:00:00+00'),
            ('{SITE}/economy/b', 1, 'hb1', 'B', null, null, null, 'Body B.', '2024-01-01 00:00:00+00');
            insert into similar_links values ('{SITE}/society/a', '{SITE}/economy/b', 'B', 1);
            insert into crawl_runs values ('r1', 'belarusinfocus', '2024-01-01 00:00:00+00', '2024-01-01 01:00:00+00',
                                           'finished', 10, 2, 0, 0, 0, 1, 1);
            insert into crawl_errors values ('r1', '{SITE}/broken', 'http', 'HTTP 500', '2024-01-01 00:30:00+00');
            insert into crawl_coverage values
                ('r1', 'published_at', 2, 1, 0.5, map {{'label': 1, 'none': 1}}, null, 0, false),
                ('r1', 'title', 2, 2, 1.0, map {{'label': 2}}, null, 0, false);
            insert into _loaded_batches values ('r1-000001.jsonl', 'r1', '2024-01-01 01:00:00+00', 2, 0, 0, 0, 1);
        """)
    return db


def snapshot(db: Path, table: str, columns: str = "*") -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(f"select {columns} from {table} order by all").fetchall()


@pytest.mark.slow
def test_a_warehouse_made_before_the_weekly_columns_migrates_in_place_keeping_every_row(tmp_path):
    from warehouse.loader import Warehouse

    db = warehouse_of_migration_0006(tmp_path)
    with duckdb.connect(str(db), read_only=True) as con:
        old_columns = {table: [r[0] for r in con.execute(
            "select column_name from information_schema.columns where table_name = $t order by ordinal_position",
            {"t": table}).fetchall()] for table in ("articles", "article_versions")}
    before = {table: snapshot(db, table, ", ".join(old_columns.get(table, ["*"])))
              for table in ("articles", "article_versions", "similar_links", "crawl_runs", "crawl_errors",
                            "_loaded_batches")}

    result = Warehouse(db, clock=FakeClock()).init()

    assert result.applied == [p.name for p in migrate.migration_files() if p.name[:4] > "0006"]
    for table, rows in before.items():
        table = f"internal.{table}" if table.startswith("_") else table
        assert snapshot(db, table, ", ".join(old_columns.get(table, ["*"]))) == rows, f"{table} changed"
    for table in ("articles", "article_versions"):
        # the new columns: no week, no status words, and an empty list of authors (never NULL)
        assert snapshot(db, table, "period_start, period_end, authors, category_status_text") == (
            [(None, None, [], None)] * len(before[table]))
    assert snapshot(db, "captures") == []
    # the coverage of published_at is the baseline of the one date field judged from now on
    assert snapshot(db, "internal.crawl_coverage", "field, present") == [("published_at", 1), ("published_on", 1), ("title", 2)]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select url, published_on from stg_articles order by url").fetchall() == [
            (f"{SITE}/economy/b", None), (f"{SITE}/society/a", datetime(2017, 9, 18).date())]


def test_a_migrated_warehouse_goes_on_versioning_where_it_left_off(tmp_path):
    from tests.conftest import article
    from warehouse.loader import Warehouse
    from warehouse.spool import Spool

    db = warehouse_of_migration_0006(tmp_path)
    warehouse = Warehouse(db, clock=FakeClock())
    warehouse.init()
    later = datetime(2024, 4, 1, tzinfo=timezone.utc)
    with Spool(tmp_path / "spool", "r2") as spool:
        # the same content as stored (its hash unchanged by the upgrade), and a change
        spool.append_article(article(f"{SITE}/society/a", content_hash="ha2"), fetched_at=later)
        spool.append_article(article(f"{SITE}/economy/b", content_hash="hb2", authors=["Anna"]), fetched_at=later)
    result = warehouse.load_spool(tmp_path / "spool")
    assert (result.unchanged, result.updated) == (1, 1)
    assert snapshot(db, "article_versions", "url, version, content_hash, authors") == [
        (f"{SITE}/economy/b", 1, "hb1", []), (f"{SITE}/economy/b", 2, "hb2", ["Anna"]),
        (f"{SITE}/society/a", 1, "ha1", []), (f"{SITE}/society/a", 2, "ha2", [])]


# -- the internal schema (0009): analysts see only the contract's tables and views in main ----

CONTRACT_TABLES = {"articles", "article_versions", "similar_links", "captures", "crawl_runs", "crawl_errors"}
CONTRACT_VIEWS = {"stg_articles", "trend_monthly", "trend_status_monthly", "similarity_editorial",
                  "similarity_content", "trend_terms_monthly"}
# the tables 0009 moves out of main
MOVED_TABLES = ("stopwords", "_article_terms", "_article_terms_source", "_similarity_content", "_loaded_batches",
                "crawl_coverage")


def test_those_are_the_tables_and_views_the_contract_names():
    from tests.conftest import shared_file
    from tests.test_contract import parse_contract

    tables, views, _ = parse_contract(shared_file("CONTRACT.md").read_text(encoding="utf-8"))
    assert (set(tables), set(views)) == (CONTRACT_TABLES, CONTRACT_VIEWS)


def main_objects(db: Path) -> tuple[set[str], set[str]]:
    with duckdb.connect(str(db), read_only=True) as con:
        objects = con.execute(
            "select table_type, table_name from information_schema.tables "
            "where table_catalog = current_database() and table_schema = 'main'").fetchall()
    return ({name for kind, name in objects if kind == "BASE TABLE"},
            {name for kind, name in objects if kind == "VIEW"})


def test_main_holds_exactly_the_contracts_tables_and_views(tmp_path):
    from warehouse.loader import Warehouse

    db = tmp_path / "w.duckdb"
    Warehouse(db, clock=FakeClock()).init()
    assert main_objects(db) == (CONTRACT_TABLES, CONTRACT_VIEWS)
    with duckdb.connect(str(db), read_only=True) as con:
        internal = {r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'internal'").fetchall()}
    assert {*MOVED_TABLES, "_schema_migrations", "int_article_terms"} <= internal


def warehouse_of_migration_0008(tmp_path: Path) -> Path:
    """A warehouse as the code before 0009 left it: every table in main, a row in each."""
    db = tmp_path / "old.duckdb"
    init_as_before_0009(db, "0008")
    with duckdb.connect(str(db)) as con:
        con.execute(f"""
            insert into articles (url, site, language, category, title, body, word_count, content_hash, version,
                                  first_seen_at, last_seen_at, last_changed_at) values
            ('{SITE}/society/a', '{SITE}', 'en', 'society', 'A', 'Body A.', 2, 'ha1', 1,
             '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00');
            insert into stopwords values ('en', 'the'), ('ru', 'и');
            insert into _article_terms values ('{SITE}/society/a', 'body', 1), ('{SITE}/society/a', 'a', 1);
            insert into _article_terms_source values ('{SITE}/society/a', 'ha1', 42);
            insert into _similarity_content values ('{SITE}/society/a', '{SITE}/economy/b', 0.5, 1);
            insert into _loaded_batches values ('r1-000001.jsonl', 'r1', '2024-01-01 01:00:00+00', 1, 0, 0, 0, 0);
            insert into crawl_runs values ('r1', 'belarusinfocus', '2024-01-01 00:00:00+00', '2024-01-01 01:00:00+00',
                                           'finished', 1, 1, 0, 0, 0, 0, 0);
            insert into crawl_coverage values
                ('r1', 'title', 1, 1, 1.0, map {{'h1': 1}}, null, 0, false),
                ('r1', 'body', 1, 1, 1.0, map {{'entry': 1}}, 0.9, 3, false);
        """)
    return db


def test_an_older_warehouse_moves_its_internal_tables_out_of_main_keeping_every_row(tmp_path):
    from warehouse.loader import Warehouse

    db = warehouse_of_migration_0008(tmp_path)
    before = {table: snapshot(db, table) for table in MOVED_TABLES}
    assert all(before.values())
    old_log = log(db)
    newer = [path.name for path in migrate.migration_files() if path.name[:4] > "0008"]
    assert newer[0] == "0009_internal_schema.sql"
    with duckdb.connect(str(db), read_only=True) as con:  # `warehouse status` reads the old log
        assert migrate.pending(con) == newer

    result = Warehouse(db, clock=FakeClock()).init(refresh=False)

    assert result.applied == newer
    for table, rows in before.items():
        assert snapshot(db, f"internal.{table}") == rows, f"{table} changed"
    # the log was carried over, its dates kept, and the old one dropped with every other table
    assert log(db)[:len(old_log)] == old_log and [name for name, _ in log(db)][len(old_log):] == newer
    assert main_objects(db) == (CONTRACT_TABLES, CONTRACT_VIEWS)
    # the views read the moved tables
    assert snapshot(db, "similarity_content", "url_a, url_b, rank") == [(f"{SITE}/society/a", f"{SITE}/economy/b", 1)]
    assert Warehouse(db, clock=FakeClock()).init().applied == []  # and a rerun is a no-op, refresh included
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) > 0 from internal.stopwords").fetchone()[0]


def test_a_failing_move_leaves_the_older_warehouse_as_it_was(tmp_path):
    """0009 runs in one transaction: when the move fails (here a table of that name is in the way),
    nothing has moved and the migration stays pending."""
    db = warehouse_of_migration_0008(tmp_path)
    with duckdb.connect(str(db)) as con:
        con.execute("create schema internal; create table internal.stopwords (word varchar)")
    before = {table: snapshot(db, table) for table in MOVED_TABLES}

    with pytest.raises(MigrationError, match="0009_internal_schema.sql"):
        migrate.init(db, clock=FakeClock())

    assert {table: snapshot(db, table) for table in MOVED_TABLES} == before
    with duckdb.connect(str(db), read_only=True) as con:
        assert migrate.pending(con)[0] == "0009_internal_schema.sql"
