"""`warehouse export`: the file appears whole or not at all, and timestamps keep their instant.

Atomicity is tested with real processes and real signals on a warehouse big enough that the
export is still writing when the signal lands. Time zones are tested by reading each format back
the way another tool would (csv/json + datetime.fromisoformat, pyarrow), from files written by
exporters running in other time zones.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from warehouse.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE
from tests.conftest import PROJECT_ROOT, assert_one_error_line, run_cli as run
from warehouse.db import WarehouseUsageError
from warehouse.export import export

MINSK = timezone(timedelta(hours=3))
UTC = timezone.utc
# RFC 3339 in UTC with a full offset: what Python 3.10's fromisoformat, Java and JS all accept.
ISO_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?\+00:00")
ISO_NAIVE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?")


def export_process(db: Path, name: str, fmt: str, out: Path, **env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "warehouse", "export", name, "--format", fmt, "--out", str(out), "--db", str(db)],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **env},
    )


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name)


# -- time zones -------------------------------------------------------------------------------------

# (label, instant, the same wall clock without a zone): Minsk time, and values around midnight in
# UTC and in Minsk, where a wrong zone would change the day, the month or the year.
TZ_CASES = [
    ("minsk", datetime(2017, 9, 18, 10, 50, tzinfo=MINSK)),
    ("minsk new year", datetime(2024, 1, 1, 0, 0, tzinfo=MINSK)),           # 2023-12-31 21:00 UTC
    ("utc last microsecond", datetime(2023, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)),
    ("utc midnight", datetime(2024, 3, 1, 0, 0, tzinfo=UTC)),               # 03:00 in Minsk
    ("minsk after midnight", datetime(2024, 3, 1, 2, 59, 59, 500000, tzinfo=MINSK)),  # Feb 29 in UTC
    ("no date", None),
]
EXPORTER_ZONES = ("Asia/Kolkata", "America/Los_Angeles")  # +05:30 and -08:00/-07:00: neither is UTC


def expected_wall(at: datetime | None) -> datetime | None:
    return at.replace(tzinfo=None) if at else None  # the wall clock the instant was given in


@pytest.fixture(scope="module")
def tz_exports(tmp_path_factory, template_db) -> dict[tuple[str, str], Path]:
    """`tz_cases` (a TIMESTAMPTZ and a naive TIMESTAMP column) exported in every format by
    `python -m warehouse export` processes running in each of EXPORTER_ZONES."""
    folder = tmp_path_factory.mktemp("tz")
    db = folder / "warehouse.duckdb"
    shutil.copyfile(template_db, db)
    with duckdb.connect(str(db)) as con:
        con.execute("create table tz_cases (label varchar, instant timestamptz, wall timestamp)")
        con.executemany("insert into tz_cases values (?, ?, ?)",
                        [(label, at, expected_wall(at)) for label, at in TZ_CASES])
    files = {}
    for zone in EXPORTER_ZONES:
        # The proof is only worth something if DuckDB really runs in that zone in the exporter.
        probe = subprocess.run([sys.executable, "-c", "import duckdb; print(duckdb.execute("
                                "\"select current_setting('TimeZone')\").fetchone()[0])"],
                               env={**os.environ, "TZ": zone}, capture_output=True, text=True, timeout=60)
        assert probe.stdout.strip() == zone
        for fmt in ("parquet", "csv", "jsonl"):
            out = folder / zone.replace("/", "_") / f"tz_cases.{fmt}"
            proc = export_process(db, "tz_cases", fmt, out, TZ=zone)
            stdout, stderr = proc.communicate(timeout=60)
            assert proc.returncode == 0, stderr
            files[zone, fmt] = out
    return files


def parse_text_timestamps(rows: list[dict]) -> list[tuple]:
    """Rows' timestamps as another tool reads them: stdlib fromisoformat, after checking the text form."""
    parsed = []
    for row in rows:
        at, wall = row["instant"], row["wall"]
        if at in ("", None):  # NULL: an empty CSV field, a JSON null
            assert wall in ("", None)
            parsed.append((row["label"], None, None))
            continue
        assert ISO_UTC.fullmatch(at), at
        assert ISO_NAIVE.fullmatch(wall), wall
        instant = datetime.fromisoformat(at)
        assert instant.utcoffset() == timedelta(0)
        parsed.append((row["label"], instant, datetime.fromisoformat(wall)))
    return parsed


EXPECTED = [(label, at, expected_wall(at)) for label, at in TZ_CASES]


@pytest.mark.slow
@pytest.mark.parametrize("zone", EXPORTER_ZONES)
def test_csv_round_trip_keeps_instants(tz_exports, zone):
    with tz_exports[zone, "csv"].open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert parse_text_timestamps(rows) == EXPECTED  # aware datetimes compare as instants


@pytest.mark.slow
@pytest.mark.parametrize("zone", EXPORTER_ZONES)
def test_jsonl_round_trip_keeps_instants(tz_exports, zone):
    lines = tz_exports[zone, "jsonl"].read_text().splitlines()
    assert parse_text_timestamps([json.loads(line) for line in lines]) == EXPECTED


@pytest.mark.slow
def test_text_formats_spell_minsk_time_in_utc_with_a_full_offset(tz_exports):
    zone = EXPORTER_ZONES[0]
    assert "minsk,2017-09-18T07:50:00+00:00,2017-09-18T10:50:00\n" in tz_exports[zone, "csv"].read_text()
    first = json.loads(tz_exports[zone, "jsonl"].read_text().splitlines()[0])
    assert first == {"label": "minsk", "instant": "2017-09-18T07:50:00+00:00", "wall": "2017-09-18T10:50:00"}


@pytest.mark.slow
@pytest.mark.parametrize("zone", EXPORTER_ZONES)
def test_parquet_round_trip_keeps_instants(tz_exports, zone):
    path = str(tz_exports[zone, "parquet"])
    con = duckdb.connect()
    con.execute("set TimeZone = 'America/New_York'")  # the reader's zone must not matter either
    assert con.execute("select column_name, column_type from (describe select * from read_parquet($p))",
                       {"p": path}).fetchall() == [
        ("label", "VARCHAR"), ("instant", "TIMESTAMP WITH TIME ZONE"), ("wall", "TIMESTAMP")]
    assert con.execute("select * from read_parquet($p)", {"p": path}).fetchall() == EXPECTED


@pytest.mark.slow
def test_parquet_is_utc_adjusted_for_other_readers(tz_exports):
    pq = pytest.importorskip("pyarrow.parquet")
    table = pq.read_table(tz_exports[EXPORTER_ZONES[0], "parquet"])
    assert str(table.schema.field("instant").type) == "timestamp[us, tz=UTC]"  # isAdjustedToUTC
    assert str(table.schema.field("wall").type) == "timestamp[us]"        # a wall clock, no zone
    assert table.column("instant").to_pylist() == [at for _, at in TZ_CASES]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_output_does_not_depend_on_the_exporters_zone(tz_exports, fmt):
    first, second = (tz_exports[zone, fmt] for zone in EXPORTER_ZONES)
    if fmt == "parquet":
        con = duckdb.connect()
        assert (con.execute("select * from read_parquet($p)", {"p": str(first)}).fetchall()
                == con.execute("select * from read_parquet($p)", {"p": str(second)}).fetchall())
    else:
        assert first.read_bytes() == second.read_bytes()


# -- atomic write: real processes, real signals ------------------------------------------------------

ARTICLE_ROWS = 300_000


@pytest.fixture(scope="module")
def big_db(tmp_path_factory, template_db) -> Path:
    """An initialised warehouse with 300k articles: a CSV export of it takes a moment (~100 MB)."""
    path = tmp_path_factory.mktemp("big") / "warehouse.duckdb"
    shutil.copyfile(template_db, path)
    with duckdb.connect(str(path)) as con:
        con.execute(f"""
            insert into articles (url, site, language, category, title, published_at, category_status,
                                  photo_credit, body, word_count, content_hash, version,
                                  first_seen_at, last_seen_at, last_changed_at)
            select 'https://belarusinfocus.info/economy/a' || i, 'https://belarusinfocus.info', 'en', 'economy',
                   'Title ' || i, timestamptz '2017-09-18 10:50:00+03' + to_minutes(i), 'neutral', 'BelTA',
                   repeat('Lorem ipsum dolor sit amet. ', 10), 50, md5(i::varchar), 1,
                   timestamptz '2024-03-01 12:00:00+00', timestamptz '2024-03-01 12:00:00+00',
                   timestamptz '2024-03-01 12:00:00+00'
            from range({ARTICLE_ROWS}) t(i)
        """)
    return path


def signal_mid_write(db: Path, out: Path, signum: int) -> tuple[subprocess.Popen, str, str]:
    """Start a CSV export of all articles to `out`, wait until its temp file holds data, send `signum`.
    Return the ended process, its stdout and stderr."""
    proc = export_process(db, "articles", "csv", out)
    prefix = f".{out.name}.tmp-{proc.pid}-"
    deadline = time.monotonic() + 60
    try:
        while not any(e.name.startswith(prefix) and e.stat().st_size > 0 for e in os.scandir(out.parent)):
            assert proc.poll() is None, f"the export ended before the signal ({proc.returncode}): {proc.stderr.read()}"
            assert time.monotonic() < deadline, "the export never started writing"
            time.sleep(0.002)
        os.kill(proc.pid, signum)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc, stdout, stderr


@pytest.mark.slow
@pytest.mark.parametrize("previous", [None, b"run_id,spider\nold,complete\n"], ids=["new-file", "replacing"])
def test_sigkill_mid_write_never_leaves_a_truncated_file(capsys, big_db, tmp_path, previous):
    out = tmp_path / "exports" / "articles.csv"
    out.parent.mkdir()
    if previous is not None:
        out.write_bytes(previous)

    proc, _, _ = signal_mid_write(big_db, out, signal.SIGKILL)

    assert proc.returncode == -signal.SIGKILL
    if previous is None:
        assert not out.exists()
    else:
        assert out.read_bytes() == previous
    # Nothing could clean up after SIGKILL: what is left is hidden and named as a temp file...
    [leftover] = temp_files(out.parent)
    assert leftover.startswith(f".articles.csv.tmp-{proc.pid}-") and not leftover.endswith(".csv")
    assert sorted(p.name for p in out.parent.glob("*.csv")) == (["articles.csv"] if previous else [])

    # ...and the next export into the folder removes it (its process is gone) and writes a whole file.
    code, _, err = run(capsys, "export", "crawl_runs", "--format", "csv", "--out", out, "--db", big_db)
    assert code == EXIT_OK, err
    assert sorted(p.name for p in out.parent.iterdir()) == ["articles.csv"]
    assert out.read_text().startswith("run_id,spider,started_at")


@pytest.mark.parametrize("signum, returncode, stderr", [
    (signal.SIGTERM, -signal.SIGTERM, ""),   # cleaned up, then ended by the signal as the sender meant
    (signal.SIGHUP, -signal.SIGHUP, ""),
    (signal.SIGINT, 130, "warehouse: error: interrupted\n"),  # Ctrl-C: the CLI's one line
])
@pytest.mark.slow
def test_a_stop_signal_mid_write_removes_the_temp_file_and_keeps_the_old_one(big_db, tmp_path, signum, returncode, stderr):
    out = tmp_path / "articles.csv"
    out.write_bytes(b"url\nold complete file\n")

    proc, stdout, err = signal_mid_write(big_db, out, signum)

    assert (proc.returncode, err, stdout) == (returncode, stderr, "")
    assert out.read_bytes() == b"url\nold complete file\n"
    assert temp_files(tmp_path) == []


@pytest.mark.slow
def test_a_complete_export_replaces_the_old_file(capsys, big_db, tmp_path):
    out = tmp_path / "articles.csv"
    out.write_text("old\n")
    proc = export_process(big_db, "articles", "csv", out)
    stdout, stderr = proc.communicate(timeout=120)
    assert (proc.returncode, stdout, stderr) == (0, f"exported articles to {out}\n", "")  # no progress bar
    assert duckdb.execute("select count(*) from read_csv($p)", {"p": str(out)}).fetchone() == (ARTICLE_ROWS,)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["articles.csv"]


def test_a_query_failing_mid_copy_keeps_the_old_file(capsys, db_path, tmp_path):
    with duckdb.connect(str(db_path)) as con:  # a view that fails at run time, after rows went out
        con.execute("create view boom as select i, if(i < 150000, 'ok', error('boom at ' || i)) as s "
                    "from range(200000) t(i)")
    out = tmp_path / "out" / "boom.csv"
    out.parent.mkdir()
    out.write_text("i,s\n0,old\n")
    code, stdout, err = run(capsys, "export", "boom", "--format", "csv", "--out", out, "--db", db_path)
    assert (code, stdout) == (EXIT_FAILURE, "")
    assert_one_error_line(err, "export of boom failed", "boom at")
    assert out.read_text() == "i,s\n0,old\n"
    assert sorted(p.name for p in out.parent.iterdir()) == ["boom.csv"]


def test_stale_temp_files_of_dead_exports_are_removed_others_kept(capsys, db_path, tmp_path):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # reaped: its pid is free (a zombie would still count as running)
    names = {
        f".articles.csv.tmp-{gone.pid}-0123abcd": "removed",         # killed export of the same file
        f".trend_monthly.parquet.tmp-{gone.pid}-89abcdef": "removed",  # killed export of another file
        f".articles.csv.tmp-{os.getpid()}-00000000": "kept",         # an export still running
        f"articles.csv.tmp-{gone.pid}-0123abcd": "kept",             # not our name: not hidden
        f".notes.tmp-{gone.pid}": "kept",                              # not our name: no token
    }
    for name in names:
        (tmp_path / name).write_text("partial")
    code, _, err = run(capsys, "export", "crawl_runs", "--format", "csv", "--out", tmp_path / "articles.csv",
                       "--db", db_path)
    assert code == EXIT_OK, err
    left = {p.name for p in tmp_path.iterdir()} - {"warehouse.duckdb", "articles.csv"}
    assert left == {name for name, fate in names.items() if fate == "kept"}


def test_the_file_gets_ordinary_permissions(db_path, tmp_path):
    umask = os.umask(0o022)
    os.umask(umask)
    out = export(db_path, "crawl_runs", "parquet", tmp_path / "runs.parquet")
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # readable by the tools it is for, unlike mkstemp's 0600


# -- bad input (test_cli covers unknown name, bad --format and a file in the way) ---------------------

def test_out_naming_a_folder_is_a_usage_error(capsys, db_path, tmp_path):
    code, _, err = run(capsys, "export", "articles", "--format", "csv", "--out", tmp_path, "--db", db_path)
    assert code == EXIT_USAGE
    assert_one_error_line(err, "is a folder", str(tmp_path / "articles.csv"))


def test_missing_folders_are_created(capsys, db_path, tmp_path):
    out = tmp_path / "a" / "b" / "runs.jsonl"
    code, _, err = run(capsys, "export", "crawl_runs", "--format", "jsonl", "--out", out, "--db", db_path)
    assert code == EXIT_OK, err
    assert out.is_file() and temp_files(out.parent) == []


@pytest.mark.parametrize("argv, code, fragment", [
    (["no_such_view", "--db", "{db}"], EXIT_USAGE, "no table or view named 'no_such_view'"),
    (["articles", "--db", "{tmp}/nope.duckdb"], EXIT_FAILURE, "no warehouse at"),
])
def test_a_failure_before_writing_leaves_the_old_file_and_no_folders(capsys, db_path, tmp_path, argv, code, fragment):
    out = tmp_path / "new" / "x.csv"
    argv = [a.format(db=db_path, tmp=tmp_path) for a in argv]
    got, _, err = run(capsys, "export", *argv, "--format", "csv", "--out", out)
    assert got == code
    assert_one_error_line(err, fragment)
    assert not out.parent.exists()  # nothing was created for a command that could not run

    (tmp_path / "x.csv").write_text("old\n")
    got, _, err = run(capsys, "export", *argv, "--format", "csv", "--out", tmp_path / "x.csv")
    assert got == code and (tmp_path / "x.csv").read_text() == "old\n"
    assert temp_files(tmp_path) == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes to read-only folders")
def test_an_unwritable_folder_is_one_line(capsys, db_path, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    code, _, err = run(capsys, "export", "articles", "--format", "csv", "--out", locked / "x.csv", "--db", db_path)
    assert code == EXIT_FAILURE
    assert_one_error_line(err, f"cannot write to {locked}", "Permission denied")


def test_the_api_rejects_an_unknown_format(db_path, tmp_path):
    with pytest.raises(WarehouseUsageError, match="unknown export format 'xlsx'"):
        export(db_path, "articles", "xlsx", tmp_path / "x.xlsx")
    assert list(tmp_path.iterdir()) == [db_path]


# -- the weekly rendering's columns ------------------------------------------------------------

def weekly_and_dated_warehouse(warehouse, spool_batch):
    from datetime import date

    from tests.conftest import article

    warehouse.load_batch(spool_batch([
        article("https://belarusinfocus.pro/politics/weekly", published_at=None, period_start=date(2020, 12, 28),
                period_end=date(2021, 1, 3), authors=["Anna Maria", 'Vadim "V." Smok'], category_status=None,
                category_status_text="The situation is unclear"),
        article("https://belarusinfocus.pro/politics/dated", category_status_text="negative"),
    ]))
    return warehouse.path


def test_csv_gives_the_authors_as_json_text_and_the_week_as_dates(capsys, warehouse, spool_batch, tmp_path):
    db = weekly_and_dated_warehouse(warehouse, spool_batch)
    out = tmp_path / "articles.csv"
    assert run(capsys, "export", "articles", "--format", "csv", "--out", out, "--db", db)[0] == EXIT_OK
    with out.open(newline="", encoding="utf-8") as fh:
        got = {row["url"].rsplit("/", 1)[1]: row for row in csv.DictReader(fh)}
    assert json.loads(got["weekly"]["authors"]) == ["Anna Maria", 'Vadim "V." Smok']
    assert got["dated"]["authors"] == "[]"
    assert (got["weekly"]["period_start"], got["weekly"]["period_end"]) == ("2020-12-28", "2021-01-03")
    assert got["weekly"]["published_at"] == "" and got["dated"]["period_end"] == ""
    assert got["weekly"]["category_status_text"] == "The situation is unclear"


def test_jsonl_and_parquet_keep_the_authors_a_list(capsys, warehouse, spool_batch, tmp_path):
    from datetime import date

    db = weekly_and_dated_warehouse(warehouse, spool_batch)
    jsonl, parquet = tmp_path / "stg.jsonl", tmp_path / "stg.parquet"
    assert run(capsys, "export", "stg_articles", "--format", "jsonl", "--out", jsonl, "--db", db)[0] == EXIT_OK
    assert run(capsys, "export", "stg_articles", "--format", "parquet", "--out", parquet, "--db", db)[0] == EXIT_OK
    lines = {r["url"].rsplit("/", 1)[1]: r for r in map(json.loads, jsonl.read_text(encoding="utf-8").splitlines())}
    assert lines["weekly"]["authors"] == ["Anna Maria", 'Vadim "V." Smok'] and lines["dated"]["authors"] == []
    assert (lines["weekly"]["period_end"], lines["weekly"]["published_on"]) == ("2021-01-03", "2021-01-03")
    with duckdb.connect() as con:
        assert con.execute("select authors, period_start, published_on from read_parquet($p) order by url",
                           {"p": str(parquet)}).fetchall() == [
            ([], None, date(2017, 9, 18)), (["Anna Maria", 'Vadim "V." Smok'], date(2020, 12, 28), date(2021, 1, 3))]
