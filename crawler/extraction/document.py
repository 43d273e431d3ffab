"""One parsed page, seen as the reader sees it: visible text lines in document order.

Markup-agnostic extraction needs "the first X after label Y and before heading Z" questions,
whatever tags and classes the theme uses. So the page is parsed once (lxml) and walked once
into a flat sequence: every element start and every text piece gets a position number; text
between block boundaries (and <br>) becomes one ``Line``; links, <time> elements and headings
are indexed by position, and every element is kept in page order for icon look-ups. Every
later question is a bisect or a short scan over these lists, never a re-walk of the tree.
"""

from __future__ import annotations

import bisect

from .markup import ICON_TAGS, MAYBE_ICON_TAGS, decode_html, looks_like_icon, parse_html
from .text import match_normalized_label, normalize_whitespace
from .walk import Line, Marker, walk

__all__ = ["Document", "Line", "Marker", "decode_html", "parse_html"]


class Document:
    """A page parsed once and walked once. Never raises on bad input: a page that cannot be
    parsed becomes an empty document."""

    def __init__(self, url: str, html: str | bytes | None, encoding: str | None = None, content_type: str | None = None):
        self.url = url
        try:
            self._reset(parse_html(decode_html(html, encoding, content_type)))
            walk(self)
        except Exception:  # noqa: BLE001 - a broken page is an empty page
            self._reset(parse_html(""))
        self.line_starts = [line.start for line in self.lines]
        self.link_pos = [m.pos for m in self.links]
        self.time_pos = [m.pos for m in self.times]
        self._icons: dict[tuple[int, int], list[Marker]] = {}
        self._label_lines: dict[tuple[str, ...], frozenset[int]] = {}
        self._short_lines: list[Line] | None = None

    def _reset(self, root) -> None:
        self.root = root
        self.meta: dict[str, str] = {}
        self.title_text = ""
        self.jsonld: list[str] = []
        self.rel_next: list[str] = []
        self.base_href: str | None = None
        self.start: dict = {}
        self.end: dict = {}
        self.lines: list[Line] = []
        self.token_pos: list[int] = []
        self.token_raw: list[str] = []
        self._token_text: dict[int, str] = {}
        self.elements: list = []  # (element, tag, chrome, main) in page order
        self.element_pos: list[int] = []
        self.links: list[Marker] = []
        self.times: list[Marker] = []
        self.headings: list[Marker] = []

    # ---- questions

    def token_text(self, index: int) -> str:
        """The whitespace-normalised text of one text piece (normalised on first use)."""
        text = self._token_text.get(index)
        if text is None:
            text = self._token_text[index] = normalize_whitespace(self.token_raw[index])
        return text

    def lines_from(self, pos: int) -> int:
        """Index of the first line starting at or after a position."""
        return bisect.bisect_left(self.line_starts, pos)

    def line_of_pos(self, pos: int) -> Line | None:
        """The line whose text covers a position (or the first line after it)."""
        index = bisect.bisect_right(self.line_starts, pos) - 1
        if index >= 0 and self.lines[index].end >= pos:
            return self.lines[index]
        index += 1
        return self.lines[index] if index < len(self.lines) else None

    def next_token_after(self, pos: int) -> int:
        """Index into the token lists of the first text piece after a position."""
        return bisect.bisect_right(self.token_pos, pos)

    def markers_between(self, markers: list[Marker], positions: list[int], lo: int, hi: int) -> list[Marker]:
        """Markers with lo < pos < hi, in page order."""
        return markers[bisect.bisect_right(positions, lo): bisect.bisect_left(positions, hi)]

    def label_lines(self, names: tuple[str, ...]) -> frozenset[int]:
        """Indices of the lines that consist of one of these labels only (a block heading such
        as "Similar articles:"); a menu link with that text does not count unless it sits in a
        heading tag. Computed once per label table."""
        found = self._label_lines.get(names)
        if found is None:
            if self._short_lines is None:  # short, not-a-link lines: the only possible headings
                self._short_lines = [
                    line for line in self.lines if len(line.text) <= 60 and (line.link_density <= 0.5 or line.heading)
                ]
            found = frozenset(line.index for line in self._short_lines if match_normalized_label(line.text, names) == "")
            self._label_lines[names] = found
        return found

    def icons_between(self, lo: int, hi: int) -> list[Marker]:
        """Icon-like elements with lo < pos < hi, in page order: images, svgs, and empty
        leaves carrying a class/title/alt (found on demand: only small windows are asked)."""
        key = (lo, hi)
        if key not in self._icons:
            first = bisect.bisect_right(self.element_pos, lo)
            last = bisect.bisect_left(self.element_pos, hi)
            found = []
            for index in range(first, last):
                element, tag, chrome, main = self.elements[index]
                if tag in ICON_TAGS or (tag == "input" and (element.get("type") or "").lower() == "image"):
                    found.append(Marker(self.element_pos[index], element, chrome, main))
                elif tag in MAYBE_ICON_TAGS and looks_like_icon(element):
                    found.append(Marker(self.element_pos[index], element, chrome, main))
            self._icons[key] = found
        return self._icons[key]

    def text_of(self, el) -> str:
        """Visible text of an element, whitespace-normalised."""
        try:
            return normalize_whitespace("".join(el.itertext()))
        except Exception:  # noqa: BLE001
            return ""

    def smallest_ancestor_covering(self, el, pos: int):
        """The nearest ancestor-or-self of ``el`` whose subtree reaches position ``pos``."""
        node = el
        while node is not None:
            if self.end.get(node, -1) >= pos and self.start.get(node, pos + 1) <= pos:
                return node
            node = node.getparent()
        return None
