"""The page archive: every HTTP response a crawl receives, kept in WARC files (ISO 28500, via warcio).

The WARC files are the source of truth; the `captures` table is an index of them, built by
reading completed files (`index_warc`). One reader (`read_capture`, `scan_warc`) serves the
crawl's archive, reparse and the import of other tools' WARC files alike.
"""

from __future__ import annotations

import os
from pathlib import Path

from warehouse.archive.known import known_payloads
from warehouse.archive.reader import (
    CAPTURE_COLUMNS,
    ArchiveError,
    Capture,
    ScannedRecord,
    completed_files,
    index_warc,
    payload_digest,
    read_capture,
    scan_warc,
)
from warehouse.archive.writer import (
    DEFAULT_MAX_BYTES,
    ArchiveWriter,
    Exchange,
    PayloadIndex,
    finish_leftovers,
)
from warehouse.config import resolve_db_path

__all__ = [
    "CAPTURE_COLUMNS", "DEFAULT_MAX_BYTES", "ArchiveError", "ArchiveWriter", "Capture", "Exchange", "PayloadIndex",
    "ScannedRecord", "completed_files", "finish_leftovers", "index_warc", "known_payloads", "payload_digest",
    "read_capture", "resolve_archive_dir", "scan_warc",
]


def resolve_archive_dir(
    cli_dir: str | os.PathLike | None = None,
    setting: str | os.PathLike | None = None,
    db_path: str | os.PathLike | None = None,
) -> Path:
    """ARCHIVE_DIR: flag > setting > environment variable > `archive/` beside the warehouse file."""
    for value in (cli_dir, setting, os.environ.get("ARCHIVE_DIR")):
        if value is not None and str(value) != "":
            return Path(value).expanduser()
    return resolve_db_path(db_path).parent / "archive"
