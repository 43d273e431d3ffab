"""A quick scan of a WARC file written gzip per record (ours, a web archive's download): each
record's place, type, target, date, HTTP status and payload digest, read with zlib and a few
splits instead of warcio's stream parser (about four times faster: a crawl indexes its archive at
its end, an import scans every file it copies in).

It reads only what it can read exactly as warcio would. Anything else (a plain file, a record
cut short, bytes after the last record, a header line it would have to interpret, a response
without a payload digest) makes it give up, and the caller scans the file with warcio
(reader.scan_warc), which also says what is wrong.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from warehouse.archive.reader import (ScannedRecord, _status, _warc_date, _warcinfo_fields, capture_rows,
                                      scan_warc)

_FIRST_READ = 1 << 14  # bytes of a member read at first (ours are about 4 KB), then four times more
_VERSIONS = (b"WARC/1.0", b"WARC/1.1")
_HTTP_TYPES = ("response", "revisit")


def index_rows(archive_dir: str | Path, relative_path: str) -> Iterator[dict]:
    """reader.index_warc's `captures` rows of a file, from a quick scan when the file allows one."""
    path = Path(archive_dir) / relative_path
    return capture_rows(scanned_records(path, relative_path), path, relative_path)


def scanned_records(path: Path, name: str) -> Iterable[ScannedRecord]:
    """Every record of the file at `path` (`name` in messages), without bodies: the quick scan,
    or warcio's (which names any damage) where the quick one cannot tell."""
    records = quick_scan(path)
    return records if records is not None else scan_warc(path, bodies=False, name=name)


def quick_scan(path: str | Path) -> list[ScannedRecord] | None:
    """Every record of the file, without bodies or HTTP headers; None when it cannot tell."""
    try:
        with open(path, "rb") as handle:
            return _records(handle)
    except (OSError, ValueError, UnicodeDecodeError, zlib.error):
        return None


def _records(handle) -> list[ScannedRecord] | None:
    records: list[ScannedRecord] = []
    offset = 0
    while True:
        handle.seek(offset)
        first = handle.read(_FIRST_READ)
        if not first:
            return records if records else None
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        block, fed, piece, size = decompressor.decompress(first), len(first), first, _FIRST_READ
        while not decompressor.eof:
            size *= 4
            piece = handle.read(size)
            if not piece:
                return None  # a member cut short
            block += decompressor.decompress(piece)
            fed += len(piece)
        length = fed - len(decompressor.unused_data)
        record = _record(block, offset, length)
        if record is None:
            return None
        records.append(record)
        offset += length


def _record(block: bytes, offset: int, length: int) -> ScannedRecord | None:
    end = block.find(b"\r\n\r\n")  # indices, not slices: a page is not copied
    head = block[:end]
    if end < 0 or not head.isascii():
        return None
    start = end + 4  # of the record's content
    lines = head.split(b"\r\n")
    if lines[0] not in _VERSIONS:
        return None
    headers: dict[str, str] = {}
    by_name: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.decode("ascii").partition(":")
        if not colon or name[:1] in (" ", "\t"):
            return None  # a continuation line, or not a header
        name, value = name.rstrip(" \t"), value.strip()
        if name.lower() in by_name:
            return None  # a repeated field: which one warcio reads is its business
        headers[name], by_name[name.lower()] = value, value
    try:
        content_length = int(by_name["content-length"])
    except (KeyError, ValueError):
        return None
    if len(block) - start != content_length + 4 or not block.endswith(b"\r\n\r\n"):
        return None
    record_type, url = by_name.get("warc-type"), by_name.get("warc-target-uri")
    if record_type is None or (url is not None and (url.startswith("<") or " " in url)):
        return None  # warcio rewrites such a target
    status, fields = None, {}
    if record_type == "warcinfo":
        fields = _warcinfo_fields(block[start:start + content_length])
    elif record_type in _HTTP_TYPES and (url or "").startswith(("http:", "https:")) and content_length:
        line_end = block.find(b"\r\n", start)
        status_line = block[start:line_end] if line_end >= 0 else b""
        if not status_line.startswith(b"HTTP/") or not status_line.isascii():
            return None
        _, _, code = status_line.decode("ascii").partition(" ")
        status = _status(code.strip().partition(" ")[0])
    if record_type == "response" and "warc-payload-digest" not in by_name:
        return None  # warcio's scan reads the body to compute it
    return ScannedRecord(offset=offset, length=length, record_type=record_type, url=url,
                         fetched_at=_warc_date(by_name.get("warc-date")), status=status,
                         payload_digest=by_name.get("warc-payload-digest"), warc_headers=headers,
                         http_headers=(), body=None, fields=fields)
