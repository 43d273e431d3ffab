"""`warehouse reparse` and the `captures` index, with real crawls of the offline site (scrapy
subprocesses), real DuckDB files and real kills.

A broken extractor is a real one: the crawl (or the reparse) runs in its own process with a
sitecustomize module on its PYTHONPATH that breaks one rule when BREAK_RULE is set; this test
process patches nothing.
"""

from __future__ import annotations

import os
import pty
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from warehouse.archive import completed_files, index_warc, resolve_archive_dir
from warehouse.archive.foreign import Snapshot, write_web_archive_warc
from warehouse.config import resolve_spool_dir
from warehouse.db import connect
from warehouse.demo_site import DemoServer, build_site

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.e2e

SITECUSTOMIZE = '''
import os, time
_rule = os.environ.get("BREAK_RULE", "")
if _rule:
    from crawler.extraction import article as _article
    from crawler.extraction import fields as _fields
    if _rule == "photo_credit":      # the rule reads nothing any more
        _facet, _ = _fields.FACETS["photo_credit"]
        _fields.FACETS["photo_credit"] = (_facet, lambda found: None)
    _to_item = _article.ArticlePage.to_item
    def to_item(self):
        item = _to_item(self)
        if _rule.startswith("body:") and _rule[5:] in item.url:   # one page no longer parses
            item.body = None
        if _rule == "half_body" and item.body:   # every body loses its second half
            item.body = item.body[: len(item.body) // 2]
        if _rule.startswith("slow:"):
            time.sleep(float(_rule[5:]))
        return item
    _article.ArticlePage.to_item = to_item
'''

# What a crawl stores for an article, apart from when it saw it and how many versions it took.
CONTENT = ("url, site, language, category, title, published_at, period_start, period_end, authors, "
           "category_status, category_status_text, photo_credit, body, word_count, content_hash")


@pytest.fixture(scope="module")
def breaker(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sitecustomize")
    (folder / "sitecustomize.py").write_text(SITECUSTOMIZE)
    return folder


def env_with(breaker: Path, rule: str | None) -> dict:
    env = {**os.environ, "PYTHONPATH": f"{breaker}{os.pathsep}{ROOT}"}
    env.pop("ARCHIVE_DIR", None)
    if rule:
        env["BREAK_RULE"] = rule
    else:
        env.pop("BREAK_RULE", None)
    return env


def crawl(base_url: str, db: Path, env: dict) -> None:
    proc = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "belarusinfocus", "-a", f"base_url={base_url}",
                           "-s", f"WAREHOUSE_PATH={db}", "-s", "LOG_LEVEL=WARNING"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode == 0, f"crawl exited {proc.returncode}:\n{proc.stderr[-3000:]}"


def warehouse_cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "warehouse", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, env=env)


def rows(db: Path, sql: str) -> list[tuple]:
    with connect(db, read_only=True) as con:
        return con.execute(sql).fetchall()


def tables(db: Path) -> dict:
    return {
        "articles": rows(db, f"select {CONTENT} from articles order by url"),
        "similar_links": rows(db, "select * from similar_links order by all"),
        "similarity_content": rows(db, "select * from similarity_content order by all"),
    }


def copy_warehouse(source: Path, target_dir: Path) -> Path:
    """The warehouse file with its archive (and spool) beside it."""
    shutil.copytree(source.parent, target_dir)
    return target_dir / source.name


@pytest.fixture(scope="module")
def crawls(tmp_path_factory, breaker):
    """One server of the classic site; a crawl with the extractor as it is (a fresh crawl) and
    one with the photo-credit rule broken."""
    site = build_site()
    with DemoServer(site, theme="classic") as server:
        good = tmp_path_factory.mktemp("good") / "w.duckdb"
        crawl(server.base_url, good, env_with(breaker, None))
        broken = tmp_path_factory.mktemp("broken") / "w.duckdb"
        crawl(server.base_url, broken, env_with(breaker, "photo_credit"))
    return {"good": good, "broken": broken}


def test_crawl_indexes_every_archived_record_once(crawls, tmp_path, breaker):
    db = crawls["good"]
    archive = resolve_archive_dir(db_path=db)
    records = [(row["warc_file"], row["warc_offset"]) for name in completed_files(archive)
               for row in index_warc(archive, name)]
    assert records and rows(db, "select warc_file, warc_offset from captures order by all") == sorted(records)
    # every article has a capture under its own url
    assert rows(db, "select count(*) from articles where url not in (select url from captures where status = 200)") \
        == [(0,)]
    copy = copy_warehouse(db, tmp_path / "copy")
    proc = warehouse_cli(env_with(breaker, None), "load", "--db", str(copy))
    assert proc.returncode == 0, proc.stderr
    assert rows(copy, "select count(*) from captures") == [(len(records),)]


def test_reparse_with_the_same_extractor_changes_nothing(crawls, tmp_path, breaker):
    db = copy_warehouse(crawls["good"], tmp_path / "w")
    before = {t: rows(db, f"select * from {t} order by all") for t in ("articles", "article_versions", "similar_links")}
    proc = warehouse_cli(env_with(breaker, None), "reparse", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # no progress line when stderr is not a terminal
    assert {t: rows(db, f"select * from {t} order by all") for t in before} == before
    (spider, reason, pages, new, updated, unchanged, invalid), = rows(
        db, "select spider, finish_reason, pages_fetched, items_new, items_updated, items_unchanged, items_invalid "
            "from crawl_runs where spider = 'reparse'")
    articles = len(before["articles"])
    assert (spider, reason, pages, new, updated, unchanged, invalid) == ("reparse", "finished", 0, 0, 0, articles, 0)
    assert f"reparsed {articles} archived page(s)" in proc.stdout


def test_progress_line_on_a_terminal(crawls, tmp_path, breaker):
    db = copy_warehouse(crawls["good"], tmp_path / "w")
    articles = rows(db, "select count(*) from articles")[0][0]
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run([sys.executable, "-m", "warehouse", "reparse", "--db", str(db)], cwd=ROOT,
                              env=env_with(breaker, None), stderr=follower, stdout=subprocess.PIPE, timeout=300)
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal's other end is closed: all read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    assert proc.returncode == 0
    lines = shown.decode().replace("\r\n", "\n").split("\n")
    assert len([line for line in lines if line.strip()]) == 1  # one line, redrawn in place
    last = lines[0].split("\r")[-1]
    assert re.fullmatch(rf"reparse: {articles}/{articles}, \d+/s ", last), last


def test_reparse_after_a_fix_equals_a_fresh_crawl(crawls, tmp_path, breaker):
    db = copy_warehouse(crawls["broken"], tmp_path / "w")
    assert tables(db) != tables(crawls["good"])  # the broken rule did lose something
    assert rows(db, "select count(photo_credit) from articles") == [(0,)]
    proc = warehouse_cli(env_with(breaker, None), "reparse", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert tables(db) == tables(crawls["good"])
    # the repair is a new version of each article; the broken one stays in the history
    assert rows(db, "select min(version), max(version) from articles") == [(2, 2)]
    assert rows(db, "select count(*) from article_versions where version = 1 and photo_credit is null") \
        == rows(db, "select count(*) from articles")


def test_reparse_that_changes_bodies_refreshes_the_similarity_tables(crawls, tmp_path, breaker):
    """A fix of another field leaves the similarity tables as they are (they read only urls,
    languages and bodies); a fix of the body rebuilds them."""
    site = build_site()
    with DemoServer(site, theme="classic") as server:
        db = tmp_path / "half" / "w.duckdb"
        db.parent.mkdir()
        crawl(server.base_url, db, env_with(breaker, "half_body"))
    assert on_any_port(db)["similarity_content"] != on_any_port(crawls["good"])["similarity_content"]
    proc = warehouse_cli(env_with(breaker, None), "reparse", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert on_any_port(db) == on_any_port(crawls["good"])


def on_any_port(db: Path) -> dict:
    """tables(db) with the crawled server's address taken out (this test crawls a server of its own)."""
    (site,), = rows(db, "select distinct site from articles")
    return {name: repr(table).replace(site, "SITE") for name, table in tables(db).items()}


def test_reparse_since_and_url_select_pages(crawls, tmp_path, breaker):
    db = copy_warehouse(crawls["broken"], tmp_path / "w")
    env = env_with(breaker, None)
    proc = warehouse_cli(env, "reparse", "--db", str(db), "--since", "2999-01-01")
    assert proc.returncode == 0 and "reparsed 0 archived page(s)" in proc.stdout
    assert proc.stdout.rstrip().endswith("nothing to reparse: no stored article has an archived page captured "
                                         "on or after 2999-01-01")
    proc = warehouse_cli(env, "reparse", "--db", str(db), "--url", "%/economy/%")
    assert proc.returncode == 0, proc.stderr
    assert rows(db, "select count(*) from articles where version = 2 and category <> 'economy'") == [(0,)]
    changed = rows(db, "select count(*) from articles where version = 2")[0][0]
    assert changed == rows(db, "select count(*) from articles where category = 'economy'")[0][0] > 0
    proc = warehouse_cli(env, "reparse", "--db", str(db), "--since", "last week")
    assert proc.returncode == 2
    assert proc.stderr.strip() == "warehouse: error: --since 'last week' is not a date: give it as YYYY-MM-DD"


def test_page_that_no_longer_parses_is_an_error_and_keeps_its_version(crawls, tmp_path, breaker):
    db = copy_warehouse(crawls["good"], tmp_path / "w")
    (url,), = rows(db, "select url from articles order by url limit 1")
    before = rows(db, "select * from articles order by url")
    proc = warehouse_cli(env_with(breaker, "body:" + url.split("/", 3)[3]), "reparse", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert rows(db, "select * from articles order by url") == before
    errors = rows(db, "select e.url, e.kind from crawl_errors e join crawl_runs r using (run_id) where r.spider = 'reparse'")
    assert errors == [(url, "invalid")]
    assert rows(db, "select items_invalid from crawl_runs where spider = 'reparse'") == [(1,)]


def session_processes(session: int) -> list[str]:
    """The command lines of the processes still in a session (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[3]) == session and fields[0] != "Z":
                found.append((stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()[:120])
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
    return found


def test_killed_reparse_is_finished_by_running_it_again(crawls, tmp_path, breaker):
    """A kill -9 of the reparse alone (as the OOM killer does it, not of its process group):
    its pool's workers and fork server end too, and the next reparse finishes the work."""
    db = copy_warehouse(crawls["broken"], tmp_path / "w")
    spool = resolve_spool_dir(db_path=db)
    proc = subprocess.Popen([sys.executable, "-m", "warehouse", "reparse", "--db", str(db)], cwd=ROOT,
                            env=env_with(breaker, "slow:0.03"), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not any(p.stat().st_size for p in spool.glob("*.jsonl.part")) and time.monotonic() < deadline:
            assert proc.poll() is None, "the reparse ended before it could be killed"
            time.sleep(0.05)
        assert len(session_processes(proc.pid)) >= 3, "no pool workers to leave behind"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    deadline = time.monotonic() + 15
    while session_processes(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert session_processes(proc.pid) == [], "processes left behind by the killed reparse"
    assert rows(db, "select finish_reason from crawl_runs where spider = 'reparse'") == [(None,)]
    proc = warehouse_cli(env_with(breaker, None), "reparse", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert tables(db) == tables(crawls["good"])
    assert rows(db, "select finish_reason from crawl_runs where spider = 'reparse' order by started_at") \
        == [("interrupted",), ("finished",)]
    assert rows(db, "select max(version) from articles") == [(2,)]  # each repaired once


def test_a_sigterm_stops_the_reparse_cleanly_and_the_next_one_finishes(crawls, tmp_path, breaker):
    """SIGTERM to the reparse alone (a service manager, `timeout`): one line, the run recorded
    as shut down, no worker left, the signal's own exit status; the next reparse finishes."""
    db = copy_warehouse(crawls["broken"], tmp_path / "w")
    spool = resolve_spool_dir(db_path=db)
    proc = subprocess.Popen([sys.executable, "-m", "warehouse", "reparse", "--db", str(db)], cwd=ROOT,
                            env=env_with(breaker, "slow:0.03"), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not any(p.stat().st_size for p in spool.glob("*.jsonl.part")) and time.monotonic() < deadline:
        assert proc.poll() is None, "the reparse ended before it could be stopped"
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)

    assert proc.returncode == -signal.SIGTERM
    assert stderr.splitlines() == ["warehouse: error: reparse stopped by SIGTERM: the pages it extracted are kept "
                                   "and load first when it runs again"]
    deadline = time.monotonic() + 15
    while session_processes(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert session_processes(proc.pid) == []
    assert rows(db, "select finish_reason from crawl_runs where spider = 'reparse'") == [("shutdown",)]
    proc = warehouse_cli(env_with(breaker, None), "reparse", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert tables(db) == tables(crawls["good"])


def test_an_archive_that_is_gone_or_damaged_fails_the_reparse_with_one_line(crawls, tmp_path, breaker):
    db = copy_warehouse(crawls["broken"], tmp_path / "w")
    archive = resolve_archive_dir(db_path=db)
    stored, errors = tables(db), rows(db, "select count(*) from crawl_errors")
    archive.rename(archive.with_name("archive.moved"))
    proc = warehouse_cli(env_with(breaker, None), "reparse", "--db", str(db))
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"warehouse: error: none of the ") and f"is in {archive}: set ARCHIVE_DIR" \
        in proc.stderr and len(proc.stderr.splitlines()) == 1, proc.stderr
    assert rows(db, "select count(*) from crawl_errors") == errors and tables(db) == stored

    archive.with_name("archive.moved").rename(archive)
    name = completed_files(archive)[0]
    (archive / name).write_bytes((archive / name).read_bytes()[: (archive / name).stat().st_size // 2])
    proc = warehouse_cli(env_with(breaker, None), "reparse", "--db", str(db))
    assert proc.returncode == 1
    (unreadable,) = rows(db, "select count(*) from crawl_errors where kind = 'archive'")[0]
    assert unreadable > 0
    assert proc.stderr.splitlines()[-1].startswith(f"warehouse: error: {unreadable} archived page(s) could not be read")
    assert rows(db, "select finish_reason from crawl_runs where spider = 'reparse' order by started_at") == [
        ("failed",), ("failed",)]


def test_reparse_covers_imported_pages(crawls, tmp_path, breaker):
    """A web archive's capture imported after the broken crawl is newer: reparse reads it."""
    db = copy_warehouse(crawls["broken"], tmp_path / "w")
    (url, site), = rows(db, "select url, site from articles order by url limit 1")
    archive = resolve_archive_dir(db_path=db)
    (warc_file, offset), = rows(db, f"select warc_file, warc_offset from captures where url = '{url}' and status = 200")
    from warehouse.archive import read_capture
    page = read_capture(archive, warc_file, offset)
    later = rows(db, f"select last_changed_at from articles where url = '{url}'")[0][0].replace(year=2030)
    body = page.body.replace(b"<p>", b"<p>Later. ", 1)
    warc = write_web_archive_warc(tmp_path / "later.warc.gz", [Snapshot(url.replace(site, "https://belarusinfocus.info"),
                                                                         later, body)])
    env = env_with(breaker, None)
    proc = warehouse_cli(env, "import-warc", str(warc), "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    proc = warehouse_cli(env, "reparse", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    body_now, credit = rows(db, f"select body, photo_credit from articles where url = '{url}'")[0]
    assert body_now.startswith("Later. ") and credit is not None


def test_load_staging_moves_worker_archive_files_in_and_indexes_them_once(crawls, tmp_path, breaker):
    """Worker mode: files the workers wrote under STAGING/archive, one of them left open by a
    killed worker (a record cut short at its end)."""
    source_archive = resolve_archive_dir(db_path=crawls["good"])
    (name,) = completed_files(source_archive)
    # The warehouse whose run wrote the files (a load indexes only its own runs' files), without
    # its archive: the staged copies are all the archive it gets.
    db = tmp_path / "w.duckdb"
    shutil.copyfile(crawls["good"], db)
    staged = tmp_path / "staging" / "archive"
    staged.mkdir(parents=True)
    data = (source_archive / name).read_bytes()
    shutil.copyfile(source_archive / name, staged / "bif-run1-w1-00001.warc.gz")
    (staged / "bif-run1-w2-00001.warc.gz.open").write_bytes(data + data[:300])  # dead worker's file
    records = len(list(index_warc(source_archive, name)))
    for _ in range(2):
        proc = warehouse_cli(env_with(breaker, None), "load", "--db", str(db), "--staging", str(tmp_path / "staging"))
        assert proc.returncode == 0, proc.stderr
        assert completed_files(staged) == [] and not list(staged.iterdir())
        assert completed_files(db.parent / "archive") == ["bif-run1-w1-00001.warc.gz", "bif-run1-w2-00001.warc.gz"]
        assert rows(db, "select warc_file, count(*), count(distinct warc_offset) from captures "
                        "where warc_file like 'bif-run1-%' group by 1 order by 1") \
            == [("bif-run1-w1-00001.warc.gz", records, records), ("bif-run1-w2-00001.warc.gz", records, records)]
