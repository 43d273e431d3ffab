"""title: the page's main heading, found before the other landmarks that lean on it.

Rules, in order: the page's <h1> that is neither the site's name nor the category's name
("structure"); the heading or line just above the status label or sentence ("label"); og:title
and friends ("meta"); <title> minus the site name ("title-tag"). Each gives a ``Title``: the
text and, when the rule saw it in the page, where it stands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from .. import labels
from ..dates import is_date_text
from ..document import Document, Line
from ..periods import find_period
from ..text import match_label, normalize_whitespace
from ..urls import same_site

_TITLE_SEPARATORS = (" | ", " — ", " – ", " - ", " :: ")
_NOT_SLUG = re.compile(r"[^\w]+")


@dataclass(frozen=True)
class Title:
    text: str
    pos: int | None  # where it starts in the page, None when read from <head> only
    el: object = None  # the heading (or block) that holds it


def site_names(doc: Document) -> set[str]:
    """What the site calls itself: og:site_name and the shorter parts of <title>
    ("Title | Belarus in Focus"), case-folded."""
    names = {normalize_whitespace(doc.meta.get("og:site_name", "")).casefold()}
    text = doc.title_text
    for separator in _TITLE_SEPARATORS:
        if separator in text:
            parts = [normalize_whitespace(p).casefold() for p in text.split(separator)]
            longest = max(parts, key=len)
            names.update(p for p in parts if p != longest)
            break
    names.discard("")
    return names


def is_site_name(marks, el) -> bool:
    """A heading around a link to the home page (a logo), or reading the site's name."""
    doc = marks.doc
    if doc.text_of(el).casefold() in site_names(doc):
        return True
    for a in el.iter("a"):
        href = a.get("href")
        if href is None:
            continue
        target = urljoin(marks.base_url, href.strip())
        path = urlsplit(target).path.rstrip("/")
        if path in ("", "/ru", "/en", "/be", "/index.php") and same_site(target, marks.base_url):
            return True
    return False


def is_category_name(marks, text: str, el) -> bool:
    """The category's name shown above a weekly title ("The ruling elite"): its text is the
    URL's category slug in words, or the element is all one link to the category's listing."""
    doc = marks.doc
    if marks.category and _NOT_SLUG.sub("-", text.casefold()).strip("-") == marks.category:
        return True
    if el is None:
        return False
    links = [a for a in el.iter("a") if a.get("href")]
    if len(links) == 1 and doc.text_of(links[0]) == text:
        path = urlsplit(links[0].get("href").strip()).path
        return "/analytics/" in path or "/category/" in path
    return False


def _from_h1(marks) -> Title | None:
    doc = marks.doc
    candidates = []
    for marker in doc.headings:
        if marker.el.tag != "h1" or marker.chrome or is_site_name(marks, marker.el):
            continue
        text = doc.text_of(marker.el)
        if text and not is_category_name(marks, text, marker.el):
            candidates.append((marker, text))
    if not candidates:
        return None
    chosen = None
    if len(candidates) == 1:
        chosen = candidates[0]
    elif marks.anchor is not None:
        before = [c for c in candidates if c[0].pos < marks.anchor.line.start]
        chosen = before[-1] if before else None
    if chosen is None:
        in_main = [c for c in candidates if c[0].main]
        guide = (_from_meta(marks) or _from_title_tag(marks) or Title("", None)).text.casefold()
        matching = [c for c in candidates if c[1].casefold() == guide]
        chosen = (matching or in_main or [max(candidates, key=lambda c: len(c[1]))])[0]
    return Title(chosen[1], chosen[0].pos, chosen[0].el)


def _before_anchor(marks) -> Title | None:
    if marks.anchor is None:
        return None
    doc = marks.doc
    index = marks.anchor.line.index
    window = [line for line in doc.lines[max(0, index - 4): index] if _could_be_title(marks, line)]
    # a theme may put the title in the page <header>; the site name there links home
    headed = [line for line in window if line.heading and not is_site_name(marks, _heading_of(line))]
    plain = [line for line in window if line.link_density < 0.5 and not line.chrome]
    if headed:  # the whole heading, even when a <br> splits it into lines
        heading = _heading_of(headed[-1])
        return Title(doc.text_of(heading) or headed[-1].text, doc.start.get(heading, headed[-1].start), heading)
    if plain:
        line = plain[-1]
        return Title(line.text, line.start, line.block)
    return None


def _could_be_title(marks, line: Line) -> bool:
    text = line.text
    if len(text) < 4 or len(text) > 300:
        return False
    if match_label(text, labels.PHOTO_CREDIT + labels.CATEGORY_STATUS + labels.BLOCK_HEADINGS + labels.AUTHOR) is not None:
        return False
    if is_category_name(marks, text, line.block) or find_period(text) is not None:
        return False
    return not is_date_text(text)


def _heading_of(line: Line):
    """The heading element around a heading line."""
    node = line.block
    while node is not None and node.tag != line.heading:
        node = node.getparent()
    return node if node is not None else line.block


def _from_meta(marks) -> Title | None:
    meta = marks.doc.meta
    for key in ("og:title", "twitter:title", "headline", "dc.title", "title"):
        if meta.get(key):
            return Title(normalize_whitespace(meta[key]), None)
    return None


def _from_title_tag(marks) -> Title | None:
    text = marks.doc.title_text
    if not text:
        return None
    for separator in _TITLE_SEPARATORS:
        if separator in text:
            part = max(text.split(separator), key=len).strip()
            return Title(part, None) if part else None
    return Title(text, None)


def locate(doc: Document, text: str) -> Title:
    """A title known only from <meta>/<title>, placed at the first line (not in a link) that
    reads the same, so that "after the title" still means something."""
    wanted = text.casefold()
    for line in doc.lines:
        if line.text.casefold() == wanted and line.link_density <= 0.5:
            return Title(text, line.start, line.block)
    return Title(text, None)


RULES = (
    ("structure", _from_h1),  # the page's main <h1>, not the site's or the category's name
    ("label", _before_anchor),  # the heading/line just above the status label or sentence
    ("meta", _from_meta),  # og:title and friends
    ("title-tag", _from_title_tag),  # <title> minus " | site name"
)
