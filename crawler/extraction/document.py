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
import re
from typing import NamedTuple

from lxml import etree
from w3lib.encoding import html_to_unicode

from .text import match_normalized_label, normalize_whitespace

BLOCK_TAGS = frozenset(
    """address article aside blockquote body caption center dd details dialog dir div dl dt
    fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li
    main menu nav ol p pre section summary table tbody td tfoot th thead tr ul""".split()
)
# Subtrees whose text is not page content (head elements are read for <title>/<meta> only).
SKIP_TAGS = frozenset(
    "script style template textarea select button iframe canvas audio video map head title meta link base".split()
)
HEADING_TAGS = frozenset("h1 h2 h3 h4 h5 h6".split())
# Always icon-like, whatever their attributes.
ICON_TAGS = frozenset("img svg object embed".split())
# Icon-like when empty of text and carrying a class/title/alt-like attribute: <i class="fa-…">,
# <span class="trend-icon trend-icon--negative"></span>.
MAYBE_ICON_TAGS = frozenset("i span em b strong div abbr a u s small mark ins del font".split())
_ICON_ATTRS = frozenset(
    {"class", "title", "aria-label", "alt", "data-status", "data-value", "data-icon", "data-src", "style"}
)
MAIN_TAGS = frozenset({"article", "main"})
CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search", "menubar"})
# Exact class/id tokens of site chrome in common themes (Drupal 7 Bartik/Garland, Bootstrap).
CHROME_TOKENS = frozenset(
    """header site-header footer site-footer sidebar sidebar-first sidebar-second sidebar-left
    sidebar-right region-sidebar-first region-sidebar-second navigation nav navbar menu main-menu
    breadcrumb breadcrumbs site-nav topbar top-bar""".split()
)
_HEADER_FOOTER_TOKENS = frozenset({"header", "site-header", "footer", "site-footer"})
_CHROME_HINT = re.compile(r"header|footer|sidebar|nav|menu|breadcrumb|top-?bar", re.IGNORECASE)
# Drupal puts "sidebar-second" etc. on <body> to describe the layout: not chrome.
_NO_CHROME_HINTS = frozenset({"html", "body", "main", "article"})
# Context changes an element makes, undone when it closes.
_BLOCK, _MAIN, _CHROME, _CAPTION, _LINK, _HEADING = 1, 2, 4, 8, 16, 32
# What a tag is, as bits, so the walk asks one dict per element instead of a chain of sets.
_K_SKIP, _K_BLOCK, _K_BR, _K_MAIN, _K_CHROME, _K_HEADER = 1, 2, 4, 8, 16, 32
_K_NO_HINTS, _K_CAPTION, _K_LINK, _K_HEADING, _K_TIME, _K_SVG = 64, 128, 256, 512, 1024, 2048


def _tag_kinds() -> dict[str, int]:
    kinds: dict[str, int] = {}

    def add(tags, bit):
        for tag in tags:
            kinds[tag] = kinds.get(tag, 0) | bit

    add(SKIP_TAGS, _K_SKIP)
    add(BLOCK_TAGS, _K_BLOCK)
    add(("br",), _K_BR)
    add(MAIN_TAGS, _K_MAIN)
    add(("nav", "aside"), _K_CHROME)
    add(("header", "footer"), _K_HEADER)
    add(_NO_CHROME_HINTS, _K_NO_HINTS)
    add(("figcaption", "caption"), _K_CAPTION)
    add(("a",), _K_LINK)
    add(HEADING_TAGS, _K_HEADING)
    add(("time",), _K_TIME)
    add(("svg",), _K_SVG)
    return kinds


_TAG_KINDS = _tag_kinds()
_CHROME_CACHE: dict[str, frozenset[str]] = {}


def _chrome_tokens(hints: str) -> frozenset[str]:
    """Chrome tokens among an element's class and id (memoised: themes repeat their classes)."""
    tokens = _CHROME_CACHE.get(hints)
    if tokens is None:
        tokens = frozenset(hints.lower().split()) & CHROME_TOKENS if _CHROME_HINT.search(hints) else frozenset()
        if len(_CHROME_CACHE) < 50_000:
            _CHROME_CACHE[hints] = tokens
    return tokens


def decode_html(html: str | bytes | None, encoding: str | None = None, content_type: str | None = None) -> str:
    """Text of a page body: BOM, then the declared charset, then <meta charset>, then UTF-8."""
    if html is None:
        return ""
    if isinstance(html, str):
        return html
    header = f"text/html; charset={encoding}" if encoding else content_type
    try:
        return html_to_unicode(header, bytes(html))[1]
    except Exception:  # noqa: BLE001 - an unknown charset name must not stop extraction
        return bytes(html).decode("utf-8", "replace")


def parse_html(text: str):
    """The lxml root of an HTML text; an empty or unparsable page gives an empty <html>.

    Plain lxml.etree rather than lxml.html/parsel: their per-element Python class lookup costs
    a third of the walk, and nothing here needs HtmlElement methods. Comments and processing
    instructions are dropped at parse time (their neighbouring text is merged)."""
    root = None
    try:
        root = etree.fromstring(text.replace("\x00", "").encode("utf-8", "replace"), _PARSER)
    except (etree.LxmlError, ValueError):
        root = None
    return root if root is not None else etree.fromstring(b"<html></html>", _PARSER)


_PARSER = etree.HTMLParser(encoding="utf-8", recover=True, remove_comments=True, remove_pis=True, huge_tree=True)


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


class Document:
    """A page parsed once and walked once. Never raises on bad input: a page that cannot be
    parsed becomes an empty document."""

    def __init__(self, url: str, html: str | bytes | None, encoding: str | None = None, content_type: str | None = None):
        self.url = url
        try:
            self._reset(parse_html(decode_html(html, encoding, content_type)))
            self._walk()
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
        self._token_raw: list[str] = []
        self._token_text: dict[int, str] = {}
        self.elements: list = []  # (element, tag, chrome, main) in page order
        self.element_pos: list[int] = []
        self.links: list[Marker] = []
        self.times: list[Marker] = []
        self.headings: list[Marker] = []

    # ---- the walk

    def _walk(self) -> None:
        # One pass in document order. This is the hot loop of extraction: locals only, and
        # the cheap tests first.
        start, end = self.start, self.end
        lines, token_pos, token_raw = self.lines, self.token_pos, self._token_raw
        links, times, headings = self.links, self.times, self.headings
        elements, element_pos = self.elements, self.element_pos
        pending: list = []  # (position or None, raw text) of the current line
        line_context = None
        block_stack: list = []
        heading_stack: list = []
        pos = 0
        link_chars = 0  # of the pending line
        brs = 0  # <br>s since the previous line
        chrome = main = caption = in_link = 0
        note = self._note_head_element

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
        element = self.root
        kinds = _TAG_KINDS
        chrome_tokens = _chrome_tokens
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
                if kind & _K_SKIP:
                    note(element, tag)
                    end[element] = pos
                else:
                    flags = 0
                    if kind & _K_BLOCK:
                        if pending:
                            flush()
                        brs = 0
                        block_stack.append(element)
                        flags = _BLOCK
                    elif kind & _K_BR:
                        if pending:
                            flush()
                        brs += 1
                    role = element.get("role")
                    if role is not None:
                        role = role.lower()
                        if role == "main":
                            kind |= _K_MAIN
                    if kind & _K_MAIN:
                        main += 1
                        flags |= _MAIN
                    # chrome: the site's header/nav/footer/sidebars, by tag, role or class/id
                    if kind & _K_CHROME or (role is not None and role in CHROME_ROLES):
                        is_chrome = True
                    elif kind & _K_HEADER:
                        is_chrome = main == 0  # an <article>'s own header holds its title and date
                    elif kind & _K_NO_HINTS:
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
                                is_chrome = main == 0 or not tokens <= _HEADER_FOOTER_TOKENS
                    if is_chrome:
                        chrome += 1
                        flags |= _CHROME
                    if kind & _K_CAPTION:
                        caption += 1
                        flags |= _CAPTION
                    in_chrome = chrome > 0
                    in_main = main > 0
                    elements.append((element, tag, in_chrome, in_main))
                    element_pos.append(pos)
                    if kind & _K_LINK:
                        in_link += 1
                        flags |= _LINK
                        if element.get("href"):
                            links.append(Marker(pos, element, in_chrome, in_main))
                    elif kind & _K_HEADING:
                        heading_stack.append(tag)
                        flags |= _HEADING
                        headings.append(Marker(pos, element, in_chrome, in_main))
                    elif kind & _K_TIME:
                        times.append(Marker(pos, element, in_chrome, in_main))
                    text = element.text
                    if not kind & _K_SVG and len(element):
                        if text:
                            emit(text)
                        stack.append((element, iter(element), flags))
                        tail = None  # emitted when the element closes
                    else:
                        # a leaf (an <svg> counts as one: its <title>/<use> are read as an icon)
                        if text and not kind & _K_SVG:
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

    def _note_head_element(self, el, tag) -> None:
        get = el.get
        if tag == "meta":
            key = (get("property") or get("name") or get("itemprop") or "").lower()
            content = get("content")
            if key and content is not None and key not in self.meta:
                self.meta[key] = content
        elif tag == "title":
            if not self.title_text:
                self.title_text = normalize_whitespace("".join(el.itertext()))
        elif tag == "link":
            if "next" in (get("rel") or "").lower().split() and get("href"):
                self.rel_next.append(get("href"))
        elif tag == "base":
            if get("href") and self.base_href is None:
                self.base_href = get("href")
        elif tag == "script":
            if "ld+json" in (get("type") or "").lower():
                self.jsonld.append(el.text or "")
        elif tag == "head":
            for child in el:
                child_tag = _tag(child)
                if child_tag in ("meta", "title", "link", "base", "script"):
                    self._note_head_element(child, child_tag)

    # ---- questions

    def token_text(self, index: int) -> str:
        """The whitespace-normalised text of one text piece (normalised on first use)."""
        text = self._token_text.get(index)
        if text is None:
            text = self._token_text[index] = normalize_whitespace(self._token_raw[index])
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
                elif tag in MAYBE_ICON_TAGS and _looks_like_icon(element):
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


def _tag(el) -> str | None:
    tag = el.tag
    if not isinstance(tag, str):
        return None
    if "}" in tag:
        tag = tag.rsplit("}", 1)[1]
    return tag.lower()


def _looks_like_icon(el) -> bool:
    keys = el.keys()
    if not keys or len(el):
        return False
    if not any(name in _ICON_ATTRS or name.startswith("data-") for name in keys):
        return False
    if "style" in keys and len(keys) == 1 and "url(" not in el.get("style", ""):
        return False
    text = el.text
    return not (text and any(ch.isalnum() for ch in text))
