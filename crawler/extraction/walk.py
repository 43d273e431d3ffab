"""The walk: one pass over a parsed page in document order, into positions, lines and markers.

Every element start and every text piece gets a position number; text between block boundaries
(and <br>) becomes one ``Line``; links, <time> elements and headings are indexed by position,
and every element is kept in page order for icon look-ups.
"""

from __future__ import annotations

from functools import partial
from typing import NamedTuple

from . import markup
from .markup import (
    CHROME_ROLES,
    K_BLOCK,
    K_BR,
    K_CAPTION,
    K_CHROME,
    K_HEADER,
    K_HEADING,
    K_LINK,
    K_MAIN,
    K_NO_HINTS,
    K_SKIP,
    K_SVG,
    K_TIME,
)
from .text import normalize_whitespace

# Context changes an element makes, undone when it closes.
_BLOCK, _MAIN, _CHROME, _CAPTION, _LINK, _HEADING = 1, 2, 4, 8, 16, 32

class Line:
    """Visible text between two block boundaries, with where it sits."""

    __slots__ = (
        "index", "text", "start", "end", "block", "tag", "heading", "chrome", "caption", "main", "link_chars",
        "link_density", "brs",
    )

    def __init__(self, index, text, start, end, block, heading, chrome, caption, main, link_chars, brs=0):
        self.index = index
        self.text = text
        self.start = start  # position of its first text piece
        self.end = end  # position of its last text piece
        self.block = block  # innermost block element holding it
        self.tag = block.tag if block is not None else ""
        self.heading = heading  # "h1".."h6" when inside a heading
        self.chrome = chrome  # inside header/nav/footer/aside of the site
        self.caption = caption  # inside figcaption/caption
        self.main = main  # inside <article>/<main>
        self.link_chars = link_chars  # characters of text inside links
        self.link_density = link_chars / max(1, len(text) - text.count(" "))
        self.brs = brs  # <br>s right before it in the same block (1: same paragraph, 2: new one)

    def __repr__(self):
        return f"Line({self.index}, {self.start}, {self.tag!r}, {self.text[:40]!r})"


class Marker(NamedTuple):
    """An element of interest (icon, link, time, heading) at its position."""

    pos: int
    el: object
    chrome: bool
    main: bool


def walk(doc) -> None:
    """Fill ``doc``'s lines, tokens, markers and element positions from its parsed root."""
    # One pass in document order. This is the hot loop of extraction: locals only, and
    # the cheap tests first.
    start, end = doc.start, doc.end
    lines, token_pos, token_raw = doc.lines, doc.token_pos, doc.token_raw
    links, times, headings = doc.links, doc.times, doc.headings
    elements, element_pos = doc.elements, doc.element_pos
    pending: list = []  # (position or None, raw text) of the current line
    line_context = None
    block_stack: list = []
    heading_stack: list = []
    pos = 0
    link_chars = 0  # of the pending line
    brs = 0  # <br>s since the previous line
    chrome = main = caption = in_link = 0
    note = partial(note_head_element, doc)

    def flush():
        nonlocal pending, line_context, link_chars, brs
        text = normalize_whitespace("".join([raw for _, raw in pending]))
        if text:
            first = last = None
            for p, raw in pending:
                if p is not None:
                    token_pos.append(p)
                    token_raw.append(raw)
                    if first is None:
                        first = p
                    last = p
            block, heading, in_chrome, in_caption, in_main = line_context
            lines.append(Line(len(lines), text, first, last, block, heading, in_chrome, in_caption, in_main, link_chars, brs))
            brs = 0
        pending = []
        line_context = None
        link_chars = 0

    def close(flags):
        """Leave an element that opened a block, region, link or heading."""
        nonlocal brs, main, chrome, caption, in_link
        if flags & _BLOCK:
            if pending:
                flush()
            brs = 0
            block_stack.pop()
        if flags & _MAIN:
            main -= 1
        if flags & _CHROME:
            chrome -= 1
        if flags & _CAPTION:
            caption -= 1
        if flags & _LINK:
            in_link -= 1
        if flags & _HEADING:
            heading_stack.pop()

    def emit(raw):
        nonlocal pos, line_context, link_chars
        if raw.strip():
            pos += 1
            if not pending:
                line_context = (
                    block_stack[-1] if block_stack else None,
                    heading_stack[-1] if heading_stack else None,
                    chrome > 0,
                    caption > 0,
                    main > 0,
                )
            if in_link:
                link_chars += len("".join(raw.split()))
            pending.append((pos, raw))
        elif pending:
            pending.append((None, raw))

    stack: list = []
    element = doc.root
    kinds = markup.TAG_KINDS
    chrome_tokens = markup.chrome_tokens
    while True:
        # ---- open `element`
        tag = element.tag
        tail = element.tail
        if isinstance(tag, str):
            kind = kinds.get(tag)
            if kind is None:
                if "}" in tag:  # XHTML parsed as XML keeps its namespace
                    tag = tag.rsplit("}", 1)[1]
                tag = tag.lower()
                kind = kinds.get(tag, 0)
            pos += 1
            start[element] = pos
            if kind & K_SKIP:
                note(element, tag)
                end[element] = pos
            else:
                flags = 0
                if kind & K_BLOCK:
                    if pending:
                        flush()
                    brs = 0
                    block_stack.append(element)
                    flags = _BLOCK
                elif kind & K_BR:
                    if pending:
                        flush()
                    brs += 1
                role = element.get("role")
                if role is not None:
                    role = role.lower()
                    if role == "main":
                        kind |= K_MAIN
                if kind & K_MAIN:
                    main += 1
                    flags |= _MAIN
                # chrome: the site's header/nav/footer/sidebars, by tag, role or class/id
                if kind & K_CHROME or (role is not None and role in CHROME_ROLES):
                    is_chrome = True
                elif kind & K_HEADER:
                    is_chrome = main == 0  # an <article>'s own header holds its title and date
                elif kind & K_NO_HINTS:
                    is_chrome = False
                else:
                    is_chrome = False
                    hints = element.get("class")
                    ident = element.get("id")
                    if ident:
                        hints = f"{hints} {ident}" if hints else ident
                    if hints:
                        tokens = chrome_tokens(hints)
                        if tokens:
                            is_chrome = main == 0 or not tokens <= markup.HEADER_FOOTER_TOKENS
                if is_chrome:
                    chrome += 1
                    flags |= _CHROME
                if kind & K_CAPTION:
                    caption += 1
                    flags |= _CAPTION
                in_chrome = chrome > 0
                in_main = main > 0
                elements.append((element, tag, in_chrome, in_main))
                element_pos.append(pos)
                if kind & K_LINK:
                    in_link += 1
                    flags |= _LINK
                    if element.get("href"):
                        links.append(Marker(pos, element, in_chrome, in_main))
                elif kind & K_HEADING:
                    heading_stack.append(tag)
                    flags |= _HEADING
                    headings.append(Marker(pos, element, in_chrome, in_main))
                elif kind & K_TIME:
                    times.append(Marker(pos, element, in_chrome, in_main))
                text = element.text
                if not kind & K_SVG and len(element):
                    if text:
                        emit(text)
                    stack.append((element, iter(element), flags))
                    tail = None  # emitted when the element closes
                else:
                    # a leaf (an <svg> counts as one: its <title>/<use> are read as an icon)
                    if text and not kind & K_SVG:
                        emit(text)
                    end[element] = pos
                    if flags:
                        close(flags)
        if tail and stack:
            emit(tail)
        # ---- next element: the next unvisited child; close the parents that are done
        while stack:
            parent, children, flags = stack[-1]
            element = next(children, None)
            if element is not None:
                break
            stack.pop()
            end[parent] = pos
            if flags:
                close(flags)
            parent_tail = parent.tail
            if parent_tail and stack:
                emit(parent_tail)
        else:
            break
    if pending:
        flush()

def note_head_element(doc, el, tag) -> None:
    """Read what <head> says: <meta>, <title>, rel=next, <base>, JSON-LD."""
    get = el.get
    if tag == "meta":
        key = (get("property") or get("name") or get("itemprop") or "").lower()
        content = get("content")
        if key and content is not None and key not in doc.meta:
            doc.meta[key] = content
    elif tag == "title":
        if not doc.title_text:
            doc.title_text = normalize_whitespace("".join(el.itertext()))
    elif tag == "link":
        if "next" in (get("rel") or "").lower().split() and get("href"):
            doc.rel_next.append(get("href"))
    elif tag == "base":
        if get("href") and doc.base_href is None:
            doc.base_href = get("href")
    elif tag == "script":
        if "ld+json" in (get("type") or "").lower():
            doc.jsonld.append(el.text or "")
    elif tag == "head":
        for child in el:
            child_tag = markup.tag_of(child)
            if child_tag in ("meta", "title", "link", "base", "script"):
                note_head_element(doc, child, child_tag)

# ---- questions
