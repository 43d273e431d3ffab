"""The WARC archive: real crawls of the offline site write files that warcio's own command-line
tools read, every capture row reads back the page served, an unchanged site is archived again as
revisits, files rotate, and a crawl killed with SIGKILL loses no complete record."""

from __future__ import annotations

import gzip
import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from tests.conftest import wait_for
from warehouse.archive.foreign import Snapshot, write_web_archive_warc, write_wget_warc
from warehouse.archive.quick_scan import quick_scan
from warehouse.archive import (
    ArchiveError,
    ArchiveWriter,
    Exchange,
    completed_files,
    finish_leftovers,
    index_warc,
    known_payloads,
    payload_digest,
    read_capture,
    resolve_archive_dir,
    scan_warc,
)
from warehouse.demo_site import DemoServer, build_site

ROOT = Path(__file__).resolve().parents[1]
WARCIO = [sys.executable, "-m", "warcio.cli"]


def crawl_command(base_url: str, db: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "scrapy", "crawl", "belarusinfocus", "-a", f"base_url={base_url}",
            "-s", f"WAREHOUSE_PATH={db}", *extra]


def run_crawl(base_url: str, db: Path, *extra: str) -> None:
    proc = subprocess.run(crawl_command(base_url, db, *extra), cwd=ROOT, capture_output=True, text=True,
                          timeout=600, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, f"crawl exited {proc.returncode}:\n{proc.stderr[-4000:]}"


def rows_of(archive: Path, name: str) -> list[dict]:
    return list(index_warc(archive, name))


def warcio_cli(*args: str) -> str:
    proc = subprocess.run([*WARCIO, *args], capture_output=True, timeout=120)
    assert proc.returncode == 0, f"warcio {args[0]} failed: {proc.stderr.decode(errors='replace')[-2000:]}"
    return proc.stdout.decode("utf-8", "replace")


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3] if url.count("/") >= 3 else "/"


@pytest.fixture(scope="module")
def site():
    return build_site()


@pytest.fixture(scope="module")
def crawled(site, tmp_path_factory):
    """Two crawls of the unchanged classic site into one warehouse and archive."""
    db = tmp_path_factory.mktemp("archive-crawl") / "warehouse.duckdb"
    with DemoServer(site, theme="classic") as server:
        run_crawl(server.base_url, db)
        first_requests = list(server.requests)
        archive = resolve_archive_dir(db_path=db)
        first_files = completed_files(archive)
        run_crawl(server.base_url, db)
        pages = {path_of(url): body for url, body in _current_pages(server, archive, first_files)}
    second_files = [f for f in completed_files(archive) if f not in first_files]
    return {"db": db, "archive": archive, "first": first_files, "second": second_files,
            "requests": first_requests, "pages": pages, "base_url": server.base_url}


def _current_pages(server, archive, files):
    """The bodies the server answers now for every 200 page the first crawl archived."""
    for name in files:
        for row in rows_of(archive, name):
            if row["status"] == 200:
                with urllib.request.urlopen(row["url"], timeout=30) as answer:
                    yield row["url"], answer.read()


# -- a real crawl ------------------------------------------------------------------------------

@pytest.mark.e2e
def test_archive_beside_the_warehouse_and_named_by_run(crawled):
    assert crawled["archive"] == crawled["db"].parent / "archive"
    assert len(crawled["first"]) == 1 and len(crawled["second"]) == 1
    assert crawled["first"][0].startswith("bif-") and crawled["first"][0].endswith("-00001.warc.gz")
    assert not list(crawled["archive"].glob("*.open")), "a finished crawl left a file open"


@pytest.mark.e2e
def test_every_response_received_is_archived(crawled, site):
    """Each answer the server sent (3xx, 404, the 500 before its retry, 200s) is one capture."""
    served = Counter((r.path, r.status) for r in crawled["requests"] if r.path != site.faults.oversized_path)
    archived = Counter((path_of(row["url"]), row["status"]) for row in rows_of(crawled["archive"], crawled["first"][0]))
    assert archived == served
    statuses = {status for _, status in archived}
    assert {200, 301, 404, 500} <= statuses


@pytest.mark.e2e
def test_warcio_index_reads_our_files(crawled):
    for name in crawled["first"] + crawled["second"]:
        lines = [json.loads(line) for line in warcio_cli("index", "-f", "warc-type,offset,length,warc-target-uri",
                                                           str(crawled["archive"] / name)).splitlines()]
        ours = [(int(r["warc_offset"]), int(r["warc_length"])) for r in rows_of(crawled["archive"], name)]
        theirs = [(int(line["offset"]), int(line["length"])) for line in lines
                  if line["warc-type"] in ("response", "revisit")]
        assert theirs == ours
        types = Counter(line["warc-type"] for line in lines)
        assert types["warcinfo"] == 1 and types["request"] == types["response"] + types["revisit"]
    warcio_cli("check", *(str(crawled["archive"] / n) for n in crawled["first"] + crawled["second"]))


@pytest.mark.e2e
def test_warcio_extract_gives_the_page_served(crawled):
    name = crawled["first"][0]
    article = next(row for row in rows_of(crawled["archive"], name)
                   if row["status"] == 200 and path_of(row["url"]).count("/") == 2 and "?" not in row["url"])
    payload = subprocess.run([*WARCIO, "extract", "--payload", str(crawled["archive"] / name),
                              str(article["warc_offset"])], capture_output=True, timeout=60).stdout
    assert payload == crawled["pages"][path_of(article["url"])]


@pytest.mark.e2e
def test_every_capture_reads_back_its_page(crawled):
    checked = 0
    for name in crawled["first"] + crawled["second"]:
        for row in rows_of(crawled["archive"], name):
            capture = read_capture(crawled["archive"], row["warc_file"], row["warc_offset"], row["warc_length"])
            assert (capture.url, capture.status, capture.fetched_at) == (row["url"], row["status"], row["fetched_at"])
            assert payload_digest(capture.body) == row["payload_digest"]
            if row["status"] == 200 and path_of(row["url"]) in crawled["pages"]:
                assert capture.body == crawled["pages"][path_of(row["url"])], row["url"]
                checked += 1
    assert checked > 150


@pytest.mark.e2e
def test_request_and_response_records_linked(crawled):
    records = list(scan_warc(crawled["archive"] / crawled["first"][0]))
    responses = {r.warc_headers["WARC-Record-ID"]: r for r in records if r.record_type in ("response", "revisit")}
    requests = [r for r in records if r.record_type == "request"]
    assert sorted(r.warc_headers["WARC-Concurrent-To"] for r in requests) == sorted(responses)
    for request in requests:
        assert request.url == responses[request.warc_headers["WARC-Concurrent-To"]].url
    assert all(r.payload_digest for r in responses.values())


@pytest.mark.e2e
def test_second_crawl_of_unchanged_site_writes_revisits(crawled):
    records = [r for r in scan_warc(crawled["archive"] / crawled["second"][0]) if r.record_type != "request"]
    full_copies = [r.url for r in records if r.record_type == "response" and r.status == 200]
    revisits = [r for r in records if r.record_type == "revisit"]
    assert full_copies == [], f"pages archived again in full: {full_copies[:5]}"
    assert revisits, "the second crawl archived nothing as a revisit"
    for revisit in revisits:
        assert revisit.warc_headers["WARC-Profile"].endswith("/revisit/identical-payload-digest")
        assert revisit.warc_headers["WARC-Refers-To-Target-URI"] == revisit.url
        assert revisit.warc_headers["WARC-Refers-To-Filename"] in crawled["first"]
    size = (crawled["archive"] / crawled["second"][0]).stat().st_size
    assert size < 0.2 * (crawled["archive"] / crawled["first"][0]).stat().st_size


@pytest.mark.e2e
def test_archive_can_be_turned_off(site, tmp_path):
    db = tmp_path / "warehouse.duckdb"
    with DemoServer(site, theme="classic") as server:
        run_crawl(server.base_url, db, "-s", "ARCHIVE_ENABLED=0")
    assert not (tmp_path / "archive").exists()
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from articles").fetchone()[0] > 100  # a crawl that did its work
        assert con.execute("select count(*) from captures").fetchone()[0] == 0


@pytest.mark.e2e
def test_files_rotate_at_archive_max_bytes(site, tmp_path):
    db, archive = tmp_path / "warehouse.duckdb", tmp_path / "warc"
    with DemoServer(site, theme="modern") as server:
        run_crawl(server.base_url, db, "-s", f"ARCHIVE_DIR={archive}", "-s", "ARCHIVE_MAX_BYTES=200000")
    files = completed_files(archive)
    assert len(files) >= 3
    assert [f.rsplit("-", 1)[1] for f in files] == [f"{n:05d}.warc.gz" for n in range(1, len(files) + 1)]
    for name in files[:-1]:
        assert 200_000 <= (archive / name).stat().st_size < 400_000
    for name in files:
        first = next(scan_warc(archive / name))
        assert first.record_type == "warcinfo" and first.fields["run-id"]
        lines = warcio_cli("index", str(archive / name)).splitlines()
        assert len(lines) == 1 + 2 * len(rows_of(archive, name))
    # the crawl indexed the files of the ARCHIVE_DIR it was given, not those of the default folder
    with duckdb.connect(str(db), read_only=True) as con:
        indexed = {row[0] for row in con.execute("select distinct warc_file from captures").fetchall()}
    assert indexed == set(files)


@pytest.mark.e2e
def test_kill_9_keeps_every_complete_record_and_next_crawl_finishes_the_file(site, tmp_path):
    db = tmp_path / "warehouse.duckdb"
    archive = tmp_path / "archive"
    with DemoServer(site, theme="classic") as server:
        # Slowed down so that the kill lands mid-crawl.
        proc = subprocess.Popen(crawl_command(server.base_url, db, "-s", "DOWNLOAD_DELAY=0.03",
                                              "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"),
                                cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            def open_file_big_enough():
                found = list(archive.glob("*.warc.gz.open"))
                return found and found[0].stat().st_size > 150_000
            wait_for(open_file_big_enough, timeout=120, what="the crawl to archive 150 kB")
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        [left] = list(archive.glob("*.warc.gz.open"))
        at_kill = left.read_bytes()
        # What a reader sees in the killed file: complete records, then at most one cut short.
        readable = []
        try:
            readable = [r for r in scan_warc(left) if r.record_type == "response"]
        except ArchiveError as exc:
            assert "cut short" in str(exc) or "damaged" in str(exc)
        assert len(readable) >= 10

        run_crawl(server.base_url, db)

    assert not list(archive.glob("*.open"))
    finished = archive / left.name.removesuffix(".open")
    assert at_kill.startswith(finished.read_bytes()), "finishing the file changed its complete records"
    rows = rows_of(archive, finished.name)
    assert len(rows) >= len(readable)
    for row in rows:
        assert read_capture(archive, row["warc_file"], row["warc_offset"], row["warc_length"]).url == row["url"]
    warcio_cli("index", str(finished))
    assert len(completed_files(archive)) == 2, "the next crawl did not start a file of its own"


# -- the writer and reader alone --------------------------------------------------------------

T = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)


def exchange(url: str, body: bytes, status: int = 200, headers=(), at: datetime = T) -> Exchange:
    return Exchange(url=url, method="GET", request_headers=[("User-Agent", "test")], status=status,
                    response_headers=[("Content-Type", "text/html; charset=utf-8"), *headers], body=body,
                    fetched_at=at)


def test_content_encoding_kept_on_the_wire_and_undone_on_reading(tmp_path):
    page = "<html><body>Ситуация ухудшилась</body></html>".encode() * 50
    writer = ArchiveWriter(tmp_path, "bif-t", run_id="t")
    row = writer.write(exchange("https://belarusinfocus.pro/a", gzip.compress(page),
                                headers=[("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")]))
    writer.close()
    capture = read_capture(tmp_path, row["warc_file"], row["warc_offset"], row["warc_length"])
    assert capture.body == page
    assert capture.header("content-encoding") == "gzip" and capture.header("Transfer-Encoding") is None
    assert capture.encoding == "utf-8"
    assert [r["run_id"] for r in index_warc(tmp_path, row["warc_file"])] == ["t"]


def test_records_carry_the_payload_digest_and_no_optional_digest(tmp_path):
    """The response keeps its WARC-Payload-Digest (revisits are found by it); the block digests and
    a request's digest of its empty body are left out: each is a SHA-1 to compute and about 60
    bytes that gzip cannot shrink (together about 4 % of an archived page)."""
    page = b"<html><body><p>Belarus in Focus</p></body></html>" * 200
    writer = ArchiveWriter(tmp_path, "bif-t", run_id="t")
    row = writer.write(exchange("https://belarusinfocus.pro/a", page))
    writer.close()
    records = {r.record_type: r for r in scan_warc(tmp_path / row["warc_file"])}
    assert set(records) == {"warcinfo", "response", "request"}
    assert records["response"].warc_headers["WARC-Payload-Digest"] == payload_digest(page) == row["payload_digest"]
    assert not [name for r in records.values() for name in r.warc_headers if name == "WARC-Block-Digest"]
    assert "WARC-Payload-Digest" not in records["request"].warc_headers
    assert records["request"].warc_headers["WARC-Concurrent-To"] == records["response"].warc_headers["WARC-Record-ID"]


def test_revisit_reads_back_the_original_payload_across_files(tmp_path):
    first = ArchiveWriter(tmp_path, "bif-one", run_id="one")
    original = first.write(exchange("https://belarusinfocus.pro/a", b"<p>same</p>"))
    first.write(exchange("https://belarusinfocus.pro/b", b"<p>same</p>"))  # another URL: a copy
    first.close()
    second = ArchiveWriter(tmp_path, "bif-two", run_id="two", known=known_payloads(tmp_path, None))
    revisit = second.write(exchange("https://belarusinfocus.pro/a", b"<p>same</p>", at=T.replace(day=2)))
    empty = second.write(exchange("https://belarusinfocus.pro/a", b"", status=304, at=T.replace(day=3)))
    second.close()
    assert (first.revisits, second.revisits) == (0, 1)
    capture = read_capture(tmp_path, revisit["warc_file"], revisit["warc_offset"], revisit["warc_length"])
    assert (capture.record_type, capture.body, capture.fetched_at) == ("revisit", b"<p>same</p>", T.replace(day=2))
    assert read_capture(tmp_path, empty["warc_file"], empty["warc_offset"]).status == 304
    [rec] = [r for r in scan_warc(tmp_path / revisit["warc_file"]) if r.offset == revisit["warc_offset"]]
    assert rec.warc_headers["WARC-Refers-To-File-Offset"] == str(original["warc_offset"])


def test_revisit_another_tool_wrote_is_found_through_locate(tmp_path):
    """A foreign revisit names only the original's URI and date: `locate` (a captures lookup) finds it."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    writer = ArchiveWriter(tmp_path, "bif-own", run_id="own")
    original = writer.write(exchange("https://belarusinfocus.info/a", b"<p>kept</p>"))
    writer.close()
    with open(tmp_path / "foreign.warc.gz", "wb") as out:
        foreign = WARCWriter(out, gzip=True)
        foreign.write_record(foreign.create_revisit_record(
            "https://belarusinfocus.info/a", original["payload_digest"], "https://belarusinfocus.info/a",
            "2026-12-01T10:00:00Z", http_headers=StatusAndHeaders("200 OK", [], protocol="HTTP/1.1")))
    [row] = rows_of(tmp_path, "foreign.warc.gz")
    assert row["run_id"] is None and row["payload_digest"] == original["payload_digest"]
    with pytest.raises(ArchiveError, match="does not say where its original is"):
        read_capture(tmp_path, row["warc_file"], row["warc_offset"])

    def locate(url, digest):
        assert (url, digest) == (original["url"], original["payload_digest"])
        return original["warc_file"], original["warc_offset"]
    assert read_capture(tmp_path, row["warc_file"], row["warc_offset"], locate=locate).body == b"<p>kept</p>"


def test_known_payloads_come_from_the_captures_table(tmp_path):
    writer = ArchiveWriter(tmp_path / "archive", "bif-one", run_id="one")
    row = writer.write(exchange("https://belarusinfocus.pro/a", b"<p>x</p>"))
    writer.close()
    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create table captures (url varchar, fetched_at timestamptz, status integer, warc_file varchar,"
                    " warc_offset bigint, warc_length bigint, payload_digest varchar, run_id varchar)")
        con.execute("insert into captures values ($url, $fetched_at, $status, $warc_file, $warc_offset,"
                    " $warc_length, $payload_digest, $run_id)", row)
    (tmp_path / "archive" / row["warc_file"]).write_bytes(b"not read: the table indexes it")
    known = known_payloads(tmp_path / "archive", db)
    assert known.prior(row["url"], row["payload_digest"])["warc_offset"] == row["warc_offset"]


def test_an_archive_folder_that_cannot_be_written_fails_the_crawl_and_keeps_the_articles(site, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the archive folder should be")
    db = tmp_path / "w.duckdb"
    with DemoServer(site, theme="classic") as server:
        proc = subprocess.run(crawl_command(server.base_url, db, "-s", f"ARCHIVE_DIR={blocker}", "-s", "LOG_LEVEL=WARNING"),
                              cwd=ROOT, capture_output=True, text=True, timeout=600,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 1, proc.stderr[-3000:]
    errors = [line for line in proc.stderr.splitlines() if line.startswith("crawl: error: ")]
    assert len(errors) == 1 and errors[0].startswith(f"crawl: error: archiving stopped: cannot write to {blocker}: "), \
        proc.stderr[-3000:]
    with duckdb.connect(str(db), read_only=True) as con:
        stored = {url for (url,) in con.execute("select url from articles").fetchall()}
        assert con.execute("select finish_reason from crawl_runs").fetchall() == [("failed",)]
        assert con.execute("select count(*) from captures").fetchone()[0] == 0
    assert len(stored) > 100  # the articles are stored all the same


@pytest.mark.parametrize("cut", [0.02, 0.1, 0.5, 0.97])
def test_leftover_open_file_is_cut_to_its_last_complete_record(tmp_path, cut):
    writer = ArchiveWriter(tmp_path, "bif-k", run_id="k")
    for n in range(6):
        writer.write(exchange(f"https://belarusinfocus.pro/p{n}", f"<p>{n}</p>".encode() * 300))
    writer.close()
    [name] = writer.completed
    data = (tmp_path / name).read_bytes()
    end = int(len(data) * cut)
    leftover = tmp_path / (name.replace("-k-", "-dead-") + ".open")
    leftover.write_bytes(data[:end])
    with pytest.raises(ArchiveError, match="cut short|damaged"):
        list(scan_warc(leftover))
    complete = [r for r in scan_warc(tmp_path / name) if r.offset + r.length <= end]
    finished = finish_leftovers(tmp_path)
    kept = leftover.with_name(leftover.name.removesuffix(".open"))
    assert not leftover.exists()
    if not complete:  # not even the warcinfo record: nothing to keep
        assert finished == [] and not kept.exists()
        return
    assert finished == [kept.name]
    assert kept.read_bytes() == data[:complete[-1].offset + complete[-1].length]
    expected = [(r.offset, r.record_type) for r in complete]
    assert [(r.offset, r.record_type) for r in scan_warc(kept)] == expected


def test_open_file_of_a_live_writer_is_left_alone(tmp_path):
    writer = ArchiveWriter(tmp_path, "bif-live", run_id="live")
    writer.write(exchange("https://belarusinfocus.pro/a", b"<p>a</p>"))
    [open_file] = list(tmp_path.glob("*.open"))
    size = open_file.stat().st_size
    assert finish_leftovers(tmp_path) == []
    assert open_file.stat().st_size == size
    writer.close()
    assert completed_files(tmp_path) == [open_file.name.removesuffix(".open")]


def test_damaged_file_yields_complete_records_then_one_clear_error(tmp_path):
    writer = ArchiveWriter(tmp_path, "bif-d", run_id="d")
    for n in range(3):
        writer.write(exchange(f"https://belarusinfocus.pro/p{n}", b"<p>page</p>" * n))
    writer.close()
    data = (tmp_path / writer.completed[0]).read_bytes()
    second_response = rows_of(tmp_path, writer.completed[0])[1]["warc_offset"]
    damaged = tmp_path / "damaged.warc.gz"
    damaged.write_bytes(data[:second_response] + b"\x00garbage\x01" * 20 + data[second_response:])
    seen = []
    with pytest.raises(ArchiveError) as error:
        seen.extend(scan_warc(damaged))
    assert [r.record_type for r in seen] == ["warcinfo", "response", "request"]
    message = str(error.value)
    assert "damaged.warc.gz" in message and str(second_response) in message and "\n" not in message
    with pytest.raises(ArchiveError, match="no such archive file"):
        read_capture(tmp_path, "missing.warc.gz", 0)


def _scanned(records) -> list[tuple]:
    """What quick_scan gives of each record (no bodies, no HTTP headers)."""
    return [(r.offset, r.length, r.record_type, r.url, r.fetched_at, r.status, r.payload_digest, r.fields,
             r.warc_headers) for r in records]


@pytest.mark.e2e
def test_quick_scan_reads_what_warcio_reads_or_gives_up(crawled, tmp_path):
    files = [crawled["archive"] / name for name in crawled["first"] + crawled["second"]]
    snapshots = [Snapshot(f"https://belarusinfocus.info/a{n}", T, b"<p>page</p>" * (n + 1)) for n in range(5)]
    files.append(write_web_archive_warc(tmp_path / "web-archive.warc.gz", snapshots))
    for path in files:  # files written gzip per record: the same records as warcio's scan
        quick = quick_scan(path)
        assert quick is not None and _scanned(quick) == _scanned(scan_warc(path)), path.name
    # a plain file, a file cut short, bytes after the last record: warcio's scan decides
    assert quick_scan(write_wget_warc(tmp_path / "wget.warc", snapshots)) is None
    data = files[-1].read_bytes()
    (tmp_path / "cut.warc.gz").write_bytes(data[:-10])
    (tmp_path / "tail.warc.gz").write_bytes(data + b"not a record")
    assert quick_scan(tmp_path / "cut.warc.gz") is None and quick_scan(tmp_path / "tail.warc.gz") is None


@pytest.mark.e2e
def test_pywb_replays_an_archived_page_and_a_revisit(crawled, tmp_path):
    """pywb cannot share this environment (it pins redis<3, the worker mode needs 5+), so it runs
    from a virtualenv of its own at PYWB_VENV (default /tmp/pywbvenv) when there is one."""
    venv = Path(os.environ.get("PYWB_VENV", "/tmp/pywbvenv"))
    if not (venv / "bin" / "wayback").exists():
        pytest.skip(f"no pywb virtualenv at {venv} (python -m venv {venv} && {venv}/bin/pip install pywb)")
    files = [str(crawled["archive"] / name) for name in crawled["first"] + crawled["second"]]
    subprocess.run([venv / "bin" / "wb-manager", "init", "bif"], cwd=tmp_path, check=True, capture_output=True)
    subprocess.run([venv / "bin" / "wb-manager", "add", "bif", *files], cwd=tmp_path, check=True, capture_output=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([venv / "bin" / "wayback", "-b", "127.0.0.1", "-p", str(port)], cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: _port_open(port), timeout=60, what="pywb to listen")
        revisits = [r for r in scan_warc(crawled["archive"] / crawled["second"][0]) if r.record_type == "revisit"]
        replayed = []
        for record in [revisits[0], *(r for r in scan_warc(files[0]) if r.record_type == "response")][:20]:
            if record.status != 200 or path_of(record.url) not in crawled["pages"]:
                continue
            stamp = record.fetched_at.strftime("%Y%m%d%H%M%S")
            replay = f"http://127.0.0.1:{port}/bif/{stamp}id_/{record.url}"
            with urllib.request.urlopen(replay, timeout=30) as answer:
                assert answer.read() == crawled["pages"][path_of(record.url)], record.url
                assert answer.headers["Memento-Datetime"], "pywb did not answer from the archive"
            replayed.append(record.record_type)
        assert "revisit" in replayed and "response" in replayed, replayed
    finally:
        server.terminate()
        server.wait(timeout=30)


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0
