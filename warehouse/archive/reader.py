"""Reading WARC files: one record by its place (`read_capture`), every record of a file
(`scan_warc`), and the `captures` rows of a completed archive file (`index_warc`).

Works on any WARC 1.0/1.1 file, gzip per record or plain (ours, wget's, Heritrix's, a web
archive's download). A damaged file yields every complete record before the damage, then raises
ArchiveError naming the file and the offset.
"""

from __future__ import annotations

import base64
import hashlib
import re
import zlib
from io import BytesIO
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.timeutils import iso_date_to_datetime

CAPTURE_COLUMNS = ("url", "fetched_at", "status", "warc_file", "warc_offset", "warc_length", "payload_digest",
                   "run_id")
CAPTURE_TYPES = ("response", "revisit")
WARC_SUFFIXES = (".warc.gz", ".warc")
# Where a revisit's original record lies (the IIPC proposal's field names): one more seek, no index.
REFERS_TO_FILENAME = "WARC-Refers-To-Filename"
REFERS_TO_OFFSET = "WARC-Refers-To-File-Offset"
RUN_ID_FIELD = "run-id"  # in our warcinfo records


def payload_digest(body: bytes) -> str:
    """The WARC-Payload-Digest of `body` (SHA-1, base32, as warcio and Heritrix write it)."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


class ArchiveError(Exception):
    """A WARC file or record that cannot be read; the message is one line naming the file."""


@dataclass(frozen=True)
class Capture:
    """One archived HTTP response; for a revisit, `body` is the original's payload."""

    url: str
    fetched_at: datetime
    status: int | None
    headers: tuple[tuple[str, str], ...]  # the HTTP headers as received
    body: bytes  # the payload, Content-Encoding undone
    record_type: str  # response or revisit
    payload_digest: str | None

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((value for key, value in self.headers if key.lower() == name), None)

    @property
    def encoding(self) -> str | None:
        """The charset the Content-Type header names, if any."""
        match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", self.header("Content-Type") or "", re.I)
        return match.group(1) if match else None


@dataclass(frozen=True)
class ScannedRecord:
    offset: int
    length: int
    record_type: str
    url: str | None
    fetched_at: datetime | None
    status: int | None
    payload_digest: str | None
    warc_headers: dict[str, str]
    http_headers: tuple[tuple[str, str], ...]
    body: bytes | None  # response payload, when asked for; never for other types
    fields: dict[str, str]  # a warcinfo record's fields (name: value lines)


def scan_warc(source: str | Path | BinaryIO, *, bodies: bool = False,
              name: str | None = None) -> Iterator[ScannedRecord]:
    """Every record of a WARC file in order, with its offset and length. A record cut short or
    corrupt ends the scan with ArchiveError after the complete records before it."""
    label = name or str(source)
    stream = open(source, "rb") if isinstance(source, (str, Path)) else source
    try:
        iterator = ArchiveIterator(stream)
        offset = iterator.offset
        try:
            for record in iterator:
                yield _scanned(iterator, record, bodies, label)
                offset = iterator.offset
        except ArchiveError:
            raise
        except (AttributeError, TypeError):
            # warcio meets a record cut short in its header, or one without its WARC fields, with
            # these; their words are about its own code
            raise ArchiveError(f"{label}: damaged WARC data at offset {offset}: a record cut short or "
                               "without its WARC header fields") from None
        except (ArchiveLoadFailed, zlib.error, EOFError, ValueError, OSError) as exc:
            raise ArchiveError(f"{label}: damaged WARC data at offset {offset}: {_one_line(exc)}") from None
        _check_tail(stream, offset, label)
    finally:
        if stream is not source:
            stream.close()


def _scanned(iterator: ArchiveIterator, record, bodies: bool, label: str) -> ScannedRecord:
    headers = record.rec_headers
    http = record.http_headers if record.rec_type in ("response", "revisit", "request") else None
    body = None
    block = b""
    if record.rec_type == "response" and bodies:
        body = record.content_stream().read()
    elif record.rec_type == "warcinfo":
        block = record.raw_stream.read()
    # A record cut short (a crash mid-write, a truncated download) reads without an error but
    # short of its Content-Length: the gzip member or the stream ends early.
    record.raw_stream.read()
    offset, length = iterator.get_record_offset(), iterator.get_record_length()
    if getattr(record.raw_stream, "limit", None) != 0 or _member_cut_short(iterator):
        raise ArchiveError(f"{label}: record at offset {offset} is cut short")
    status = None
    if http is not None and record.rec_type != "request":
        status = _status(http.get_statuscode())
    return ScannedRecord(
        offset=offset,
        length=length,
        record_type=record.rec_type,
        url=headers.get_header("WARC-Target-URI"),
        fetched_at=_warc_date(headers.get_header("WARC-Date")),
        status=status,
        payload_digest=headers.get_header("WARC-Payload-Digest"),
        warc_headers=dict(headers.headers),
        http_headers=tuple(http.headers) if http is not None else (),
        body=body,
        fields=_warcinfo_fields(block),
    )


def _check_tail(stream, end: int, label: str) -> None:
    """Bytes after the last record that are not blank lines are a record cut short in its
    header (ArchiveIterator takes them for the end of the file)."""
    try:
        stream.seek(end)
    except (AttributeError, OSError):
        return  # not seekable: what ArchiveIterator read is all that can be checked
    if stream.read(1 << 16).strip(b"\r\n\t \x00"):
        raise ArchiveError(f"{label}: damaged WARC data at offset {end}: a record cut short or not WARC")


def _member_cut_short(iterator: ArchiveIterator) -> bool:
    decompressor = iterator.reader.decompressor if iterator.reader else None
    return decompressor is not None and not getattr(decompressor, "eof", True)


def read_capture(archive_dir: str | Path, warc_file: str, offset: int, length: int | None = None,
                 locate: Callable[[str, str], tuple[str, int] | None] | None = None) -> Capture:
    """The HTTP response archived at `offset` of `warc_file` (relative to `archive_dir`), read in
    one seek; a revisit is resolved to its original's payload with one more: where our revisit
    records say it is, else where `locate(url, payload_digest)` (e.g. a `captures` lookup) says."""
    path = Path(archive_dir) / warc_file
    record = _read_one(path, offset, length)
    if record.record_type not in CAPTURE_TYPES:
        raise ArchiveError(f"{warc_file}: the record at offset {offset} is a {record.record_type}, not a response")
    body = record.body
    if record.record_type == "revisit":
        body = _revisited_body(archive_dir, warc_file, offset, record, locate)
    return Capture(url=record.url or "", fetched_at=record.fetched_at, status=record.status,
                   headers=record.http_headers, body=body or b"", record_type=record.record_type,
                   payload_digest=record.payload_digest)


def _read_one(path: Path, offset: int, length: int | None) -> ScannedRecord:
    try:
        with open(path, "rb") as handle:
            handle.seek(offset)
            data = handle.read(length) if length is not None else None
            source = BytesIO(data) if data is not None else handle
            for record in scan_warc(source, bodies=True, name=f"{path.name}@{offset}"):
                return record
    except FileNotFoundError:
        raise ArchiveError(f"{path}: no such archive file") from None
    raise ArchiveError(f"{path.name}: no WARC record at offset {offset}")


def _revisited_body(archive_dir, warc_file: str, offset: int, revisit: ScannedRecord, locate,
                    hops: int = 3) -> bytes:
    target_file = revisit.warc_headers.get(REFERS_TO_FILENAME)
    target_offset = revisit.warc_headers.get(REFERS_TO_OFFSET)
    if target_file and (target_offset or "").isdigit():
        where = (target_file, int(target_offset))
    else:
        url = revisit.warc_headers.get("WARC-Refers-To-Target-URI") or revisit.url or ""
        where = locate(url, revisit.payload_digest or "") if locate is not None else None
    if where is None or where == (warc_file, offset):
        raise ArchiveError(f"{warc_file}: the revisit at offset {offset} does not say where its original is")
    original = _read_one(Path(archive_dir) / where[0], where[1], None)
    if original.payload_digest != revisit.payload_digest or original.record_type not in CAPTURE_TYPES:
        raise ArchiveError(f"{warc_file}: the revisit at offset {offset} points at a record of another payload")
    if original.record_type == "revisit" and hops > 0:
        return _revisited_body(archive_dir, where[0], where[1], original, locate, hops - 1)
    if original.record_type == "revisit":
        raise ArchiveError(f"{warc_file}: the revisit at offset {offset} leads only to other revisits")
    return original.body or b""


def index_warc(archive_dir: str | Path, relative_path: str) -> Iterator[dict]:
    """The `captures` rows (CAPTURE_COLUMNS) of one completed archive file: one per response or
    revisit record of an http(s) URI. run_id comes from the file's warcinfo (None for files other
    tools wrote); a response without a WARC-Payload-Digest gets one computed."""
    path = Path(archive_dir) / relative_path
    return capture_rows(scan_warc(path, bodies=False, name=relative_path), path, relative_path)


def capture_rows(records: Iterable[ScannedRecord], path: Path, relative_path: str) -> Iterator[dict]:
    """index_warc's rows of the records of a scan of `path` (which a caller may also read for
    something else as they pass: one scan of the file for both)."""
    run_id = None
    for record in records:
        if record.record_type == "warcinfo":
            run_id = record.fields.get(RUN_ID_FIELD, run_id)
            continue
        if record.record_type not in CAPTURE_TYPES or not (record.url or "").startswith(("http://", "https://")):
            continue
        digest = record.payload_digest
        if digest is None and record.record_type == "response":
            digest = payload_digest(_read_one(path, record.offset, record.length).body or b"")
        yield {
            "url": record.url,
            "fetched_at": record.fetched_at,
            "status": record.status,
            "warc_file": Path(relative_path).as_posix(),
            "warc_offset": record.offset,
            "warc_length": record.length,
            "payload_digest": digest,
            "run_id": run_id,
        }


def file_run_id(archive_dir: str | Path, relative_path: str) -> str | None:
    """The run that wrote an archive file (its first record, our warcinfo, names it); None for a
    file other tools wrote or one too damaged to tell."""
    scan = scan_warc(Path(archive_dir) / relative_path, bodies=False, name=relative_path)
    try:
        first = next(scan, None)
    except ArchiveError:
        return None
    finally:
        scan.close()
    return first.fields.get(RUN_ID_FIELD) if first is not None and first.record_type == "warcinfo" else None


def completed_files(archive_dir: str | Path) -> list[str]:
    """The completed WARC files under `archive_dir` (relative POSIX paths, sorted); files still
    being written end in `.open` and are left out."""
    root = Path(archive_dir)
    if not root.is_dir():
        return []
    found = (p for p in root.rglob("*") if p.is_file() and p.name.endswith(WARC_SUFFIXES))
    return sorted(p.relative_to(root).as_posix() for p in found)


def _warcinfo_fields(block: bytes) -> dict[str, str]:
    fields = {}
    for line in block.decode("utf-8", "replace").splitlines():
        name, sep, value = line.partition(":")
        if sep:
            fields[name.strip()] = value.strip()
    return fields


def _warc_date(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return iso_date_to_datetime(text).replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def _status(code: str | None) -> int | None:
    return int(code) if code and code.isdigit() else None


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return "".join(c if c.isprintable() else "?" for c in text)[:160]

