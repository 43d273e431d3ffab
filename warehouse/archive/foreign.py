"""WARC files as other tools write them, for the demo's import and the import's tests: a web
archive's download (gzip per record, response records only, dated when captured) and wget's
`--warc-file` output (plain, WARC/1.0, a warcinfo record first, each response after its request).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

_REASONS = {200: "OK", 301: "Moved Permanently", 304: "Not Modified", 404: "Not Found", 500: "Internal Server Error"}


@dataclass
class Snapshot:
    """One HTTP exchange as a web archive captured it."""

    url: str
    captured_at: datetime
    body: bytes
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=lambda: [("Content-Type", "text/html; charset=utf-8")])


def warc_date(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_web_archive_warc(path: str | Path, snapshots: list[Snapshot]) -> Path:
    """Response records only, gzip per record, WARC/1.1, as a web archive's WARC download."""
    path = Path(path)
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for snap in snapshots:
            writer.write_record(_response(writer, snap))
    return path


def write_wget_warc(path: str | Path, snapshots: list[Snapshot], software: str = "Wget/1.21.3") -> Path:
    """Plain (uncompressed) WARC/1.0 the way wget --warc-file writes it: warcinfo, then per page
    a request record followed by its response record, and a closing metadata record."""
    path = Path(path)
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=False, warc_version="1.0")
        writer.write_record(writer.create_warcinfo_record(path.name, {
            "software": software, "format": "WARC File Format 1.0",
            "wget-arguments": '"--warc-file=site" "--recursive"'}))
        for snap in snapshots:
            host = snap.url.split("/")[2]
            request = StatusAndHeaders(f"GET /{snap.url.split('/', 3)[3] if snap.url.count('/') >= 3 else ''} HTTP/1.1",
                                       [("User-Agent", software), ("Host", host)], is_http_request=True)
            req = writer.create_warc_record(snap.url, "request", payload=BytesIO(b""), http_headers=request,
                                            warc_headers_dict={"WARC-Date": warc_date(snap.captured_at)})
            resp = _response(writer, snap)
            req.rec_headers.add_header("WARC-Concurrent-To", resp.rec_headers.get_header("WARC-Record-ID"))
            writer.write_record(req)
            writer.write_record(resp)
        writer.write_record(writer.create_warc_record("metadata://gnu.org/software/wget/warc/MANIFEST.txt",
                                                      "metadata", payload=BytesIO(b"manifest\n"),
                                                      warc_content_type="text/plain"))
    return path


def _response(writer: WARCWriter, snap: Snapshot):
    headers = [*snap.headers, ("Content-Length", str(len(snap.body)))]
    http = StatusAndHeaders(f"{snap.status} {_REASONS.get(snap.status, 'Status')}", headers, protocol="HTTP/1.1")
    return writer.create_warc_record(snap.url, "response", payload=BytesIO(snap.body), http_headers=http,
                                     warc_headers_dict={"WARC-Date": warc_date(snap.captured_at)})
