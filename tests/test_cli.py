"""The `warehouse` command: main([...]) per command, its stdout, formats and exit codes."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
import textwrap
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from warehouse.cli import EXIT_FAILURE, EXIT_LOCKED, EXIT_OK, EXIT_USAGE, build_parser, main
from warehouse.spool import Spool
from warehouse.staging import publish
from tests.conftest import PROJECT_ROOT, T0, article, assert_one_error_line, run_cli as run

SUBCOMMANDS = ("init", "query", "export", "status", "load", "report", "reparse", "import-warc", "demo")


@pytest.fixture(scope="module")
def loaded_template(tmp_path_factory, template_db) -> Path:
    """A warehouse holding two articles, loaded by the CLI itself, once per module."""
    folder = tmp_path_factory.mktemp("loaded")
    db = folder / "warehouse.duckdb"
    shutil.copyfile(template_db, db)
    with Spool(folder / "spool", "20240301T120000Z-run1") as spool:
        spool.append_article(article(), fetched_at=T0)
        spool.append_article(article(url="https://belarusinfocus.info/economy/b", title="Bread, butter",
                                     content_hash="hash-b", language="en", category_status="negative"), fetched_at=T0)
        spool.seal()
    assert main(["load", "--db", str(db), "--spool", str(folder / "spool")]) == EXIT_OK
    return db


@pytest.fixture
def loaded_db(loaded_template, tmp_path):
    """This test's own copy of the loaded warehouse."""
    path = tmp_path / "warehouse.duckdb"
    shutil.copyfile(loaded_template, path)
    return path


# -- help -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_command_has_help_with_an_example(capsys, command):
    code, out, _ = run(capsys, command, "--help")
    assert code == EXIT_OK
    assert f"usage: warehouse {command}" in out
    assert "example:\n  warehouse " in out


def test_top_level_help_lists_every_command_and_the_exit_codes(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == EXIT_OK
    for command in SUBCOMMANDS:
        assert command in out
    assert "3  the warehouse is locked" in out


def test_parser_knows_exactly_the_commands():
    parser = build_parser()
    choices = next(a for a in parser._actions if a.dest == "command").choices
    assert set(choices) == set(SUBCOMMANDS)


def test_usage_errors_are_one_line_exit_2(capsys):
    code, _, err = run(capsys, "frobnicate")
    assert code == EXIT_USAGE
    assert_one_error_line(err, "invalid choice", "warehouse --help")
    code, _, err = run(capsys, "query")
    assert code == EXIT_USAGE
    assert_one_error_line(err, "SQL", "warehouse query --help")


def test_python_dash_m_warehouse_works():
    done = subprocess.run([sys.executable, "-m", "warehouse", "query", "--help"], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert "usage: warehouse query" in done.stdout


# -- init -------------------------------------------------------------------------------------------

def test_init_creates_then_reports_up_to_date(capsys, tmp_path):
    db = tmp_path / "new" / "w.duckdb"
    code, out, _ = run(capsys, "init", "--db", str(db))
    assert code == EXIT_OK
    assert "applied 0001_core_tables.sql" in out
    code, out, _ = run(capsys, "init", "--db", str(db))
    assert code == EXIT_OK
    assert "schema up to date" in out


def test_db_comes_from_the_environment_when_no_flag(capsys, tmp_path, monkeypatch):
    db = tmp_path / "env.duckdb"
    monkeypatch.setenv("WAREHOUSE_PATH", str(db))
    assert run(capsys, "init")[0] == EXIT_OK
    assert db.exists()


# -- query ------------------------------------------------------------------------------------------

def test_query_table_csv_json(capsys, loaded_db):
    sql = "select title, version, first_seen_at from articles order by url"
    code, out, _ = run(capsys, "query", sql, "--db", str(loaded_db))
    assert code == EXIT_OK
    assert out.splitlines() == [
        "title          version  first_seen_at",
        "-------------  -------  -------------------------",
        "Bread, butter        1  2024-03-01T12:00:00+00:00",
        "Title                1  2024-03-01T12:00:00+00:00",
        "(2 rows)",
    ]

    code, out, _ = run(capsys, "query", sql, "--db", str(loaded_db), "--format", "csv")
    assert code == EXIT_OK
    assert list(csv.reader(io.StringIO(out))) == [
        ["title", "version", "first_seen_at"],
        ["Bread, butter", "1", "2024-03-01T12:00:00+00:00"],
        ["Title", "1", "2024-03-01T12:00:00+00:00"],
    ]

    code, out, _ = run(capsys, "query", sql, "--db", str(loaded_db), "--format", "json")
    assert code == EXIT_OK
    assert json.loads(out) == [
        {"title": "Bread, butter", "version": 1, "first_seen_at": "2024-03-01T12:00:00+00:00"},
        {"title": "Title", "version": 1, "first_seen_at": "2024-03-01T12:00:00+00:00"},
    ]


def test_query_reads_sql_from_stdin(capsys, loaded_db, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("select count(*) as n from articles"))
    code, out, _ = run(capsys, "query", "-", "--db", str(loaded_db), "--format", "csv")
    assert (code, out) == (EXIT_OK, "n\n2\n")


@pytest.mark.parametrize("sql, code, fragment", [
    ("drop table articles", EXIT_USAGE, "read-only statements only"),
    ("insert into crawl_runs (run_id, spider, started_at) values ('x', 'y', now())", EXIT_USAGE, "got INSERT"),
    ("copy articles to 'x.csv'", EXIT_USAGE, "got COPY"),
    ("select 1; drop table articles", EXIT_USAGE, "one statement at a time"),
    ("selec * from articles", EXIT_USAGE, "SQL syntax error"),
    ("   ", EXIT_USAGE, "no SQL statement"),
    ("select * from no_such_table", EXIT_FAILURE, "no_such_table"),
])
def test_query_rejections(capsys, loaded_db, sql, code, fragment):
    got, out, err = run(capsys, "query", sql, "--db", str(loaded_db))
    assert got == code
    assert out == ""
    assert_one_error_line(err, fragment)
    assert duckdb.connect(str(loaded_db), read_only=True).execute("select count(*) from articles").fetchone() == (2,)


def test_query_on_a_missing_warehouse(capsys, tmp_path):
    db = tmp_path / "nope.duckdb"
    code, _, err = run(capsys, "query", "select 1", "--db", str(db))
    assert code == EXIT_FAILURE
    assert_one_error_line(err, f"no warehouse at {db}", "warehouse init")
    assert not db.exists()


def test_a_warehouse_held_by_another_process_is_exit_3_naming_it(capsys, db_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, duckdb
            con = duckdb.connect({str(db_path)!r})
            print("ready", flush=True)
            sys.stdin.read()   # hold the lock until the test closes our stdin
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        for argv in (["query", "select 1"], ["status"], ["init"]):
            code, _, err = run(capsys, *argv, "--db", str(db_path))
            assert code == EXIT_LOCKED, argv
            assert_one_error_line(err, "is locked by", f"PID {holder.pid}")
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


# -- export -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, reader", [
    ("parquet", "read_parquet"), ("csv", "read_csv"), ("jsonl", "read_json"),
])
def test_export_round_trips_with_time_zones(capsys, loaded_db, tmp_path, fmt, reader):
    out_file = tmp_path / "out" / f"articles.{fmt}"
    code, out, _ = run(capsys, "export", "articles", "--format", fmt, "--out", str(out_file), "--db", str(loaded_db))

    assert code == EXIT_OK
    assert out.strip() == f"exported articles to {out_file}"
    assert [p.name for p in out_file.parent.iterdir()] == [out_file.name]  # no temp file left
    con = duckdb.connect()
    con.execute("set TimeZone = 'America/New_York'")  # the reader's zone must not matter
    got = con.execute(f"select url, published_at::timestamptz, first_seen_at::timestamptz "
                      f"from {reader}($p) order by url", {"p": str(out_file)}).fetchall()
    assert got == [
        ("https://belarusinfocus.info/economy/b", datetime(2017, 9, 18, 7, 50, tzinfo=timezone.utc), T0),
        ("https://belarusinfocus.info/society/a", datetime(2017, 9, 18, 7, 50, tzinfo=timezone.utc), T0),
    ]
    if fmt != "parquet":
        assert "2017-09-18T07:50:00+00:00" in out_file.read_text()  # ISO-8601 with its offset


def test_export_replaces_an_existing_file(capsys, loaded_db, tmp_path):
    out_file = tmp_path / "crawl_runs.csv"
    out_file.write_text("old content\n")
    assert run(capsys, "export", "CRAWL_RUNS", "--format", "csv", "--out", str(out_file), "--db", str(loaded_db))[0] == 0
    assert out_file.read_text().startswith("run_id,spider,started_at")


@pytest.mark.parametrize("name", ["no_such_view", 'articles" to \'/tmp/x.csv\'; --'])
def test_export_unknown_name(capsys, loaded_db, tmp_path, name):
    code, _, err = run(capsys, "export", name, "--format", "csv", "--out", str(tmp_path / "x.csv"), "--db", str(loaded_db))
    assert code == EXIT_USAGE
    assert_one_error_line(err, "no table or view named", "trend_monthly")
    assert list(tmp_path.glob("*.csv")) == [] and list(tmp_path.glob(".*")) == []


def test_export_bad_format(capsys, loaded_db, tmp_path):
    code, _, err = run(capsys, "export", "articles", "--format", "xlsx", "--out", str(tmp_path / "x"), "--db", str(loaded_db))
    assert code == EXIT_USAGE
    assert_one_error_line(err, "invalid choice: 'xlsx'")


def test_export_to_an_unwritable_place(capsys, loaded_db, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    code, _, err = run(capsys, "export", "articles", "--format", "csv", "--out", str(blocker / "x.csv"), "--db", str(loaded_db))
    assert code == EXIT_FAILURE
    assert_one_error_line(err, f"cannot write to {blocker}")


# -- status -----------------------------------------------------------------------------------------

def test_status_table_and_json(capsys, loaded_db):
    code, out, _ = run(capsys, "status", "--db", str(loaded_db))
    assert code == EXIT_OK
    for title in ("== Schema migrations", "== Recent crawl runs", "== Tables", "== Articles per language and category",
                  "== Field coverage", "== Errors of the last run by kind", "== Failing data checks"):
        assert title in out
    assert "0001_core_tables.sql" in out

    code, out, _ = run(capsys, "status", "--db", str(loaded_db), "--format", "json")
    assert code == EXIT_OK
    document = json.loads(out)
    counts = {row["table"]: row["rows"] for row in document["Tables"]}
    assert counts["articles"] == 2 and counts["article_versions"] == 2 and counts["internal._loaded_batches"] == 1
    by_category = {(r["language"], r["category"]): r["articles"] for r in document["Articles per language and category"]}
    assert by_category == {("en", "economy"): 1, ("en", "society"): 1}


def test_status_counts_status_words_not_understood_and_the_date_as_one_field(capsys, db_path, spool_batch):
    from datetime import date

    spool_batch([
        article(),
        article(url="https://belarusinfocus.pro/politics/w1", published_at=None, period_start=date(2016, 8, 22),
                period_end=date(2016, 8, 28), authors=["Anna"], category_status=None,
                category_status_text="The situation is unclear", content_hash="w1"),
        article(url="https://belarusinfocus.pro/politics/w2", published_at=None, period_start=date(2016, 8, 29),
                period_end=date(2016, 9, 4), category_status=None, category_status_text="The situation is unclear",
                content_hash="w2"),
    ])
    assert main(["load", "--db", str(db_path), "--spool", str(spool_batch.directory)]) == EXIT_OK
    capsys.readouterr()
    code, out, _ = run(capsys, "status", "--db", str(db_path), "--format", "json")
    assert code == EXIT_OK
    document = json.loads(out)
    assert [(r["language"], r["category_status_text"], r["articles"]) for r in document["Status words not understood"]] == [
        ("en", "The situation is unclear", 2)]
    [coverage] = document["Field coverage (% of articles with the field)"]
    assert (coverage["published_at"], coverage["published_on"], coverage["authors"]) == (33.3, 100.0, 33.3)
    code, out, _ = run(capsys, "status", "--db", str(db_path))
    assert "2 article(s) show a status in words not understood" in out


def test_status_reports_failing_checks(capsys, db_path, tmp_path, monkeypatch):
    import warehouse.status as status_mod

    sql_dir = tmp_path / "sql"
    (sql_dir / "checks").mkdir(parents=True)
    (sql_dir / "schema").symlink_to(status_mod.SQL_DIR / "schema")
    (sql_dir / "checks" / "always_fails.sql").write_text("select 'bad' as url")
    (sql_dir / "checks" / "passes.sql").write_text("select url from articles where url is null")
    sections = {s.title: s for s in status_mod.status(db_path, sql_dir)}
    checks = sections["Failing data checks"]
    assert checks.rows == [("always_fails", 1, "url=bad")]
    assert checks.note == "1 of 2 checks fail"


def test_status_of_a_missing_or_empty_warehouse(capsys, tmp_path):
    code, _, err = run(capsys, "status", "--db", str(tmp_path / "nope.duckdb"))
    assert code == EXIT_FAILURE
    assert_one_error_line(err, "no warehouse at")
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    code, _, err = run(capsys, "status", "--db", str(empty))
    assert code == EXIT_FAILURE
    assert_one_error_line(err, "warehouse init")


# -- load -------------------------------------------------------------------------------------------

def test_load_brings_spool_and_staging_in_once(capsys, tmp_path, spool_batch):
    db = tmp_path / "fresh.duckdb"
    assert main(["init", "--db", str(db)]) == EXIT_OK  # load never creates one
    staging = tmp_path / "staging"
    with Spool(tmp_path / "worker-spool", "20240301T120000Z.host-1") as spool:  # a worker's batch
        spool.append_article(article(), fetched_at=T0)
        publish(spool.seal(), staging)
    spool_batch([article(url="https://belarusinfocus.info/society/other")])

    code, out, _ = run(capsys, "load", "--db", str(db), "--spool", str(spool_batch.directory), "--staging", str(staging))
    assert code == EXIT_OK
    assert "2 batch(es) loaded: 2 new" in out
    # what is left: the loader's snapshot of stored articles, for the workers' recrawl policy
    assert [p.name for p in staging.iterdir()] == ["known.json"] and list(spool_batch.directory.iterdir()) == []

    code, out, _ = run(capsys, "load", "--db", str(db), "--spool", str(spool_batch.directory), "--staging", str(staging))
    assert code == EXIT_OK
    assert "0 batch(es) loaded" in out


def test_load_from_a_folder_that_does_not_exist(capsys, db_path, tmp_path):
    code, _, err = run(capsys, "load", "--db", str(db_path), "--staging", str(tmp_path / "nowhere"))
    assert code == EXIT_USAGE
    assert_one_error_line(err, "no folder")


def test_load_reports_a_bad_batch_and_exits_1(capsys, db_path, tmp_path):
    spool = tmp_path / "spool"
    spool.mkdir()
    (spool / "r-000001.jsonl").write_text("{broken\n")
    code, out, err = run(capsys, "load", "--db", str(db_path), "--spool", str(spool))
    assert code == EXIT_FAILURE
    assert "1 batch(es) failed" in out
    assert_one_error_line(err, "r-000001.jsonl was not loaded", "stays in place")


# -- report and demo wiring ---------------------------------------------------------------------------

