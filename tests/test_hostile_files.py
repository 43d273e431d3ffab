"""Hostile files and folders: warehouses sharing a folder, a full disk, damaged warehouse files,
spool folders gone bad, batches the loader cannot read. Each ends in one line saying what is
wrong and what to do, the right exit code, nothing lost, nothing foreign loaded.

The full-disk tests mount a small tmpfs (root only; skipped with the reason elsewhere) or limit
the file size a child process may write (RLIMIT_FSIZE: its writes then fail with EFBIG).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from tests.conftest import PROJECT_ROOT, T0, article, run_cli as run
from warehouse.cli import EXIT_FAILURE, EXIT_OK
from warehouse.config import default_spool_dir, resolve_spool_dir
from warehouse.loader import Warehouse
from warehouse.spool import Spool
from warehouse.spool_owner import Owner, read_header

RUN_A = "20240301T120000Z-runa"
RUN_B = "20240301T120000Z-runb"


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def urls(db: Path) -> set[str]:
    return {row[0] for row in query(db, "select url from articles")}


def new_identity(db: Path) -> None:
    """Give a copy of the template warehouse an id of its own (a different warehouse)."""
    with duckdb.connect(str(db)) as con:
        con.execute("update internal.warehouse_identity set warehouse_id = uuid()::varchar")


@pytest.fixture
def two_warehouses(tmp_path, template_db) -> tuple[Path, Path]:
    """data/warehouse.duckdb and data/demo.duckdb side by side, two different warehouses."""
    folder = tmp_path / "data"
    folder.mkdir()
    a, b = folder / "warehouse.duckdb", folder / "demo.duckdb"
    shutil.copyfile(template_db, a)
    shutil.copyfile(template_db, b)
    new_identity(b)
    return a, b


def spool_for(db: Path | None, folder: Path, run_id: str, paths: list[str], owner: dict | None = None) -> Path:
    """A sealed batch of articles at `paths`, spooled into `folder` for warehouse `db` (its header),
    or with `owner` as the header, or (both None) without a header, as earlier versions wrote."""
    header = owner if owner is not None else (Owner.of(db).header() if db is not None else None)
    with Spool(folder, run_id, owner=header) as spool:
        for path in paths:
            spool.append_article(article(f"https://belarusinfocus.info/society/{path}", content_hash=path),
                                 fetched_at=T0)
        return spool.seal()


def article_urls(*paths: str) -> set[str]:
    return {f"https://belarusinfocus.info/society/{p}" for p in paths}


# -- every warehouse owns its spool ------------------------------------------------------------

def test_the_default_spool_is_beside_the_warehouse_file_and_named_after_it(tmp_path, monkeypatch):
    monkeypatch.delenv("SPOOL_DIR", raising=False)
    a = resolve_spool_dir(db_path=tmp_path / "data" / "warehouse.duckdb")
    b = resolve_spool_dir(db_path=tmp_path / "data" / "demo.duckdb")
    assert (a.name, b.name) == ("warehouse.duckdb.spool", "demo.duckdb.spool")
    assert a.parent == b.parent == tmp_path / "data"


def test_each_batch_names_the_warehouse_it_was_spooled_for(two_warehouses):
    a, _ = two_warehouses
    batch = spool_for(a, default_spool_dir(a), RUN_A, ["x"])
    header = read_header(batch)
    assert header["warehouse_path"] == str(a.resolve())
    assert header["warehouse_id"] == query(a, "select warehouse_id from internal.warehouse_identity")[0][0]


def test_another_warehouses_batch_is_left_in_place_and_named_in_one_line(two_warehouses, capsys):
    a, b = two_warehouses
    own = default_spool_dir(a)
    mine = spool_for(a, own, RUN_A, ["a1", "a2"])
    theirs = spool_for(b, own, RUN_B, ["b1"])  # B's batch in A's folder (a shared SPOOL_DIR, a copied file)

    code, out, err = run(capsys, "load", "--db", a)

    assert code == EXIT_OK
    assert urls(a) == article_urls("a1", "a2"), "B's article went into A"
    assert not mine.exists() and theirs.exists(), "the foreign batch must stay where it is"
    assert "1 batch(es) of another warehouse left in place" in out
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("warehouse: warning: 1 batch(es) in "), err
    assert str(b.resolve()) in lines[0] and f"--db {b.resolve()}" in lines[0]

    # the warehouse it names takes it, exactly once
    code, _, _ = run(capsys, "load", "--db", b, "--spool", own)
    assert code == EXIT_OK and urls(b) == article_urls("b1") and not theirs.exists()


def test_copies_of_one_warehouse_sharing_a_spool_folder_keep_their_batches_apart(two_warehouses, capsys):
    a, _ = two_warehouses
    copy = a.with_name("copy.duckdb")
    shutil.copyfile(a, copy)  # the same id: told apart by the path
    shared = a.parent / "shared-spool"
    for_a = spool_for(a, shared, RUN_A, ["a1"])
    for_copy = spool_for(copy, shared, RUN_B, ["c1"])

    assert run(capsys, "load", "--db", copy, "--spool", shared)[0] == EXIT_OK
    assert urls(copy) == article_urls("c1") and for_a.exists()
    assert run(capsys, "load", "--db", a, "--spool", shared)[0] == EXIT_OK
    assert urls(a) == article_urls("a1") and not for_copy.exists() and not for_a.exists()


def test_a_warehouse_moved_with_its_spool_folder_still_loads_its_batches(two_warehouses, capsys):
    a, _ = two_warehouses
    spool_for(a, default_spool_dir(a), RUN_A, ["a1"])
    moved = a.parent / "elsewhere" / "renamed.duckdb"
    moved.parent.mkdir()
    a.rename(moved)
    default_spool_dir(a).rename(default_spool_dir(moved))

    assert run(capsys, "load", "--db", moved)[0] == EXIT_OK
    assert urls(moved) == article_urls("a1")


def test_a_warehouse_moved_while_its_spool_folder_stays_still_loads_its_batches(two_warehouses, capsys):
    a, b = two_warehouses
    kept = a.parent / "kept-spool"  # SPOOL_DIR, say, on another disk
    spool_for(a, kept, RUN_A, ["a1"])
    moved = a.parent / "bigger-disk" / "warehouse.duckdb"
    moved.parent.mkdir()
    a.rename(moved)

    assert run(capsys, "load", "--db", b, "--spool", kept)[0] == EXIT_OK
    assert urls(b) == set(), "another warehouse took it"
    assert run(capsys, "load", "--db", moved, "--spool", kept)[0] == EXIT_OK
    assert urls(moved) == article_urls("a1")


def test_a_batch_spooled_while_the_warehouse_was_busy_is_known_by_its_path(two_warehouses, capsys):
    a, b = two_warehouses
    shared = a.parent / "shared-spool"
    busy_start = Owner(None, str(a.resolve())).header()  # no id: the file was held as the crawl began
    batch = spool_for(None, shared, RUN_A, ["a1"], owner=busy_start)

    assert run(capsys, "load", "--db", b, "--spool", shared)[0] == EXIT_OK
    assert urls(b) == set() and batch.exists()
    assert run(capsys, "load", "--db", a, "--spool", shared)[0] == EXIT_OK
    assert urls(a) == article_urls("a1")


def test_an_upgrade_moves_each_warehouses_batches_out_of_the_old_shared_spool(two_warehouses, capsys):
    a, b = two_warehouses
    legacy = a.parent / "spool"  # where earlier versions spooled for every warehouse of the folder
    Warehouse(a).start_run(RUN_A, "belarusinfocus", T0)
    Warehouse(b).start_run(RUN_B, "belarusinfocus", T0)
    of_a = spool_for(None, legacy, RUN_A, ["a1", "a2"])
    of_b = spool_for(None, legacy, RUN_B, ["b1"])
    unknown = spool_for(None, legacy, "20240301T120000Z-gone", ["u1"])

    code, _, _ = run(capsys, "status", "--db", a)
    assert code == EXIT_OK
    code, out, _ = run(capsys, "status", "--db", a)
    first = out.split("\n\n")[0]
    assert first.startswith("== Needs attention") and "old shared spool" in first
    assert "1 batch(es) of this warehouse's runs" in first and "2 batch(es) there are of runs" in first

    assert run(capsys, "load", "--db", a)[0] == EXIT_OK
    assert urls(a) == article_urls("a1", "a2")
    assert not of_a.exists() and of_b.exists() and unknown.exists()
    assert run(capsys, "load", "--db", b)[0] == EXIT_OK
    assert urls(b) == article_urls("b1") and not of_b.exists()
    assert unknown.exists(), "a batch of a run neither warehouse knows is never loaded or lost"
    _, out, _ = run(capsys, "status", "--db", b)
    assert "1 batch(es) there are of runs this warehouse does not know" in out.split("\n\n")[0]


# -- a full disk -------------------------------------------------------------------------------

SPOOL_UNTIL_REFUSED = textwrap.dedent("""
    import json, resource, signal, sys
    from datetime import datetime, timezone
    from warehouse.spool import Spool
    from warehouse.db import WarehouseDiskFull
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)     # else the kernel kills the process
    folder, limit = sys.argv[1], int(sys.argv[2])
    spool = Spool(folder, "20240301T120000Z-full", owner={"warehouse_id": None, "warehouse_path": sys.argv[3]})
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    appended = 0
    try:
        while True:
            spool.append_article({"url": f"https://belarusinfocus.info/society/p{appended}", "site": "https://belarusinfocus.info",
                                  "language": "en", "category": "society", "title": "T", "body": "word " * 300,
                                  "content_hash": f"h{appended}", "authors": [], "similar_links": []},
                                 fetched_at=datetime(2024, 3, 1, tzinfo=timezone.utc))
            appended += 1
    except WarehouseDiskFull as exc:
        print(json.dumps({"appended": appended, "error": str(exc)}))
""")


def test_a_spool_write_the_file_system_refuses_keeps_every_whole_line_and_loses_nothing(db_path, tmp_path, capsys):
    folder = default_spool_dir(db_path)
    proc = subprocess.run([sys.executable, "-c", SPOOL_UNTIL_REFUSED, str(folder), "50000", str(db_path.resolve())],
                          capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})
    assert proc.returncode == 0, proc.stderr
    outcome = json.loads(proc.stdout)
    assert outcome["error"].startswith("disk full (spool ") and "File too large" in outcome["error"]
    (part,) = folder.glob("*.jsonl.part")  # the child died without sealing it
    data = part.read_bytes()
    assert data.endswith(b"\n"), "half a line was left behind"
    records = [json.loads(line) for line in data.splitlines()]
    assert len([r for r in records if r["record"] == "article"]) == outcome["appended"] > 10

    code, out, _ = run(capsys, "load", "--db", db_path)
    assert code == EXIT_OK and "torn" not in out
    assert len(urls(db_path)) == outcome["appended"]


@pytest.fixture
def small_disk(tmp_path) -> Path:
    """A 3 MB tmpfs mounted in tmp_path (root only), unmounted afterwards."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root (the file-size-limit test covers the spool elsewhere)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_load_onto_a_full_disk_is_one_line_and_loses_nothing(template_db, small_disk, tmp_path, capsys):
    db = small_disk / "warehouse.duckdb"
    shutil.copyfile(template_db, db)
    spool = tmp_path / "spool"
    paths = [f"p{i}" for i in range(300)]
    with Spool(spool, RUN_A) as writer:  # ~3 MB of articles: more than the disk has left
        for path in paths:
            writer.append_article(article(f"https://belarusinfocus.info/society/{path}", body="word " * 1500,
                                          content_hash=path), fetched_at=T0)
        batch = writer.seal()

    code, out, err = run(capsys, "load", "--db", db, "--spool", spool)

    assert code == EXIT_FAILURE
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("warehouse: error: disk full (warehouse "), err
    assert "No space left on device" in lines[0] and "Traceback" not in err
    assert batch.exists(), "the batch must stay in the spool"
    assert urls(db) == set(), "nothing half-loaded"
    # given room, the same batch loads whole
    roomy = tmp_path / "roomy.duckdb"
    shutil.copyfile(db, roomy)
    assert run(capsys, "load", "--db", roomy, "--spool", spool)[0] == EXIT_OK
    assert urls(roomy) == article_urls(*paths)


# -- damaged warehouse files -------------------------------------------------------------------

def damage(db: Path, how: str) -> None:
    if how == "truncated":
        with open(db, "r+b") as fh:
            fh.truncate(db.stat().st_size // 3)
    elif how == "garbage":
        db.write_bytes(os.urandom(db.stat().st_size))
    else:  # "damaged block": a data block overwritten, found only when read
        with open(db, "r+b") as fh:
            fh.seek(300_000)
            fh.write(os.urandom(4096))


# The commands that must notice each damage: an overwritten file is noticed as it opens; a file
# cut short, by any command reading the schema; a damaged data block, by status (it counts every table).
MUST_NOTICE = {"garbage": {"status", "load", "query", "init", "export", "report", "reparse"},
               "truncated": {"status", "load", "init"}, "damaged block": {"status"}}
COMMANDS = [
    ("status",), ("load",), ("query", "select count(*) from articles"), ("init",),
    ("export", "articles", "--format", "csv", "--out", "{tmp}/out.csv"), ("report", "--out", "{tmp}/r.html"),
    ("reparse",),
]


@pytest.mark.parametrize("how", ["truncated", "garbage", "damaged block"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_damaged_warehouse_is_one_line_in_every_command(db_path, tmp_path, capsys, how, command):
    damage(db_path, how)
    argv = [part.format(tmp=tmp_path) for part in command]
    code, _, err = run(capsys, *argv, "--db", db_path)
    if code == EXIT_OK and command[0] not in MUST_NOTICE[how]:
        # DuckDB reads, and checks, a block only when it needs it: this command did not need a lost one
        assert err == ""
        return
    lines = err.strip().splitlines()
    assert code == EXIT_FAILURE, err
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith(f"warehouse: error: warehouse {db_path} is damaged ("), err
    assert "restore it from a backup" in lines[0] and f"warehouse init --db {db_path}" in lines[0]


# -- spool folders gone bad, stuck batches -----------------------------------------------------

def test_a_file_where_the_spool_folder_should_be_is_one_line(db_path, capsys):
    default_spool_dir(db_path).write_text("not a folder")
    code, _, err = run(capsys, "load", "--db", db_path)
    assert code == EXIT_FAILURE
    assert err.strip().splitlines() == [
        f"warehouse: error: the spool {default_spool_dir(db_path)} is a file, not a folder: "
        "move it aside (or set SPOOL_DIR to a folder) and run again"]
    code, out, _ = run(capsys, "status", "--db", db_path)
    assert code == EXIT_OK
    assert "spool unusable" in out.split("\n\n")[0] and "is a file, not a folder" in out.split("\n\n")[0]


@pytest.mark.parametrize("target", ["nowhere", "itself"])
def test_a_spool_symlink_to_nothing_is_one_line(db_path, capsys, target):
    spool = default_spool_dir(db_path)
    spool.symlink_to(spool if target == "itself" else db_path.parent / "gone")
    code, _, err = run(capsys, "load", "--db", db_path)
    assert code == EXIT_FAILURE
    assert err.strip().splitlines() == [f"warehouse: error: the spool {spool} is a symlink to nothing (or a loop): "
                                        "point it at a folder this user may write, or remove it, and run again"]
    _, out, _ = run(capsys, "status", "--db", db_path)
    assert "spool unusable" in out.split("\n\n")[0]


def test_an_unreadable_spool_folder_is_one_line(db_path, tmp_path):
    spool_for(db_path, default_spool_dir(db_path), RUN_A, ["a1"])
    default_spool_dir(db_path).chmod(0)
    for path in (tmp_path, db_path):
        path.chmod(0o777 if path.is_dir() else 0o666)

    def as_nobody():
        os.setgid(65534)
        os.setuid(65534)
    try:
        proc = subprocess.run([sys.executable, "-m", "warehouse", "load", "--db", str(db_path)], capture_output=True,
                              text=True, timeout=60, cwd=tmp_path,
                              preexec_fn=as_nobody if os.geteuid() == 0 else None,  # root reads any folder
                              env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "HOME": str(tmp_path)})
    except PermissionError as exc:  # e.g. a Python installed under /root
        pytest.skip(f"user nobody cannot run this Python ({exc}); as another user than root chmod suffices")
    finally:
        default_spool_dir(db_path).chmod(0o755)
    if "ModuleNotFoundError" in proc.stderr or "Permission denied: '/" in proc.stderr:
        pytest.skip(f"user nobody cannot run this checkout's Python: {proc.stderr.strip()[-200:]}")
    assert proc.returncode == EXIT_FAILURE, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0] == (
        f"warehouse: error: cannot read the spool folder {default_spool_dir(db_path)}: Permission denied; "
        "give this user read and write access to it"), proc.stderr


def stuck_batch(db: Path) -> Path:
    """A sealed batch of three articles whose second line is torn (a damaged disk, a hand edit)."""
    batch = spool_for(db, default_spool_dir(db), RUN_A, ["s1", "s2", "s3"])
    lines = batch.read_bytes().splitlines(keepends=True)
    lines[2] = lines[2][: len(lines[2]) // 2] + b"\n"  # line 1 is the header
    batch.write_bytes(b"".join(lines))
    return batch


def test_a_stuck_batch_is_refused_and_shown_first_by_status_with_what_to_do(db_path, capsys):
    batch = stuck_batch(db_path)
    code, _, err = run(capsys, "load", "--db", db_path)
    assert code == EXIT_FAILURE and batch.exists() and urls(db_path) == set()
    assert len(err.strip().splitlines()) == 1 and batch.name in err

    code, out, _ = run(capsys, "status", "--db", db_path)
    first = out.split("\n\n")[0]
    assert code == EXIT_OK and first.startswith("== Needs attention (1 problem(s))"), out
    assert "STUCK BATCH" in first and f"sed -i '3d' {batch}" in first

    # done as it says, the batch's other records load
    subprocess.run(["sed", "-i", "3d", str(batch)], check=True)
    assert run(capsys, "load", "--db", db_path)[0] == EXIT_OK
    assert urls(db_path) == article_urls("s1", "s3")
    _, out, _ = run(capsys, "status", "--db", db_path)
    assert out.startswith("== Needs attention (nothing")


def test_failed_runs_and_budget_hits_are_shown_first_by_status(db_path, capsys):
    warehouse = Warehouse(db_path)
    warehouse.start_run("20240301T100000Z-ok", "belarusinfocus", T0)
    warehouse.finish_run("20240301T100000Z-ok", finished_at=T0, finish_reason="finished")
    warehouse.start_run("20240302T100000Z-full", "belarusinfocus", datetime(2024, 3, 2, tzinfo=timezone.utc))
    warehouse.finish_run("20240302T100000Z-full", finished_at=datetime(2024, 3, 2, 1, tzinfo=timezone.utc),
                         finish_reason="disk_full")
    warehouse.start_run("20240303T100000Z-open", "belarusinfocus", datetime(2024, 3, 3, tzinfo=timezone.utc))
    with duckdb.connect(str(db_path)) as con:
        con.execute("insert into crawl_errors (run_id, url, kind, message, occurred_at) values "
                    "('20240303T100000Z-open', 'http://x/list?page=401', 'budget', 'listing depth 400 reached', $at)",
                    {"at": datetime(2024, 3, 3, tzinfo=timezone.utc)})

    code, out, _ = run(capsys, "status", "--db", db_path)
    first = out.split("\n\n")[0]
    assert code == EXIT_OK and first.startswith("== Needs attention (3 problem(s))"), out
    assert "RUN FAILED" in first and "20240302T100000Z-full" in first and "disk_full" in first
    assert "RUN NOT ENDED" in first and "20240303T100000Z-open" in first
    assert "budget hit" in first and "listing depth 400 reached" in first
    assert "20240301T100000Z-ok" not in first


# -- real crawls -------------------------------------------------------------------------------

def crawl(base_url: str, db: Path, log: Path, *settings: str, wait: bool = True):
    """A real `scrapy crawl` process (its log in `log`, so stderr holds only its `crawl: error:` lines)."""
    cmd = [sys.executable, "-m", "scrapy", "crawl", "belarusinfocus", "-a", f"base_url={base_url}",
           "-s", f"WAREHOUSE_PATH={db}", "-s", f"LOG_FILE={log}", "-s", "WAREHOUSE_BATCH_SIZE=20", *settings]
    proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})
    return proc.communicate(timeout=600) + (proc.returncode,) if wait else proc


@pytest.fixture(scope="module")
def site():
    from warehouse.demo_site import build_site

    return build_site()


def spooled_article_urls(folder: Path) -> set[str]:
    found = set()
    for batch in folder.glob("*.jsonl*"):
        for line in batch.read_bytes().splitlines():
            record = json.loads(line)
            if record.get("record") == "article":
                found.add(record["url"])
    return found


@pytest.mark.e2e
@pytest.mark.parametrize("spool", ["own folders", "one SPOOL_DIR for both"])
def test_two_warehouses_in_one_folder_crawled_at_once_each_keep_their_own(site, tmp_path, spool):
    from warehouse.demo_site import DemoServer

    folder = tmp_path / "data"
    a, b = folder / "warehouse.duckdb", folder / "demo.duckdb"
    shared = ["-s", f"SPOOL_DIR={folder / 'spool'}"] if spool != "own folders" else []
    with DemoServer(site) as site_a, DemoServer(site) as site_b:  # two sites: every article URL differs
        first = crawl(site_a.base_url, a, tmp_path / "a.log", *shared, wait=False)
        second = crawl(site_b.base_url, b, tmp_path / "b.log", *shared, wait=False)
        outcomes = [first.communicate(timeout=600) + (first.returncode,),
                    second.communicate(timeout=600) + (second.returncode,)]
    for (_, err, code), name in zip(outcomes, "ab"):
        assert code == 0, f"crawl {name} exited {code}: {err[-2000:]}"
        assert err == "", err
    for db, server in ((a, site_a), (b, site_b)):
        expected = {server.base_url + article.path for article in site.expected_articles()}
        stored = [row[0] for row in query(db, "select url from articles")]
        assert len(stored) == len(set(stored)), "an article stored twice"
        assert set(stored) == expected, (f"{db.name}: foreign {sorted(set(stored) - expected)[:3]}, "
                                         f"missing {sorted(expected - set(stored))[:3]}")
        runs = {row[0] for row in query(db, "select run_id from crawl_runs")}
        assert len(runs) == 1
        assert {row[0] for row in query(db, "select distinct run_id from crawl_errors")} <= runs
        assert {row[0] for row in query(db, "select distinct run_id from internal._loaded_batches")} == runs
    spool_folders = [folder / "spool"] if shared else [default_spool_dir(a), default_spool_dir(b)]
    assert not any(batch for f in spool_folders for batch in f.glob("*.jsonl*")), "a batch was left behind"


@pytest.mark.e2e
@pytest.mark.parametrize("where", ["spool and warehouse", "warehouse alone"])
def test_a_crawl_on_a_full_disk_stops_fails_with_one_line_and_keeps_what_it_spooled(
        site, template_db, small_disk, tmp_path, where):
    from warehouse.demo_site import DemoServer

    db = small_disk / "warehouse.duckdb"
    shutil.copyfile(template_db, db)
    spool = default_spool_dir(db) if where == "spool and warehouse" else tmp_path / "spool"
    with DemoServer(site) as server:
        # Small batches, loaded early, and a crawl paced so that it cannot finish before the
        # first loads meet the full disk, however busy the machine.
        out, err, code = crawl(server.base_url, db, tmp_path / "crawl.log", "-s", f"SPOOL_DIR={spool}",
                               "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}", "-s", "WAREHOUSE_BATCH_SIZE=20",
                               "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "-s", "DOWNLOAD_DELAY=0.02")
    lines = err.strip().splitlines()
    assert code == 1, err
    assert len(lines) == 1 and lines[0].startswith("crawl: error: disk full ("), err
    assert "No space left on device" in lines[0]
    log = (tmp_path / "crawl.log").read_text()
    assert lines[0] in log
    assert "Closing spider (disk_full)" in log, "the crawl went on taking pages"
    fetched = int(log.split("'response_received_count': ")[1].split(",")[0])
    assert fetched < len(site.articles), "the crawl went on taking pages"

    # Nothing spooled is lost: moved to a disk with room, `warehouse load` takes in every spooled article.
    roomy = tmp_path / "roomy"
    roomy.mkdir()
    for item in small_disk.iterdir():
        shutil.move(item, roomy / item.name)
    moved_db = roomy / "warehouse.duckdb"
    moved_spool = default_spool_dir(moved_db) if where == "spool and warehouse" else spool
    before = urls(moved_db)
    waiting = spooled_article_urls(moved_spool)
    assert waiting, "nothing was left in the spool: the disk never filled?"
    load = subprocess.run([sys.executable, "-m", "warehouse", "load", "--db", str(moved_db), "--spool", str(moved_spool)],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})
    assert load.returncode == 0, load.stderr
    assert urls(moved_db) == before | waiting
    # The run's row, when the full disk let it be written: failed, or left open (None) for the next
    # crawl to close as 'interrupted'; never 'finished'.
    reasons = [row[0] for row in query(moved_db, "select finish_reason from crawl_runs")]
    assert reasons in ([], [None], ["disk_full"]), reasons


@pytest.mark.e2e
def test_every_crawl_fails_while_a_batch_is_stuck(site, db_path, tmp_path):
    from warehouse.demo_site import DemoServer

    batch = stuck_batch(db_path)
    with DemoServer(site) as server:
        for attempt in (1, 2):
            _, err, code = crawl(server.base_url, db_path, tmp_path / f"crawl{attempt}.log")
            assert code == 1, err
            assert err.strip().splitlines() == [
                line for line in err.strip().splitlines() if line.startswith("crawl: error: the spool batch ")]
            assert batch.name in err and "see `warehouse status`" in err
            assert batch.exists()
    assert len(urls(db_path)) == len(site.expected_articles()), "the crawl itself stored everything"
    status = subprocess.run([sys.executable, "-m", "warehouse", "status", "--db", str(db_path)], capture_output=True,
                            text=True, timeout=120, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})
    first = status.stdout.split("\n\n")[0]
    assert "STUCK BATCH" in first and "RUN FAILED" in first, status.stdout[:2000]


@pytest.mark.e2e
@pytest.mark.parametrize("how", ["truncated", "garbage"])
def test_a_crawl_into_a_damaged_warehouse_is_one_line_that_does_not_blame_the_site(site, db_path, tmp_path, how):
    from warehouse.demo_site import DemoServer

    damage(db_path, how)
    with DemoServer(site) as server:
        _, err, code = crawl(server.base_url, db_path, tmp_path / "crawl.log")
    lines = err.strip().splitlines()
    assert code == 1, err
    assert len(lines) == 1 and "is damaged (" in lines[0] and "restore it from a backup" in lines[0], err
    assert "Traceback" not in err


@pytest.mark.e2e
def test_a_crawl_with_a_file_where_the_spool_should_be_is_one_line(site, db_path, tmp_path):
    from warehouse.demo_site import DemoServer

    default_spool_dir(db_path).write_text("not a folder")
    with DemoServer(site) as server:
        _, err, code = crawl(server.base_url, db_path, tmp_path / "crawl.log")
    lines = err.strip().splitlines()
    assert code == 1, err
    assert len(lines) == 1 and "is a file, not a folder" in lines[0], err
