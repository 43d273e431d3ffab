"""One parsed page, seen as the reader sees it: visible text lines in document order.

Markup-agnostic extraction needs "the first X after label Y and before heading Z" questions,
whatever tags and classes the theme uses. So the page is parsed once (lxml via parsel) and
walked once into a flat sequence: every element start and every text piece gets a position
number; text between block boundaries (and <br>) becomes one ``Line``; images and other
icon-like leaves, links, <time> elements and headings are indexed by position too. Every
later question is a bisect or a short scan over these lists, never a re-walk of the tree.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from parsel import Selector
from w3lib.encoding import html_to_unicode

from .text import normalize_whitespace

BLOCK_TAGS = frozenset(
    """address article aside blockquote body caption center dd details dialog dir div dl dt
    fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li
    main menu nav ol p pre section summary table tbody td tfoot th thead tr ul""".split()
)
# Subtrees whose text is not page content.
SKIP_TAGS = frozenset("script style template textarea select button iframe canvas audio video map head title".split())
HEADING_TAGS = frozenset("h1 h2 h3 h4 h5 h6".split())
# Always icon-like, whatever their attributes.
ICON_TAGS = frozenset("img svg object embed".split())
# Icon-like when empty of text and carrying a class/title/alt-like attribute: <i class="fa-…">,
# <span class="trend-icon trend-icon--negative"></span>.
MAYBE_ICON_TAGS = frozenset("i span em b strong div abbr a u s small mark ins del font".split())
_ICON_ATTRS = ("class", "title", "aria-label", "alt", "data-status", "data-value", "data-icon", "data-src")
MAIN_TAGS = frozenset({"article", "main"})
CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search", "menubar"})
# Exact class/id tokens of site chrome in common themes (Drupal 7 Bartik/Garland, Bootstrap).
CHROME_TOKENS = frozenset(
    """header site-header footer site-footer sidebar sidebar-first sidebar-second sidebar-left
    sidebar-right region-sidebar-first region-sidebar-second navigation nav navbar menu main-menu
    breadcrumb breadcrumbs site-nav topbar top-bar""".split()
)
_HEADER_FOOTER_TOKENS = frozenset({"header", "site-header", "footer", "site-footer"})


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


class Line:
    """Visible text between two block boundaries, with where it sits."""

    __slots__ = ("index", "text", "start", "end", "block", "tag", "heading", "chrome", "caption", "main", "link_chars")

    def __init__(self, index, text, start, end, block, heading, chrome, caption, main, link_chars):
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

    @property
    def link_density(self) -> float:
        return self.link_chars / max(1, len(self.text.replace(" ", "")))

    def __repr__(self):
        return f"Line({self.index}, {self.start}, {self.tag!r}, {self.text[:40]!r})"


@dataclass(frozen=True, slots=True)
class Marker:
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
        self.meta: dict[str, str] = {}
        self.title_text = ""
        self.jsonld: list[str] = []
        self.rel_next: list[str] = []
        self.base_href: str | None = None
        self.start: dict = {}
        self.end: dict = {}
        self.lines: list[Line] = []
        self.line_starts: list[int] = []
        self.token_pos: list[int] = []
        self.token_text: list[str] = []
        self.icons: list[Marker] = []
        self.links: list[Marker] = []
        self.times: list[Marker] = []
        self.headings: list[Marker] = []
        try:
            text = decode_html(html, encoding, content_type).replace("\x00", "")
            self.root = Selector(text=text or "<html></html>", type="html").root
            self._walk()
        except Exception:  # noqa: BLE001 - a broken page is an empty page
            self.root = Selector(text="<html></html>", type="html").root
        self.line_starts = [line.start for line in self.lines]
        self.icon_pos = [m.pos for m in self.icons]
        self.link_pos = [m.pos for m in self.links]
        self.time_pos = [m.pos for m in self.times]

    # ---- the walk

    def _walk(self) -> None:
        pos = 0
        start, end = self.start, self.end
        lines, token_pos, token_text = self.lines, self.token_pos, self.token_text
        pending: list[tuple[int | None, str]] = []
        context = None  # (block, heading, chrome, caption, main) at the line's first piece
        counts = [0]  # link characters of the pending line
        block_stack: list = []
        heading_stack: list[str] = []
        depth = {"chrome": 0, "caption": 0, "main": 0, "a": 0}

        def flush():
            nonlocal pending, context
            if pending:
                text = normalize_whitespace("".join(raw for _, raw in pending))
                if text:
                    index = len(lines)
                    positions = [p for p, _ in pending if p is not None]
                    for p, raw in pending:
                        if p is not None:
                            token_pos.append(p)
                            token_text.append(normalize_whitespace(raw))
                    block, heading, chrome, caption, main = context
                    lines.append(Line(index, text, positions[0], positions[-1], block, heading, chrome, caption, main, counts[0]))
            pending = []
            context = None
            counts[0] = 0

        def emit(raw):
            nonlocal pos, context
            if not raw:
                return
            if raw.strip():
                pos += 1
                if not pending:
                    context = (
                        block_stack[-1] if block_stack else None,
                        heading_stack[-1] if heading_stack else None,
                        depth["chrome"] > 0,
                        depth["caption"] > 0,
                        depth["main"] > 0,
                    )
                if depth["a"]:
                    counts[0] += len("".join(raw.split()))
                pending.append((pos, raw))
            elif pending:
                pending.append((None, raw))

        def open_element(el, tag):
            """Register an element; return the changes it makes to the context."""
            nonlocal pos
            pos += 1
            start[el] = pos
            attrib = el.attrib
            changes = []
            is_block = tag in BLOCK_TAGS
            if is_block or tag == "br":
                flush()
            if is_block:
                block_stack.append(el)
                changes.append("block")
            role = attrib.get("role", "").lower() if attrib else ""
            if tag in MAIN_TAGS or role == "main":
                depth["main"] += 1
                changes.append("main")
            if self._is_chrome(tag, role, attrib, depth["main"]):
                depth["chrome"] += 1
                changes.append("chrome")
            if tag in ("figcaption", "caption"):
                depth["caption"] += 1
                changes.append("caption")
            chrome, main = depth["chrome"] > 0, depth["main"] > 0
            if tag == "a":
                depth["a"] += 1
                changes.append("a")
                if attrib.get("href"):
                    self.links.append(Marker(pos, el, chrome, main))
            if tag in HEADING_TAGS:
                heading_stack.append(tag)
                changes.append("heading")
                self.headings.append(Marker(pos, el, chrome, main))
            elif tag == "time":
                self.times.append(Marker(pos, el, chrome, main))
            if tag in ICON_TAGS or (tag == "input" and attrib.get("type", "").lower() == "image"):
                self.icons.append(Marker(pos, el, chrome, main))
            elif tag in MAYBE_ICON_TAGS and _looks_like_icon(el):
                self.icons.append(Marker(pos, el, chrome, main))
            return changes

        def close_element(el, changes):
            for change in reversed(changes):
                if change == "block":
                    flush()
                    block_stack.pop()
                elif change == "heading":
                    heading_stack.pop()
                else:
                    depth[change] -= 1
            end[el] = pos

        root = self.root
        changes = open_element(root, _tag(root))
        emit(root.text)
        stack = [(root, iter(root), changes)]
        while stack:
            el, children, changes = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                close_element(el, changes)
                if stack:
                    emit(el.tail)
                continue
            tag = _tag(child)
            if tag is None:  # comment or processing instruction: only its tail is text
                emit(child.tail)
                continue
            if tag in SKIP_TAGS or tag == "svg" or tag in ("meta", "link", "base"):
                self._note_head_element(child, tag)
                child_changes = open_element(child, tag) if tag == "svg" else []
                if tag != "svg":
                    start[child] = pos
                close_element(child, child_changes)
                emit(child.tail)
                continue
            child_changes = open_element(child, tag)
            if tag == "br":
                close_element(child, child_changes)
                emit(child.tail)
                continue
            emit(child.text)
            stack.append((child, iter(child), child_changes))
        flush()

    @staticmethod
    def _is_chrome(tag, role, attrib, main_depth) -> bool:
        if tag in ("nav", "aside") or role in CHROME_ROLES:
            return True
        if tag in ("header", "footer"):
            return main_depth == 0  # an <article>'s own header holds its title and date
        if not attrib or tag in ("html", "body", "main", "article"):
            return False  # Drupal puts "sidebar-second" etc. on <body> to describe the layout
        tokens = set(attrib.get("class", "").lower().split())
        tokens.add(attrib.get("id", "").lower())
        hits = tokens & CHROME_TOKENS
        if not hits:
            return False
        return main_depth == 0 or not hits <= _HEADER_FOOTER_TOKENS

    def _note_head_element(self, el, tag) -> None:
        attrib = el.attrib
        if tag == "meta":
            key = (attrib.get("property") or attrib.get("name") or attrib.get("itemprop") or "").lower()
            if key and "content" in attrib and key not in self.meta:
                self.meta[key] = attrib["content"]
        elif tag == "title" and not self.title_text:
            self.title_text = normalize_whitespace(el.text_content())
        elif tag == "link":
            if "next" in attrib.get("rel", "").lower().split() and attrib.get("href"):
                self.rel_next.append(attrib["href"])
        elif tag == "base" and attrib.get("href") and self.base_href is None:
            self.base_href = attrib["href"]
        elif tag == "script" and "ld+json" in attrib.get("type", "").lower():
            self.jsonld.append(el.text or "")
        elif tag == "head":
            for child in el:
                child_tag = _tag(child)
                if child_tag in ("meta", "title", "link", "base", "script"):
                    self._note_head_element(child, child_tag)

    # ---- questions

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

    def text_of(self, el) -> str:
        """Visible text of an element, whitespace-normalised."""
        try:
            return normalize_whitespace("".join(el.itertext()))
        except Exception:  # noqa: BLE001
            return ""

    def contains(self, el, pos: int) -> bool:
        return el in self.start and self.start[el] <= pos <= self.end.get(el, -1)

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
    if "}" in tag:  # XHTML served as XML keeps its namespace
        tag = tag.rsplit("}", 1)[1]
    return tag.lower()


def _looks_like_icon(el) -> bool:
    attrib = el.attrib
    if not attrib:
        return False
    if not any(name in attrib for name in _ICON_ATTRS) and "url(" not in attrib.get("style", ""):
        return False
    if el.text and any(ch.isalnum() for ch in el.text):
        return False
    return not any(isinstance(child.tag, str) for child in el)
