"""`warehouse query` and `--out` against hostile input: SQL that reaches for files, values that
carry terminal escape sequences, Ctrl-C on a long query, and --out targets that are not regular
files (a symlink, a FIFO, a device node, a folder, the real /dev/null and /dev/stdout).

Every refusal is checked the way a user meets it: the exit code, one stderr line, no traceback,
and nothing written, read or replaced.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import PROJECT_ROOT, T0, article, assert_one_error_line, missing, run_cli as run, wait_for
from warehouse.cli import EXIT_OK, EXIT_USAGE
from warehouse.loader import Warehouse
from warehouse.query import check_statement, connect_sandboxed, explained_statement
from warehouse.spool import Spool

SECRET = "TOP-SECRET-LINE-7f3a"
HOSTILE_TITLE = "\x1b]0;pwned\x07Bread\x1b[2J\x1b[31m, butter\x9b1m\x00"


def cli(*argv: str, cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "warehouse", *argv], cwd=cwd, capture_output=True,
                          env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}, timeout=120, **kwargs)


def listing(folder: Path) -> dict[str, tuple]:
    """Every entry under `folder` with its kind, size and mtime: anything written shows up here."""
    return {str(p.relative_to(folder)): (p.is_symlink(), p.is_file(), p.lstat().st_size, p.lstat().st_mtime_ns)
            for p in folder.rglob("*")}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, template_db) -> Path:
    """A warehouse with two articles, one title full of terminal escape sequences; loaded once and
    shared, as every test here only reads it (and checks that it could not do more)."""
    folder = tmp_path_factory.mktemp("hostile")
    db = folder / "warehouse.duckdb"
    shutil.copyfile(template_db, db)
    with Spool(folder / "spool", "20240301T120000Z-run1") as spool:
        spool.append_article(article(), fetched_at=T0)
        spool.append_article(article(url="https://belarusinfocus.info/economy/b", title=HOSTILE_TITLE,
                                     content_hash="hash-b", category_status="negative"), fetched_at=T0)
        spool.seal()
    warehouse = Warehouse(db)
    warehouse.load_spool(folder / "spool")
    warehouse.refresh()
    return db


@pytest.fixture
def outside(tmp_path) -> Path:
    """Files beside the warehouse but not in it: a CSV, a Parquet file, another DuckDB file."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.csv").write_text(f"line\n{SECRET}\n")
    with duckdb.connect() as con:
        con.execute(f"copy (select '{SECRET}' as line) to '{folder / 'secret.parquet'}' (format parquet)")
    with duckdb.connect(str(folder / "other.duckdb")) as con:
        con.execute(f"create table t as select '{SECRET}' as line")
    return folder


# -- the statement check ----------------------------------------------------------------------------

HOSTILE = [
    ("EXPLAIN ANALYZE COPY (select 1) TO 'evil.sh'", "EXPLAIN of COPY"),
    ("explain (analyze, format json) copy (select 1) to 'evil.sh'", "EXPLAIN of COPY"),
    ("/* note */ EXPLAIN ANALYSE copy (select 1) to 'evil.sh'", "EXPLAIN of COPY"),
    ("explain analyze create table evil as select 1", "EXPLAIN of CREATE"),
    ("explain analyze delete from articles", "EXPLAIN of DELETE"),
    ("explain pragma version", "EXPLAIN of PRAGMA"),
    ("COPY (select 1) TO 'evil.sh'", "got COPY"),
    ("copy articles to 'evil.csv' (header)", "got COPY"),
    ("EXPORT DATABASE 'evil'", "got EXPORT"),
    ("ATTACH '{outside}/other.duckdb' AS o", "got ATTACH"),
    ("ATTACH 'evil.duckdb' AS evil", "got ATTACH"),
    ("INSTALL httpfs", "got LOAD"),
    ("LOAD httpfs", "got LOAD"),
    ("SET enable_external_access = true", "got SET"),
    ("RESET enable_external_access", "got SET"),
    ("SET lock_configuration = false", "got SET"),
    ("PRAGMA enable_profiling", "got PRAGMA"),
    ("CALL pragma_version()", "got CALL"),
    ("CHECKPOINT", "got CALL"),
    ("CREATE TABLE evil AS SELECT 1", "got CREATE"),
    ("USE memory", "got SET"),
    ("SET enable_external_access=true; select * from read_text('/etc/hostname')", "one statement at a time"),
    ("select 1; COPY (select 1) TO 'evil.sh'", "one statement at a time"),
    ("select * from query('copy (select 1) to ''evil.sh''')", "Expected a single SELECT"),
    # plain SELECTs that reach for files: the parse check lets them through, the connection refuses
    ("select * from read_text('/etc/hostname')", "reads the warehouse only"),
    ("select * from read_blob('/etc/hostname')", "reads the warehouse only"),
    ("select * from read_csv('{outside}/secret.csv')", "reads the warehouse only"),
    ("select * from read_parquet('{outside}/secret.parquet')", "reads the warehouse only"),
    ("select * from '{outside}/secret.csv'", "reads the warehouse only"),
    ("select * from glob('{outside}/*')", "reads the warehouse only"),
    ("select * from read_duckdb('{outside}/other.duckdb', table_name='t')", "reads the warehouse only"),
    ("select * from enable_logging(storage='file', storage_path='logs')", "cannot change settings"),
    ("select * from enable_profiling()", "cannot change settings"),
    ("select * from read_csv('https://example.com/x.csv')", "reads the warehouse only"),
    ("explain analyze select * from read_text('/etc/hostname')", "reads the warehouse only"),
]


@pytest.mark.parametrize("sql, fragment", HOSTILE)
def test_query_refuses_anything_but_reading_the_warehouse(capsys, monkeypatch, loaded, outside, tmp_path,
                                                          sql, fragment):
    monkeypatch.chdir(tmp_path)  # where a relative 'evil.sh' would land
    before = listing(tmp_path)
    code, out, err = run(capsys, "query", sql.format(outside=outside), "--db", loaded)
    assert code == EXIT_USAGE
    assert out == ""
    assert_one_error_line(err, fragment)
    assert SECRET not in err
    assert listing(tmp_path) == before, "query wrote or changed a file"


def test_explain_analyze_copy_writes_no_file_in_a_real_process(loaded, tmp_path):
    """The reproduction of the report: before, it exited 0 and wrote evil.sh."""
    done = cli("query", "EXPLAIN ANALYZE COPY (select 1) TO 'evil.sh'", "--db", str(loaded), cwd=tmp_path)
    assert done.returncode == EXIT_USAGE
    assert done.stdout == b""
    assert_one_error_line(done.stderr.decode(), "EXPLAIN of COPY")
    assert not (tmp_path / "evil.sh").exists()
    done = cli("query", "select * from read_text('/etc/hostname')", "--db", str(loaded), cwd=tmp_path)
    assert done.returncode == EXIT_USAGE and done.stdout == b""
    assert_one_error_line(done.stderr.decode(), "reads the warehouse only", "/etc/hostname")


def test_the_connection_alone_refuses_files_and_cannot_be_unlocked(loaded, outside, tmp_path):
    """The second fence, without the statement check in front: DuckDB itself refuses."""
    con = connect_sandboxed(loaded)
    try:
        for sql in (f"copy (select 1) to '{tmp_path / 'evil.sh'}'",
                    f"explain analyze copy (select 1) to '{tmp_path / 'evil.sh'}'",
                    "select * from read_text('/etc/hostname')",
                    f"select * from read_parquet('{outside / 'secret.parquet'}')",
                    f"attach '{outside / 'other.duckdb'}' as o",
                    "install httpfs", "load httpfs"):
            with pytest.raises(duckdb.PermissionException):
                con.execute(sql)
        for sql in ("set enable_external_access = true", "reset enable_external_access",
                    "set lock_configuration = false", "set temp_directory = '/tmp'",
                    "set enable_progress_bar = true"):
            with pytest.raises(duckdb.InvalidInputException, match="locked"):
                con.execute(sql)
        assert con.execute("select current_setting('enable_external_access')").fetchone() == (False,)
        with pytest.raises(duckdb.Error):  # the file is opened read-only
            con.execute("delete from articles")
        assert con.execute("select count(*) from articles").fetchone() == (2,)
    finally:
        con.close()
    assert not (tmp_path / "evil.sh").exists()


@pytest.mark.parametrize("sql", [
    "select count(*) as n from articles",
    "from articles select count(*) as n",
    "with a as (select * from articles) select count(*) as n from a",
    "select count(*) as n from internal.stopwords where 0 = 1 union all select count(*) from articles",
    "select count(*) > 0 as n from trend_terms_monthly union all select 2",  # a view over internal tables
    "select count(*) as n from similarity_content where 0 = 1 union all select 2",
    "select count(*) as n from trend_status_monthly where 0 = 1 union all select 2",
])
def test_reads_of_tables_and_views_still_work(capsys, loaded, sql):
    code, out, err = run(capsys, "query", sql, "--db", loaded, "--format", "json")
    assert (code, err) == (EXIT_OK, "")
    assert json.loads(out)[-1]["n"] in (2, True)


@pytest.mark.parametrize("sql", ["show tables", "describe articles", "summarize crawl_runs", "values (1, 2)",
                                 "explain select * from articles", "explain analyze select count(*) from articles",
                                 "EXPLAIN (select 1) union (select 2)", "/* é */ explain (format json) select 1"])
def test_other_read_forms_run(capsys, loaded, sql):
    code, out, err = run(capsys, "query", sql, "--db", loaded)
    assert (code, err) == (EXIT_OK, "")
    assert out.rstrip().endswith("row)") or out.rstrip().endswith("rows)")


@pytest.mark.parametrize("sql, inner", [
    ("explain select 1", "select 1"),
    ("EXPLAIN ANALYZE select 1", "select 1"),
    ("explain (analyze, format json) copy t to 'x'", "copy t to 'x'"),
    ("/* ééé */ explain analyse (select 1) union (select 2)", "(select 1) union (select 2)"),
    ("explain -- why\n with a as (select 1) select * from a", "with a as (select 1) select * from a"),
    ("select 1", None),
    ("explain", None),
])
def test_explained_statement(sql, inner):
    assert explained_statement(sql) == inner


def test_check_statement_returns_the_statement():
    assert check_statement("  select 1;  ").strip().rstrip(";") == "select 1"
    assert check_statement("explain analyze select 1").lower().startswith("explain")


# -- escape sequences -----------------------------------------------------------------------------------

def _controls(text: str) -> set[str]:
    return {c for c in text if (ord(c) < 0x20 and c not in "\n\t") or 0x7f <= ord(c) <= 0x9f}


def test_table_output_shows_control_characters_escaped(loaded, tmp_path):
    sql = "select title, 1 as \"x\x1b[1mcol\" from articles where url like '%/b'"
    done = cli("query", sql, "--db", str(loaded), cwd=tmp_path)
    assert done.returncode == EXIT_OK, done.stderr
    text = done.stdout.decode("utf-8")
    assert _controls(text) == set(), repr(text)
    assert "\\x1b]0;pwned\\x07Bread\\x1b[2J\\x1b[31m, butter\\x9b1m\\x00" in text
    assert "x\\x1b[1mcol" in text.splitlines()[0]


def test_csv_and_json_keep_the_value_exact(loaded, tmp_path):
    sql = "select title from articles where url like '%/b'"
    done = cli("query", sql, "--db", str(loaded), "--format", "csv", cwd=tmp_path)
    assert done.returncode == EXIT_OK, done.stderr
    assert list(csv.reader(io.StringIO(done.stdout.decode("utf-8"), newline=""))) == [["title"], [HOSTILE_TITLE]]
    done = cli("query", sql, "--db", str(loaded), "--format", "json", cwd=tmp_path)
    assert done.returncode == EXIT_OK, done.stderr
    text = done.stdout.decode("utf-8")
    assert _controls(text) == set(), repr(text)  # JSON escapes C0 and C1 alike
    assert json.loads(text) == [{"title": HOSTILE_TITLE}]


def test_an_error_line_quoting_a_value_escapes_it(capsys, loaded):
    code, out, err = run(capsys, "query", "select title::int from articles where url like '%/b'", "--db", loaded)
    assert code != EXIT_OK and out == ""
    assert_one_error_line(err, "\\x1b")
    assert _controls(err) == set()


# -- Ctrl-C -------------------------------------------------------------------------------------------

def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.slow
def test_ctrl_c_ends_a_long_query_with_130_and_one_line(loaded, tmp_path):
    sql = "select count(*) from range(100000000) a, range(100000) b where a.range + b.range = 7"  # runs for minutes
    before = listing(loaded.parent)
    proc = subprocess.Popen([sys.executable, "-m", "warehouse", "query", sql, "--db", str(loaded)], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})
    try:
        # started importing takes well under a second of CPU; past 1.5 s the join is running
        wait_for(lambda: proc.poll() is not None or _cpu_seconds(proc.pid) > 1.5, timeout=60,
                 what="the query to be running")
        assert proc.poll() is None, proc.communicate()
        time.sleep(2.5)  # past the 2 s after which DuckDB would draw its progress bar on stdout
        sent = time.monotonic()
        os.kill(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err
    assert out == ""
    assert_one_error_line(err, "query interrupted")
    assert took < 10, f"the query took {took:.1f} s to stop"
    after = listing(loaded.parent)
    assert {k for k in after if k not in before} == set(), "files left behind"
    with duckdb.connect(str(loaded)) as con:  # not left locked
        assert con.execute("select count(*) from articles").fetchone() == (2,)


# -- --out: only a regular file is ever replaced ---------------------------------------------------------

def _out_command(command: str, db: Path, target: Path | str) -> list[str]:
    if command == "export":
        return ["export", "articles", "--format", "csv", "--out", str(target), "--db", str(db)]
    return ["report", "--out", str(target), "--db", str(db)]


def _targets(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "targets"
    folder.mkdir()
    (folder / "real.txt").write_text("keep me\n")
    (folder / "link").symlink_to(folder / "real.txt")
    (folder / "dangling").symlink_to(folder / "nowhere.txt")
    (folder / "stdout").symlink_to("/proc/self/fd/1")
    os.mkfifo(folder / "fifo")
    (folder / "a-folder").mkdir()
    targets = {name: folder / name for name in ("link", "dangling", "stdout", "fifo", "a-folder")}
    try:  # a device node like /dev/null, made here so that nothing shared is at risk
        os.mknod(folder / "null", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        targets["null"] = folder / "null"
    except PermissionError:
        pass
    return targets


def _state(path: Path) -> tuple:
    st = path.lstat()
    return (st.st_ino, st.st_mode, st.st_rdev, os.readlink(path) if path.is_symlink() else None)


@pytest.mark.parametrize("command", ["export", "report"])
def test_out_refuses_anything_but_a_regular_file(capsys, loaded, tmp_path, command):
    targets = _targets(tmp_path)
    for name, target in targets.items():
        before = _state(target)
        code, out, err = run(capsys, *_out_command(command, loaded, target))
        assert code == EXIT_USAGE, (name, err)
        assert_one_error_line(err, str(target), "a folder" if name == "a-folder" else "not a regular file")
        assert _state(target) == before, f"{name} was replaced"
    assert (tmp_path / "targets" / "real.txt").read_text() == "keep me\n"
    assert not (tmp_path / "targets" / "nowhere.txt").exists()
    assert sorted(p.name for p in (tmp_path / "targets").iterdir()) == sorted(
        ["real.txt", *targets]), "a temporary file was left behind"
    # a regular file is still replaced
    regular = tmp_path / "targets" / "regular.out"
    regular.write_text("old")
    code, _, err = run(capsys, *_out_command(command, loaded, regular))
    assert code == EXIT_OK, err
    assert regular.read_text() != "old"


NAMESPACE_SCRIPT = """
set -u
mount -t tmpfs private-dev /dev || exit 99
mknod -m 666 /dev/null c 1 3 && mknod -m 666 /dev/urandom c 1 9 && mknod -m 666 /dev/zero c 1 5 || exit 99
ln -s /proc/self/fd /dev/fd; ln -s /proc/self/fd/1 /dev/stdout; ln -s /proc/self/fd/2 /dev/stderr
for target in /dev/null /dev/stdout; do
  for command in "export articles --format csv" "report"; do
    {python} -m warehouse $command --out $target --db {db} >/dev/null 2>{tmp}/err
    echo "$command $target rc=$? lines=$(wc -l < {tmp}/err) $(head -c 300 {tmp}/err)"
  done
done
echo "null: $(stat -c '%F %t,%T' /dev/null)"
echo "stdout: $(stat -c '%F' /dev/stdout) -> $(readlink /dev/stdout)"
echo "dev: $(ls -A /dev | tr '\\n' ' ')"
"""


@pytest.mark.slow
def test_out_dev_null_and_dev_stdout_as_root_in_a_private_dev(loaded, tmp_path):
    """The real paths of the report, as root, in a mount namespace of our own with a /dev of its
    own: a regression could only replace that copy, never the machine's /dev/null."""
    if os.geteuid() != 0:
        missing("needs root to make a private /dev (run as root, as the container tests do)")
    script = NAMESPACE_SCRIPT.format(python=sys.executable, db=loaded, tmp=tmp_path)
    try:
        done = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                              capture_output=True, text=True, timeout=180,
                              env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}, cwd=tmp_path)
    except FileNotFoundError:
        missing("no `unshare` (util-linux): it makes the private /dev this test writes into")
    if done.returncode == 99 or "Operation not permitted" in done.stderr:
        missing(f"cannot make a private mount namespace here: {done.stderr.strip()[:200]}")
    lines = done.stdout.splitlines()
    results = [line for line in lines if " rc=" in line]
    assert len(results) == 4, done.stdout + done.stderr
    for line in results:
        assert " rc=2 lines=1 warehouse: error: " in line and "not a regular file" in line, line
    assert "null: character special file 1,3" in lines, done.stdout
    assert "stdout: symbolic link -> /proc/self/fd/1" in lines, done.stdout
    dev = next(line for line in lines if line.startswith("dev: ")).split()[1:]
    assert sorted(dev) == ["fd", "null", "stderr", "stdout", "urandom", "zero"], dev  # no temp file left
