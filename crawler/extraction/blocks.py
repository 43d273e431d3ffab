"""Page blocks opened by a heading ("Similar articles", "Recent trends", ...): where they end.

Shared by the article and listing pages (a listing leaves the sidebar's teasers out).
"""

from __future__ import annotations

import bisect

from . import labels
from .document import Document, Line


def block_end(doc: Document, heading: Line, headings: tuple[str, ...] = labels.BLOCK_HEADINGS) -> int:
    """End position of the block a heading line opens: the next block heading (one of
    ``headings``), or the end of the smallest element around the heading that holds the first
    link after it, whichever comes first."""
    following = next_label_line(doc, headings, heading.index + 1)
    end = following.start if following is not None else 10**12
    index = bisect.bisect_right(doc.link_pos, heading.end)
    if index < len(doc.link_pos) and heading.block is not None:
        container = doc.smallest_ancestor_covering(heading.block, doc.link_pos[index])
        if container is not None:
            end = min(end, doc.end.get(container, end) + 1)
    return end


def next_label_line(doc: Document, names: tuple[str, ...], from_index: int, with_chrome: bool = True) -> Line | None:
    """The first line at or after ``from_index`` that is only one of these labels."""
    indices = sorted(doc.label_lines(names))
    for index in indices[bisect.bisect_left(indices, from_index):]:
        if with_chrome or not doc.lines[index].chrome:
            return doc.lines[index]
    return None
