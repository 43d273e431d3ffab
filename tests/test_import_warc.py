"""`warehouse import-warc`: WARC files other tools wrote (a web archive's download, wget's
--warc-file) into a real warehouse file, through the crawl's extraction and versioning."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import pytest

from warehouse.archive import completed_files, resolve_archive_dir, scan_warc
from warehouse.archive.foreign import Snapshot, write_web_archive_warc, write_wget_warc
from warehouse.cli import main
from warehouse.db import connect
from warehouse.demo_site import DemoServer, build_site

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow  # warehouse subprocesses and the offline site's server
OLD = datetime(2016, 5, 1, 9, 30, tzinfo=timezone.utc)
LATER = datetime(2018, 3, 2, 14, 0, tzinfo=timezone.utc)
ARTICLES = 6


@pytest.fixture(scope="module")
def pages():
    """(path, classic-theme html) of a few articles of the offline site, as a web archive got them."""
    site = build_site()
    chosen = [a for a in site.articles if a.kind == "ordinary"][:ARTICLES]
    with DemoServer(site, theme="classic") as server:
        return [(a.path, urllib.request.urlopen(server.base_url + a.path, timeout=30).read()) for a in chosen]


def edited(html: bytes) -> bytes:
    """The same page after the site edited its first paragraph."""
    return html.replace(b"<p>", b"<p>Corrected. ", 1)


def noise() -> list[Snapshot]:
    """Records that must load nothing: robots, a listing, a 404, another host."""
    return [
        Snapshot("https://belarusinfocus.info/robots.txt", OLD, b"User-agent: *\nDisallow:\n",
                 headers=[("Content-Type", "text/plain")]),
        Snapshot("https://belarusinfocus.info/economy", OLD, b"<html><body><h1>Economy</h1></body></html>"),
        Snapshot("https://belarusinfocus.info/economy/no-such-page", OLD, b"Not found", status=404),
        Snapshot("https://example.org/economy/elsewhere", OLD, b"<html><body><h1>Elsewhere</h1></body></html>"),
    ]


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "w.duckdb"
    assert main(["init", "--db", str(path)]) == 0
    return path


def rows(db: Path, sql: str) -> list[tuple]:
    with connect(db, read_only=True) as con:
        return con.execute(sql).fetchall()


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "warehouse", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})


def web_archive(tmp_path: Path, pages) -> Path:
    """Two captures of each article (2016, then 2018 after an edit), newest first in the file,
    plus the noise."""
    snaps = [Snapshot("https://belarusinfocus.info" + p, LATER, edited(html)) for p, html in pages]
    snaps += [Snapshot("http://www.belarusinfocus.info" + p + "?utm_source=x", OLD, html) for p, html in pages]
    return write_web_archive_warc(tmp_path / "ia-download.warc.gz", snaps + noise())


def test_captures_of_several_dates_become_versions_in_date_order(db, tmp_path, pages):
    warc = web_archive(tmp_path, pages)
    assert main(["import-warc", str(warc), "--db", str(db)]) == 0
    versions = rows(db, "select url, version, captured_at, body from article_versions order by url, version")
    assert len(versions) == 2 * ARTICLES
    for (url1, v1, at1, body1), (url2, v2, at2, body2) in zip(versions[::2], versions[1::2]):
        assert url1 == url2 and (v1, v2) == (1, 2)
        assert (at1, at2) == (OLD, LATER)
        assert body2.startswith("Corrected. ") and not body1.startswith("Corrected. ")
    # one row per article, on the current host (an empty warehouse: the default one), the newest version
    articles = rows(db, "select url, site, version, body, last_changed_at from articles order by url")
    assert len(articles) == ARTICLES
    assert {site for _, site, *_ in articles} == {"https://belarusinfocus.pro"}
    assert sorted(u for u, *_ in articles) == sorted("https://belarusinfocus.pro" + p for p, _ in pages)
    assert all(v == 2 and body.startswith("Corrected. ") and at == LATER for _, _, v, body, at in articles)
    assert rows(db, "select spider, finish_reason, items_new, items_updated from crawl_runs") == [
        ("import-warc", "finished", ARTICLES, ARTICLES)]


def test_older_captures_imported_later_go_before_the_stored_versions(db, tmp_path, pages):
    """The newer captures first (as a crawl would have stored them), the older download later:
    the same versions as one import of both, the newest still the row."""
    newer = write_web_archive_warc(tmp_path / "newer.warc.gz", [
        Snapshot("https://belarusinfocus.info" + p, LATER, edited(html)) for p, html in pages])
    older = write_web_archive_warc(tmp_path / "older.warc.gz", [
        Snapshot("https://belarusinfocus.info" + p, OLD, html) for p, html in pages])
    assert main(["import-warc", str(newer), "--db", str(db)]) == 0
    assert main(["import-warc", str(older), "--db", str(db)]) == 0

    versions = rows(db, "select url, version, captured_at, body from article_versions order by url, version")
    assert [(v, at) for _, v, at, _ in versions] == [(1, OLD), (2, LATER)] * ARTICLES
    assert all(body.startswith("Corrected. ") == (v == 2) for _, v, _, body in versions)
    assert rows(db, "select distinct version, first_seen_at, last_changed_at from articles") == [(2, OLD, LATER)]
    assert all(body.startswith("Corrected. ") for (body,) in rows(db, "select body from articles"))
    assert rows(db, "select items_new, items_updated from crawl_runs order by started_at") == [
        (ARTICLES, 0), (0, ARTICLES)]
    # and again: nothing twice
    assert main(["import-warc", str(older), "--db", str(db)]) == 0
    assert len(rows(db, "select * from article_versions")) == 2 * ARTICLES


def test_an_address_with_a_sidebar_pager_is_the_same_article(db, tmp_path, pages):
    """A web archive holds the dated rendering's articles also as `...?page=1` (the pager of a
    sidebar block): one row per article, with both captures as its versions."""
    path, html = pages[0]
    warc = write_web_archive_warc(tmp_path / "pager.warc.gz", [
        Snapshot("https://belarusinfocus.info" + path + "?page=1", OLD, html),
        Snapshot("https://belarusinfocus.info" + path, LATER, edited(html))])
    assert main(["import-warc", str(warc), "--db", str(db)]) == 0
    assert rows(db, "select url, version from articles") == [("https://belarusinfocus.pro" + path, 2)]


def test_other_records_load_nothing_and_are_counted(db, tmp_path, pages, capsys):
    warc = web_archive(tmp_path, pages)
    assert main(["import-warc", str(warc), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "1 HTTP 404 response(s)" in out
    assert "1 response(s) of other hosts" in out
    assert "2 response(s) of other pages (robots, listings, feeds)" in out
    assert rows(db, "select count(*) from articles where url like '%example.org%' or url like '%no-such%'") == [(0,)]


def test_wget_style_plain_warc(db, tmp_path, pages, capsys):
    snaps = [Snapshot("https://belarusinfocus.pro" + p, OLD, html) for p, html in pages[:3]]
    warc = write_wget_warc(tmp_path / "site.warc", snaps)
    assert warc.read_bytes().startswith(b"WARC/1.0\r\n")  # plain, as wget writes it
    assert main(["import-warc", str(warc), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "3 request record(s)" in out and "1 warcinfo record(s)" in out and "1 metadata record(s)" in out
    assert rows(db, "select count(*), min(version), max(version) from articles") == [(3, 1, 1)]


def test_imported_file_is_copied_into_the_archive_and_indexed(db, tmp_path, pages):
    warc = web_archive(tmp_path, pages)
    assert main(["import-warc", str(warc), "--db", str(db)]) == 0
    archive = resolve_archive_dir(db_path=db)
    assert completed_files(archive) == ["imported/ia-download.warc.gz"]
    assert (archive / "imported/ia-download.warc.gz").read_bytes() == warc.read_bytes()
    records = [r for r in scan_warc(warc) if r.record_type == "response"]
    captures = rows(db, "select warc_offset, url from captures order by warc_offset")
    assert [offset for offset, _ in captures] == sorted(r.offset for r in records)
    # the article captures are indexed under the article's url, so reparse finds them
    assert rows(db, "select count(distinct c.url) from captures c join articles a using (url)") == [(ARTICLES,)]


def test_rerun_duplicates_nothing(db, tmp_path, pages):
    warc = web_archive(tmp_path, pages)
    assert main(["import-warc", str(warc), "--db", str(db)]) == 0
    tables = ("articles", "article_versions", "captures", "similar_links")
    before = {t: rows(db, f"select * from {t} order by all") for t in tables}
    assert main(["import-warc", str(warc), "--db", str(db)]) == 0
    assert {t: rows(db, f"select * from {t} order by all") for t in tables} == before
    assert completed_files(resolve_archive_dir(db_path=db)) == ["imported/ia-download.warc.gz"]
    assert rows(db, "select items_new, items_updated, items_unchanged from crawl_runs order by started_at desc limit 1") \
        == [(0, 0, 2 * ARTICLES)]


def test_truncated_file_loads_what_precedes_the_damage_once(db, tmp_path, pages):
    snaps = [Snapshot("https://belarusinfocus.info" + p, OLD, html) for p, html in pages]
    whole = write_web_archive_warc(tmp_path / "whole.warc.gz", snaps)
    offsets = [r.offset for r in scan_warc(whole)]
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole.read_bytes()[: offsets[4] + 200])  # record 5 cut short
    for _ in range(2):
        proc = run_cli("import-warc", str(cut), "--db", str(db))
        assert proc.returncode == 1
        errors = proc.stderr.strip().splitlines()
        assert len(errors) == 1 and errors[0].startswith("warehouse: error: ") and "offset" in errors[0], proc.stderr
        assert "Traceback" not in proc.stderr
        assert rows(db, "select count(*), count(distinct url) from articles") == [(4, 4)]
        assert rows(db, "select count(*) from article_versions") == [(4,)]
        assert rows(db, "select count(*) from captures") == [(4,)]
    assert rows(db, "select finish_reason from crawl_runs") == [("failed",), ("failed",)]
    assert f"warehouse: error: {cut}: " in proc.stderr  # the file given, not its copy in the archive


def test_a_file_cut_in_its_first_record_is_not_kept_in_the_archive(db, tmp_path, pages):
    whole = write_web_archive_warc(tmp_path / "whole.warc.gz", [
        Snapshot("https://belarusinfocus.info" + pages[0][0], OLD, pages[0][1])])
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole.read_bytes()[:300])
    proc = run_cli("import-warc", str(cut), "--db", str(db))
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"warehouse: error: {cut}: ") and len(proc.stderr.splitlines()) == 1
    assert completed_files(resolve_archive_dir(db_path=db)) == []
    assert rows(db, "select count(*) from captures") == [(0,)]


@pytest.mark.parametrize("content, says", [
    (b"", "is not a WARC file (it is empty)"),
    (b"<!DOCTYPE html><html><body>Saved page</body></html>", "is not a WARC file (it starts with '<!DOCTYPE html>"),
    (gzip.compress(b"not a warc at all"), "is not a WARC file (it starts with 'not a warc at all')"),
    (b"\x1f\x8b\x08garbage", "is not a WARC file (it is gzip data that does not decompress)"),
    (b"filedesc://IA-001.arc 0.0.0.0 20110101000000 text/plain 75\n", "is an ARC file"),
])
def test_a_file_that_is_no_warc_is_refused_before_anything_is_done(db, tmp_path, pages, content, says):
    good = write_web_archive_warc(tmp_path / "good.warc.gz", [
        Snapshot("https://belarusinfocus.info" + pages[0][0], OLD, pages[0][1])])
    bad = tmp_path / "download.warc.gz"
    bad.write_bytes(content)
    proc = run_cli("import-warc", str(good), str(bad), "--db", str(db))
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"warehouse: error: {bad} {says}") and len(proc.stderr.splitlines()) == 1, proc.stderr
    assert rows(db, "select count(*) from articles") == [(0,)]
    assert rows(db, "select count(*) from crawl_runs") == [(0,)]
    assert completed_files(resolve_archive_dir(db_path=db)) == []


def test_missing_file_is_one_clear_line(db, tmp_path):
    proc = run_cli("import-warc", str(tmp_path / "nope.warc.gz"), "--db", str(db))
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"warehouse: error: no WARC file {tmp_path / 'nope.warc.gz'}: check the path"


def test_import_into_a_crawled_warehouse_maps_onto_its_site(tmp_path, pages):
    """A warehouse that holds the site under a loopback host: an import of the .info captures
    files them under that host, one row per article."""
    db = tmp_path / "w.duckdb"
    assert main(["init", "--db", str(db)]) == 0
    snaps = [Snapshot("https://belarusinfocus.info" + p, OLD, html) for p, html in pages[:2]]
    write_web_archive_warc(tmp_path / "a.warc.gz", snaps)
    with connect(db) as con:
        con.execute("insert into articles (url, site, language, category, title, body, word_count, content_hash, "
                    "version, first_seen_at, last_seen_at, last_changed_at) values "
                    "('http://127.0.0.1:9/x/y', 'http://127.0.0.1:9', 'en', 'x', 't', 'b', 1, 'h', 1, "
                    "'2020-01-01', '2020-01-01', '2020-01-01')")
    assert main(["import-warc", str(tmp_path / "a.warc.gz"), "--db", str(db)]) == 0
    urls = sorted(u for (u,) in rows(db, "select url from articles where url <> 'http://127.0.0.1:9/x/y'"))
    assert urls == sorted("http://127.0.0.1:9" + p for p, _ in pages[:2])
