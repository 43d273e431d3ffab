"""The landmarks of an article page, found once, in one order, and then kept immutable.

A landmark is what several fields lean on: the rendering, the teaser and furniture blocks
(whose teasers carry their own dates and statuses), the status anchor (the "Category status:"
label, or the status sentence), the title, the article's container and region, the lines
around the title (author and week), the date line after the title and the photo credit.
Field rules (``fields/``) are pure functions of a ``Landmarks``; none of them sets anything
another reads.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace
from urllib.parse import urljoin

from . import labels
from .blocks import block_end, next_label_line
from .document import Document, Line
from .fields import photo_credit as credit_rules
from .fields import published_at as date_rules
from .fields import title as title_rules
from .fields.photo_credit import Credit
from .fields.title import Title
from .renderings import Rendering, choose_rendering
from .rules import first_value
from .text import contains_label, match_label, match_normalized_label

_MAX_SENTENCE_LINE = 100  # characters; a longer line opening with "The situation" is prose
_HEAD_LINES = 8  # lines before the title that may hold its author and week
_NO_END = 10**12


@dataclass(frozen=True)
class Anchor:
    """The status's place: the "Category status:" line (``pos``: where its label text ends, the
    icon follows), or the weekly status sentence's line (``pos``: its start)."""

    line: Line
    pos: int


@dataclass(frozen=True)
class Landmarks:
    page_url: str  # as fetched
    own_url: str  # canonical
    doc: Document
    base_url: str
    language: str
    category: str | None
    rendering: Rendering
    teaser_blocks: tuple[tuple[int, int], ...]
    anchor: Anchor | None
    title: Title | None = None
    title_rule: str = "none"
    container: object = None  # the <article>/<main> element around the title
    region: tuple[int, int] = (0, _NO_END)  # from the title to the first block heading after it
    title_in_chrome: bool = False
    head: tuple[Line, ...] = ()  # lines just before the title, nearest last (author, week, category)
    date_line: tuple[int, object] | None = None  # (position, datetime) of the date after the title
    credit: Credit | None = None

    # ---- questions every rule asks

    def in_teaser_block(self, pos: int) -> bool:
        return any(lo <= pos < hi for lo, hi in self.teaser_blocks)

    def overlaps_teaser_block(self, el) -> bool:
        """Whether an element is inside a teaser block or holds (part of) one."""
        lo = self.doc.start.get(el)
        if lo is None:
            return True
        hi = self.doc.end.get(el, lo)
        return any(lo < block_hi and hi >= block_lo for block_lo, block_hi in self.teaser_blocks)

    def region_lines(self, start: int | None = None, end: int | None = None) -> list[Line]:
        doc = self.doc
        start = self.region[0] if start is None else start
        end = self.region[1] if end is None else end
        return doc.lines[doc.lines_from(start): doc.lines_from(end)]

    def is_article_line(self, line: Line) -> bool:
        """Whether a line may belong to the article: not a teaser's, and not the site chrome's
        unless the title itself sits in the page header."""
        return not (line.chrome and not self.title_in_chrome) and not self.in_teaser_block(line.start)

    def css_candidate(self, el) -> bool:
        """Whether an element found by a CSS hint may hold the article's date or credit: in the
        region, not in the site chrome unless the title is, and not around a teaser block."""
        doc = self.doc
        start, end = self.region
        lo = doc.start.get(el, -1)
        if not start <= lo < end or self.overlaps_teaser_block(el):
            return False
        index = bisect.bisect_left(doc.element_pos, lo)
        chrome = index < len(doc.elements) and doc.elements[index][0] is el and doc.elements[index][2]
        return not chrome or self.title_in_chrome


def find_landmarks(page_url: str, own_url: str, doc: Document, language: str, category: str | None) -> Landmarks:
    """The page's landmarks, each found from the ones before it: the rendering, its teaser
    blocks and status anchor; then the title (its own rules, over those); then the container
    and region the title opens; then the lines above the title, the date line and the credit."""
    rendering = choose_rendering(doc)
    blocks = teaser_blocks(doc, rendering)
    anchor = _ANCHORS[rendering.status](doc, blocks)
    marks = Landmarks(page_url, own_url, doc, base_url(doc, page_url), language, category, rendering, blocks, anchor)
    title, title_rule = first_value(title_rules.RULES, marks, "title")
    if title is not None and title.pos is None:
        title = title_rules.locate(doc, title.text)
    container = _article_container(title, anchor)
    region = _region(doc, rendering, title, anchor, container)
    title_line = doc.line_of_pos(title.pos) if title is not None and title.pos is not None else None
    marks = replace(
        marks,
        title=title,
        title_rule=title_rule,
        container=container,
        region=region,
        title_in_chrome=bool(title_line and title_line.chrome),
    )
    marks = replace(marks, head=_head(marks), date_line=date_rules.find_date_line(marks))
    return replace(marks, credit=credit_rules.find_credit(marks))


def teaser_blocks(doc: Document, rendering: Rendering) -> tuple[tuple[int, int], ...]:
    """Position ranges of the blocks whose teasers carry their own fields."""
    headings = rendering.teaser_headings
    return tuple(
        (doc.lines[i].start, block_end(doc, doc.lines[i], rendering.block_headings))
        for i in sorted(doc.label_lines(headings))
    )


def base_url(doc: Document, page_url: str) -> str:
    """The address relative links resolve against: <base href>, else the page's own."""
    base = doc.base_href
    try:
        return urljoin(page_url, base) if base else page_url
    except ValueError:
        return page_url


def _lines_body_first(doc: Document) -> list[Line]:
    # A theme may put the article's header (title, status, date) in the page <header>: chrome
    # lines are searched too, after the others.
    return [line for line in doc.lines if not line.chrome] + [line for line in doc.lines if line.chrome]


def _in_blocks(pos: int, blocks) -> bool:
    return any(lo <= pos < hi for lo, hi in blocks)


def _status_label(doc: Document, blocks) -> Anchor | None:
    """The "Category status:" line and the position where its label text ends."""
    for line in _lines_body_first(doc):
        if len(line.text) > 200 or _in_blocks(line.start, blocks):
            continue
        rest = match_normalized_label(line.text, labels.CATEGORY_STATUS)
        if rest is not None:
            label_chars = sum(ch.isalnum() for ch in line.text[: len(line.text) - len(rest)])
            return Anchor(line, _pos_after_chars(doc, line, label_chars))
        if contains_label(line.text, labels.CATEGORY_STATUS):
            # the label in its own element inside a longer line:
            # <span>Category status</span><i class="…"></i><span>18.09.2017</span>
            index = doc.next_token_after(line.start - 1)
            while index < len(doc.token_pos) and doc.token_pos[index] <= line.end:
                token = doc.token_text(index)
                if match_label(token, labels.CATEGORY_STATUS) == "" and _strong_label(token):
                    return Anchor(line, doc.token_pos[index])
                index += 1
    return None


def _status_sentence(doc: Document, blocks) -> Anchor | None:
    """The weekly status sentence's line ("The situation got worse"), not a furniture heading
    ("Situation in Belarus") nor a sentence of the body: it comes before the first paragraph."""
    prose = next((line.start for line in doc.lines if _is_prose(line)), _NO_END)
    for line in _lines_body_first(doc):
        if line.start > prose:
            continue
        text = line.text
        if len(text) > _MAX_SENTENCE_LINE or len(text.split()) > 12 or not labels.opens_with_situation(text):
            continue
        if _in_blocks(line.start, blocks) or line.link_density > 0.5:
            continue
        if match_normalized_label(text, labels.WEEKLY_FURNITURE) is not None:
            continue
        return Anchor(line, line.start)
    return None


_ANCHORS = {"icon": _status_label, "sentence": _status_sentence}


def _is_prose(line: Line) -> bool:
    """A paragraph of the body rather than a heading, a meta line or a menu."""
    return len(line.text) > 150 and not line.chrome and line.link_density <= 0.5


def _strong_label(token: str) -> bool:
    """A label token trusted inside a longer line: a specific one, or a common one with a colon."""
    bare = token.strip().rstrip(":：").strip().casefold()
    return bare not in labels.WEAK_LABELS or token.strip().endswith((":", "："))


def _pos_after_chars(doc: Document, line: Line, chars: int) -> int:
    """Position of the text piece of ``line`` in which its first ``chars`` letters end."""
    seen = 0
    index = doc.next_token_after(line.start - 1)
    while index < len(doc.token_pos) and doc.token_pos[index] <= line.end:
        seen += sum(ch.isalnum() for ch in doc.token_text(index))
        if seen >= chars:
            return doc.token_pos[index]
        index += 1
    return line.end


def _article_container(title: Title | None, anchor: Anchor | None):
    """The <article>/<main> element around the title, when the theme has one."""
    node = title.el if title is not None else None
    if node is None and anchor is not None:
        node = anchor.line.block
    while node is not None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag.lower() in ("article", "main") or node.get("role", "").lower() == "main":
            return node
        node = node.getparent()
    return None


def _region(doc: Document, rendering: Rendering, title: Title | None, anchor: Anchor | None, container):
    """(start, end) positions of the article: from its title to the first block heading after
    it, within its <article>/<main>."""
    start = title.pos if title is not None else None
    if start is None and anchor is not None:
        start = anchor.line.start
    if start is None:
        start = doc.start.get(container, 0) if container is not None else 0
    # doc.end is the container's last position, inclusive: the region's end is exclusive
    end = doc.end.get(container, _NO_END) + 1 if container is not None else _NO_END
    # A block heading in a sidebar (chrome) need not end the article: chrome lines are left
    # out anyway, and a floated sidebar may come before the body in page order.
    title_line = doc.line_of_pos(start)
    with_chrome = bool(title_line and title_line.chrome)
    index = doc.lines_from(start + 1)
    while True:
        following = next_label_line(doc, rendering.block_headings, index, with_chrome=with_chrome)
        if following is None or following.start >= end:
            break
        # A block before any body text (a teaser box between the header and the body) is
        # stepped over, its lines left out as teaser lines; after the body it ends it.
        if any(_is_prose(line) for line in doc.lines[doc.lines_from(start): following.index]):
            end = following.start
            break
        index = following.index + 1
    return start, min(end, _form_box_start(doc, start, end, with_chrome))


def _form_box_start(doc: Document, start: int, end: int, with_chrome: bool) -> int:
    """Where a box with a form (a newsletter sign-up, a comment form) begins, when it follows
    the body: it ends the article even without its heading."""
    first = bisect.bisect_right(doc.element_pos, start)
    last = bisect.bisect_left(doc.element_pos, end)
    for index in range(first, last):
        element, tag, chrome, _main = doc.elements[index]
        if tag != "form" or (chrome and not with_chrome):
            continue
        box = element
        parent = box.getparent()
        while parent is not None and doc.start.get(parent, 0) > start:
            box, parent = parent, parent.getparent()
        box_start = doc.start.get(box, end)
        body = doc.lines[doc.lines_from(start): doc.lines_from(box_start)]
        if any(_is_prose(line) for line in body):
            return box_start
    return end


def _head(marks: Landmarks) -> tuple[Line, ...]:
    """The few article lines just before the title (the weekly rendering's author, week and
    category name), in page order; before the status sentence when no title was found."""
    doc = marks.doc
    if marks.title is not None and marks.title.pos is not None:
        stop = doc.lines_from(marks.title.pos)
    elif marks.anchor is not None:
        stop = marks.anchor.line.index
    else:
        return ()
    lines = [line for line in doc.lines[max(0, stop - _HEAD_LINES): stop] if marks.is_article_line(line)]
    return tuple(line for line in lines if len(line.text) <= 300)
