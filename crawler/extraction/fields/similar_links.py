"""similar_links: the other articles the page recommends, in page order.

Rules: the article links under the rendering's heading ("label": ``Similar articles`` /
``Похожие статьи`` on dated pages, ``Read more`` / ``Читать также`` / ``Чытайце таксама`` on
weekly ones); links inside a *similar*/*related* class ("css").
"""

from __future__ import annotations

from ...items import SimilarLink
from ..blocks import block_end
from ..dates import find_date
from ..document import Marker
from ..periods import find_period
from ..text import normalize_whitespace
from ..urls import canonicalize_url, is_article_url, same_site
from .body import is_read_more

_BLOCKISH = frozenset("h1 h2 h3 h4 h5 h6 p div li time".split())


def _headings(marks):
    """The similar block's heading lines, those after the title first."""
    doc = marks.doc
    start = doc.lines_from(marks.region[0])
    wanted = doc.label_lines(marks.rendering.similar_headings)
    return [line for line in doc.lines[start:] + doc.lines[:start] if line.index in wanted]


def _after_heading(marks) -> list[SimilarLink]:
    doc = marks.doc
    for heading in _headings(marks):
        end = block_end(doc, heading, marks.rendering.block_headings)
        found = _links(marks, doc.markers_between(doc.links, doc.link_pos, heading.end, end))
        if found:
            return found
    return []


def _from_css(marks) -> list[SimilarLink]:
    doc = marks.doc
    for el in doc.root.xpath(
        "//*[contains(@class, 'similar') or contains(@id, 'similar') or contains(@class, 'related')"
        " or contains(@id, 'related')]"
    ):
        lo, hi = doc.start.get(el), doc.end.get(el)
        if lo is None:
            continue
        found = _links(marks, doc.markers_between(doc.links, doc.link_pos, lo - 1, hi + 1))
        if found:
            return found
    return []


def _links(marks, markers: list[Marker]) -> list[SimilarLink]:
    found: dict[str, SimilarLink] = {}
    for marker in markers:
        url = _article_link(marks, marker.el)
        if url is None or url == marks.own_url:
            continue
        text = _link_title(marks.doc, marker)
        title = None if not text or is_read_more(text) else text
        if url in found:
            if found[url].title is None and title:
                found[url].title = title
            continue
        found[url] = SimilarLink(url=url, title=title, position=len(found) + 1)
    return list(found.values())


def _link_title(doc, marker: Marker) -> str:
    """A teaser link's title: its text, or the first line of a card-like link that wraps a
    heading, date and lead, without a date or week that ends it; an image-only link falls
    back to its title attribute."""
    el = marker.el
    text = ""
    if any(isinstance(child.tag, str) and child.tag in _BLOCKISH for child in el.iter()):
        first = doc.line_of_pos(marker.pos)
        if first is not None and first.start <= doc.end.get(el, -1):
            text = _without_trailing_date(first.text)
    text = text or doc.text_of(el)
    return text or normalize_whitespace(el.get("title"))


def _without_trailing_date(text: str) -> str:
    """"Title October 02, 2017 11:57" → "Title"; "Title August 15 – August 21, 2016" → "Title"."""
    week = find_period(text)
    span = week.span if week is not None else None
    if span is None:
        found = find_date(text)
        span = found[:2] if found else None
    if span and span[0] > 0 and span[1] >= len(text) - 1:
        return text[: span[0]].rstrip(" ,|·—–-")
    return text


def _article_link(marks, a) -> str | None:
    href = (a.get("href") or "").strip()
    if not href or href.startswith(("#", "mailto:", "javascript:", "tel:")):
        return None
    try:
        url = canonicalize_url(href, marks.base_url)
    except ValueError:
        return None
    if not same_site(url, marks.page_url) or not is_article_url(url):
        return None
    return url


_RULES = (
    ("label", _after_heading),  # links under the "Similar articles" / "Read more" heading
    ("css", _from_css),  # links inside a *similar*/*related* class
)
RULES = {"dated": _RULES, "weekly": _RULES}
