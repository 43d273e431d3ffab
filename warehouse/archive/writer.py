"""Writing the archive: WARC files of request, response and revisit records, gzip per record.

A file is written as `<name>.warc.gz.open` and renamed to `<name>.warc.gz` when it is closed
(at about `max_bytes`, or at the end of the crawl), so a completed file never changes again.
Each record is compressed in memory and appended with one write, so a crash or `kill -9` leaves
at most the last record cut short; the writer holds an flock on its open file, and
`finish_leftovers` finishes the open files of dead writers (cuts the partial record off and
renames them), keeping every complete record.
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from io import BytesIO
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from warehouse import locks
from warehouse.archive.reader import REFERS_TO_FILENAME, REFERS_TO_OFFSET, RUN_ID_FIELD, payload_digest

DEFAULT_MAX_BYTES = 100 * 1024 * 1024
OPEN_SUFFIX = ".open"
# Level 6: level 9's size (warcio's default) on the site's pages, for 30 % less CPU time.
GZIP_LEVEL = 6
# Hop-by-hop framing Twisted already undid: the stored body is not chunked.
DROPPED_RESPONSE_HEADERS = frozenset({"transfer-encoding"})
EMPTY_DIGEST = payload_digest(b"")


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and the response received for it, as they crossed the wire."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    status: int
    response_headers: list[tuple[str, str]]
    body: bytes  # as received: still in its Content-Encoding, transfer chunking undone
    fetched_at: datetime
    protocol: str = "HTTP/1.1"


class _RecordWriter(WARCWriter):
    """warcio's writer, without the digests the format leaves optional: no WARC-Block-Digest
    (each gzip member has its CRC-32, and the response's WARC-Payload-Digest stays), no payload
    digest of a request's body. Each costs a SHA-1 and about 60 bytes that gzip cannot shrink:
    together about 4 % of an archived page (benchmarks/archive.py)."""

    def ensure_digest(self, record, block=True, payload=True):
        super().ensure_digest(record, block=False, payload=payload and record.rec_type == "response")


@lru_cache(maxsize=65536)
def _same_page(url: str) -> str:
    """The form in which `captures` holds a url (canonical: warehouse/archive/index.py), so that
    a page fetched as /a/ is found among captures indexed as /a."""
    from crawler.extraction.urls import canonicalize_url  # the crawl's canonical form

    try:
        return canonicalize_url(url)
    except ValueError:
        return url


class PayloadIndex:
    """Payloads already archived, by (url, payload digest): the earliest capture of each, which
    a revisit record then points at. Feed it `captures` rows (dicts of CAPTURE_COLUMNS); in an
    archive this writer wrote, the earliest capture of a (url, digest) is always a full response."""

    def __init__(self, rows: Iterable[dict] = ()):
        self._first: dict[tuple[str, str], dict] = {}
        for row in rows:
            self.add(row)

    def add(self, row: dict) -> None:
        digest = row.get("payload_digest")
        if not digest or digest == EMPTY_DIGEST:  # an empty body (a 304, most redirects) is never shared
            return
        key = (_same_page(row["url"]), digest)
        known = self._first.get(key)
        if known is None or row["fetched_at"] < known["fetched_at"]:
            self._first[key] = row

    def prior(self, url: str, digest: str) -> dict | None:
        return self._first.get((_same_page(url), digest))

    def __len__(self) -> int:
        return len(self._first)


class ArchiveWriter:
    """Appends exchanges to `<directory>/<prefix>-NNNNN.warc.gz` files, rotating at about
    `max_bytes`. A payload already archived at the same URL (in `known`, or earlier in this
    run) becomes a revisit record (identical-payload-digest) instead of a second copy."""

    def __init__(self, directory: str | Path, prefix: str, *, run_id: str | None = None,
                 max_bytes: int = DEFAULT_MAX_BYTES, known: PayloadIndex | None = None,
                 info: dict[str, str] | None = None):
        self.directory = Path(directory)
        self.prefix = prefix
        self.run_id = run_id
        self.max_bytes = max_bytes
        self.known = known if known is not None else PayloadIndex()
        self.info = info or {}
        self.builder = _RecordWriter(None, gzip=False, warc_version="1.1")
        self.completed: list[str] = []  # files closed so far, relative to directory
        self.responses = 0  # exchanges written; `revisits` of them as revisit records
        self.revisits = 0
        self._fd: int | None = None
        self._name = ""
        self._size = 0
        self._sequence = 0

    def write(self, exchange: Exchange) -> dict:
        """Archive one exchange (response or revisit record, then the request record); return
        the capture row of its response or revisit record."""
        if self._fd is None:
            self._open()
        digest = payload_digest(exchange.body)
        prior = self.known.prior(exchange.url, digest) if exchange.body else None
        response = self._response_record(exchange, digest, prior)
        offset, length = self._append(response)
        self._append(self._request_record(exchange, response.rec_headers.get_header("WARC-Record-ID")))
        row = {"url": exchange.url, "fetched_at": exchange.fetched_at, "status": exchange.status,
               "warc_file": self._name, "warc_offset": offset, "warc_length": length,
               "payload_digest": digest, "run_id": self.run_id}
        self.responses += 1
        if prior is None:
            self.known.add(row)
        else:
            self.revisits += 1
        if self._size >= self.max_bytes:
            self.close()
        return row

    def close(self) -> None:
        """Finish the open file (if any): flush it to disk and give it its final name."""
        if self._fd is None:
            return
        os.fsync(self._fd)
        final = self.directory / self._name
        os.rename(self._open_path(), final)
        os.close(self._fd)  # drops the flock
        self._fd = None
        self.completed.append(self._name)

    # -- records ------------------------------------------------------------------------------

    def _response_record(self, exchange: Exchange, digest: str, prior: dict | None):
        reason = _reason(exchange.status)
        headers = [(k, v) for k, v in exchange.response_headers if k.lower() not in DROPPED_RESPONSE_HEADERS]
        http = StatusAndHeaders(f"{exchange.status} {reason}".strip(), headers, protocol=exchange.protocol)
        warc_headers = {"WARC-Date": _iso(exchange.fetched_at)}
        if prior is not None:
            warc_headers[REFERS_TO_FILENAME] = prior["warc_file"]
            warc_headers[REFERS_TO_OFFSET] = str(prior["warc_offset"])
            return self.builder.create_revisit_record(
                exchange.url, digest, prior["url"], _iso(prior["fetched_at"]),
                http_headers=http, warc_headers_dict=warc_headers)
        warc_headers["WARC-Payload-Digest"] = digest
        return self.builder.create_warc_record(
            exchange.url, "response", payload=BytesIO(exchange.body), length=len(exchange.body),
            http_headers=http, warc_headers_dict=warc_headers)

    def _request_record(self, exchange: Exchange, response_id: str):
        target = _request_target(exchange.url)
        headers = list(exchange.request_headers)
        if not any(k.lower() == "host" for k, _ in headers):
            headers.insert(0, ("Host", exchange.url.split("/", 3)[2]))
        http = StatusAndHeaders(f"{exchange.method} {target} {exchange.protocol}", headers, is_http_request=True)
        return self.builder.create_warc_record(
            exchange.url, "request", http_headers=http,
            warc_headers_dict={"WARC-Date": _iso(exchange.fetched_at), "WARC-Concurrent-To": response_id})

    # -- files --------------------------------------------------------------------------------

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        while True:
            self._sequence += 1
            self._name = f"{self.prefix}-{self._sequence:05d}.warc.gz"
            if (self.directory / self._name).exists():
                continue
            try:
                fd = os.open(self._open_path(), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644)
            except FileExistsError:
                continue
            break
        locks.try_lock_fd(fd)  # a new file (O_EXCL): nobody else can hold it
        self._fd, self._size = fd, 0
        fields = {"software": "belarus-focus-warehouse (warcio)", "format": "WARC File Format 1.1",
                  RUN_ID_FIELD: self.run_id or "", **self.info}
        # each file starts with its warcinfo record (records do not repeat its id: optional)
        self._append(self.builder.create_warcinfo_record(self._name, fields))

    def _open_path(self) -> Path:
        return self.directory / (self._name + OPEN_SUFFIX)

    def _append(self, record) -> tuple[int, int]:
        plain = BytesIO()
        _RecordWriter(plain, gzip=False, warc_version="1.1").write_record(record)  # gzip below: level 6, not 9
        compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        member = memoryview(compressor.compress(plain.getvalue()) + compressor.flush())
        offset = self._size
        written = 0
        while written < len(member):
            written += os.write(self._fd, member[written:])
        self._size += len(member)
        return offset, len(member)


def finish_leftovers(directory: str | Path) -> list[str]:
    """Finish the `.open` files dead writers left in `directory`: cut a record cut short off the
    end and rename the file to its final name (one with no complete record is removed). Files a
    live writer holds are left alone. Returns the finished files' names."""
    finished = []
    root = Path(directory)
    for path in sorted(root.glob(f"*{OPEN_SUFFIX}")) if root.is_dir() else []:
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:
            continue
        if not locks.try_lock_fd(fd):
            os.close(fd)
            continue  # its writer is alive
        try:
            complete = complete_members_length(path)
            final = path.with_name(path.name.removesuffix(OPEN_SUFFIX))
            if complete == 0:
                path.unlink()
                continue
            os.ftruncate(fd, complete)
            os.fsync(fd)
            os.rename(path, final)
            finished.append(final.name)
        finally:
            os.close(fd)
    return finished


def complete_members_length(path: str | Path) -> int:
    """Bytes of `path` taken by complete gzip members from its start (each one of our records)."""
    complete = 0
    member_bytes = 0  # bytes of the current member read so far
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            while chunk:
                try:
                    decompressor.decompress(chunk)
                except zlib.error:
                    return complete
                if not decompressor.eof:
                    member_bytes += len(chunk)
                    break
                complete += member_bytes + len(chunk) - len(decompressor.unused_data)
                chunk, member_bytes = decompressor.unused_data, 0
                decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    return complete


def _request_target(url: str) -> str:
    parts = url.split("/", 3)
    return "/" + parts[3] if len(parts) > 3 else "/"


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _iso(moment: datetime) -> str:
    return datetime_to_iso_date(moment.astimezone(timezone.utc).replace(tzinfo=None), use_micros=True)
