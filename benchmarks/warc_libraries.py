"""warcio, which the archive uses, against FastWARC on the offline site's pages: writing the
records, scanning a file, reading one record back by its place.

    python benchmarks/warc_libraries.py [--articles 1000] [--rounds 3]

Crawls the offline site once with the archive on and takes its responses (url, headers, body)
as the exchanges to write. Each side writes them as the archive does (a response record with
its WARC-Payload-Digest, then the request record, gzip level 6 per record): warcio through the
archive's own writer (warehouse/archive/writer.py), FastWARC with its record and gzip writer.
Then each side scans its own file (offset, type, target, date, status, digest of every record)
and reads every response back by offset with its body; the archive's own scan and read
(warehouse/archive: quick_scan, read_capture) stand for warcio there. Times are process CPU
per record or exchange, the best of `--rounds`. The check at the end reads FastWARC's file with
warcio, since `warcio index` and `warcio extract` must read whatever the archive writes.

FastWARC is not a dependency: `pip install fastwarc` to run this.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import run_process, site_with  # noqa: E402
from warehouse.archive import completed_files, read_capture  # noqa: E402
from warehouse.archive.quick_scan import quick_scan  # noqa: E402
from warehouse.archive.reader import payload_digest, scan_warc  # noqa: E402
from warehouse.archive.writer import GZIP_LEVEL, ArchiveWriter, Exchange, _iso, _reason  # noqa: E402
from warehouse.demo_site import DemoServer  # noqa: E402

try:
    from fastwarc.stream_io import GzipWriter
    from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType
except ImportError:
    sys.exit("FastWARC is not installed: pip install fastwarc")


def crawled_exchanges(articles: int, folder: Path) -> list[Exchange]:
    """The responses of one archived crawl of the offline site, with the requests' headers."""
    with DemoServer(site_with(articles), theme="classic") as server:
        run_process([sys.executable, "-m", "scrapy", "crawl", "belarusinfocus", "-a", f"base_url={server.base_url}",
                     "-s", f"WAREHOUSE_PATH={folder / 'warehouse.duckdb'}", "-s", "LOG_LEVEL=WARNING"]
                    ).check("scrapy crawl belarusinfocus")
    exchanges, request_headers = [], []
    for name in completed_files(folder / "archive"):
        for record in scan_warc(folder / "archive" / name, bodies=True):
            if record.record_type == "request" and not request_headers:
                request_headers = list(record.http_headers)
            if record.record_type == "response":
                exchanges.append(Exchange(record.url, "GET", request_headers, record.status or 200,
                                          list(record.http_headers), record.body or b"", record.fetched_at))
    return exchanges


def write_warcio(exchanges: list[Exchange], folder: Path) -> Path:
    writer = ArchiveWriter(folder, "warcio")
    for exchange in exchanges:
        writer.write(exchange)
    writer.close()
    return folder / writer.completed[0]


def write_fastwarc(exchanges: list[Exchange], path: Path) -> Path:
    with open(path, "wb") as handle:
        for exchange in exchanges:
            http = [f"HTTP/1.1 {exchange.status} {_reason(exchange.status)}".encode()]
            http += [f"{key}: {value}".encode() for key, value in exchange.response_headers]
            response = WarcRecord()
            response.init_headers(WarcRecordType.response)
            response.headers["WARC-Date"] = _iso(exchange.fetched_at)
            response.headers["WARC-Target-URI"] = exchange.url
            response.headers["WARC-Payload-Digest"] = payload_digest(exchange.body)
            response.headers["Content-Type"] = "application/http; msgtype=response"
            response.set_bytes_content(b"\r\n".join(http) + b"\r\n\r\n" + exchange.body)
            request = WarcRecord()
            request.init_headers(WarcRecordType.request)
            request.headers["WARC-Date"] = response.headers["WARC-Date"]
            request.headers["WARC-Target-URI"] = exchange.url
            request.headers["WARC-Concurrent-To"] = response.record_id
            request.headers["Content-Type"] = "application/http; msgtype=request"
            lines = [f"GET /{exchange.url.split('/', 3)[-1]} HTTP/1.1".encode()]
            lines += [f"{key}: {value}".encode() for key, value in exchange.request_headers]
            request.set_bytes_content(b"\r\n".join(lines) + b"\r\n\r\n")
            for record in (response, request):
                member = BytesIO()
                gzip = GzipWriter(member, compression_level=GZIP_LEVEL)
                record.write(gzip)
                gzip.finish()
                handle.write(member.getvalue())
    return path


def scan_fastwarc(path: Path) -> list[tuple]:
    return [(record.stream_pos, record.record_type, record.headers.get("WARC-Target-URI"), record.record_date,
             record.http_headers.status_code if record.is_http else None, record.headers.get("WARC-Payload-Digest"))
            for record in ArchiveIterator(str(path), parse_http=True)]


def read_fastwarc(path: Path, offset: int, length: int) -> bytes:
    with open(path, "rb") as handle:
        handle.seek(offset)
        data = handle.read(length)
    record = next(iter(ArchiveIterator(BytesIO(data), parse_http=True, auto_decode="content")))
    return record.reader.read()


def best(rounds: int, work) -> float:
    times = []
    for _ in range(rounds):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        exchanges = crawled_exchanges(args.articles, folder)
        count = len(exchanges)
        print(f"{count} responses of the offline site ({sum(len(e.body) for e in exchanges) / 1e6:.1f} MB of bodies)")
        sides = {"warcio": folder / "w", "FastWARC": folder / "f"}
        for side in sides.values():
            side.mkdir()
        write = {"warcio": lambda: write_warcio(exchanges, sides["warcio"] / str(time.monotonic_ns())),
                 "FastWARC": lambda: write_fastwarc(exchanges, sides["FastWARC"] / f"{time.monotonic_ns()}.warc.gz")}
        figures = {side: {"write": best(args.rounds, write[side]) / count * 1e3} for side in sides}
        files = {"warcio": write_warcio(exchanges, sides["warcio"] / "final"),
                 "FastWARC": write_fastwarc(exchanges, sides["FastWARC"] / "final.warc.gz")}
        records = {"warcio": [r for r in quick_scan(files["warcio"]) if r.record_type == "response"]}
        fast_scan = scan_fastwarc(files["FastWARC"])
        ends = [offset for offset, *_ in fast_scan[1:]] + [files["FastWARC"].stat().st_size]
        records["FastWARC"] = [(offset, end - offset) for (offset, kind, *_), end in zip(fast_scan, ends)
                               if kind == WarcRecordType.response]
        figures["warcio"]["scan"] = best(args.rounds, lambda: quick_scan(files["warcio"])) / count * 1e3
        figures["FastWARC"]["scan"] = best(args.rounds, lambda: scan_fastwarc(files["FastWARC"])) / count * 1e3
        figures["warcio"]["read"] = best(args.rounds, lambda: [
            read_capture(files["warcio"].parent, files["warcio"].name, r.offset, r.length)
            for r in records["warcio"]]) / count * 1e3
        figures["FastWARC"]["read"] = best(args.rounds, lambda: [
            read_fastwarc(files["FastWARC"], offset, length) for offset, length in records["FastWARC"]]) / count * 1e3
        same = all(read_fastwarc(files["FastWARC"], offset, length) == exchange.body
                   for (offset, length), exchange in zip(records["FastWARC"], exchanges))
        by_warcio = sum(1 for r in scan_warc(files["FastWARC"]) if r.record_type == "response")
        for side, path in files.items():
            figures[side]["size"] = path.stat().st_size / 1e6
    print(f"{'':10s} {'write (ms/exchange)':>20s} {'scan (ms/record)':>17s} {'read (ms/record)':>17s} {'file (MB)':>10s}")
    for side, figure in figures.items():
        print(f"{side:10s} {figure['write']:20.3f} {figure['scan']:17.4f} {figure['read']:17.3f} "
              f"{figure['size']:10.2f}")
    print(f"FastWARC's bodies read back unchanged: {same}; warcio reads its file: {by_warcio} of {count} responses")


if __name__ == "__main__":
    main()
