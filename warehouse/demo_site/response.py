"""What a route answers (`Response`), shared by the dated and the weekly routes, and the bytes
both serve alike: the 1x1 image behind every picture and the oversized page's appendix."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

OVERSIZED_BYTES = 11 * 1024 * 1024  # the oversized page's appendix fills the body up to this


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str
    last_modified: datetime | None = None  # article pages: enables ETag and 304 answers
    location: str | None = None


def appendix() -> list[str]:
    """Enough statistical-table rows to push the page past 11 MB."""
    row = ("Appendix row {n}: regional indicator series, quarterly values and revisions as "
           "published in the statistical yearbook, reproduced here in full.")
    size, rows = 0, []
    while size < OVERSIZED_BYTES:
        rows.append(row.format(n=len(rows) + 1))
        size += len(rows[-1]) + 8  # plus "<p></p>\n"
    return rows


PIXEL = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")
