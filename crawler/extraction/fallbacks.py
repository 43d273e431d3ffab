"""The libraries made for other sites' pages, behind our own rules: htmldate for a publication
day our rules did not find, trafilatura for a body our reading order did not trust.

Both are imported on first use (trafilatura's import alone costs about half a second) and are
only asked about another site's page; this site's pages never reach them. They get the page as
we parsed it (serialised once), so the decoding is ours on both sides.
"""

from __future__ import annotations

import weakref
from datetime import datetime

from lxml import etree

from .dates import UNZONED

_EMPTY_PAGE = "<html><head></head><body></body></html>"
_SERIALISED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # Document -> its HTML


def page_html(doc) -> str:
    """The parsed page as HTML text, serialised once per document (both fallbacks may ask)."""
    html = _SERIALISED.get(doc)
    if html is None:
        try:
            html = etree.tostring(doc.root, method="html", encoding="unicode")
        except (etree.LxmlError, ValueError):
            html = ""
        _SERIALISED[doc] = html
    return html


def htmldate_day(doc, url: str | None) -> datetime | None:
    """htmldate's publication day (the original date, not the last update) at midnight, zone not
    stated: its fast search first, its extensive one only when that finds nothing (as right on
    the htmldate set as extensive alone, and cheaper)."""
    import htmldate

    html = page_html(doc)
    found = None
    for extensive in (False, True):
        if found or not html:
            break
        found = htmldate.find_date(html, url=url or None, original_date=True, extensive_search=extensive)
    return _day(found)


def address_day(url: str | None) -> datetime | None:
    """A full date in the page's address (/2020/01/05/), as htmldate reads addresses: asked with
    an empty page, it answers from the address alone, without the page being parsed again."""
    if not url:
        return None
    import htmldate

    return _day(htmldate.find_date(_EMPTY_PAGE, url=url, original_date=True))


def _day(found: str | None) -> datetime | None:
    if not found:
        return None
    try:
        return datetime.strptime(found[:10], "%Y-%m-%d").replace(tzinfo=UNZONED)
    except ValueError:
        return None


def trafilatura_body(doc, url: str | None) -> str | None:
    """trafilatura's main text (its fast mode: no second extractor), paragraphs split by a blank
    line as our bodies are."""
    import trafilatura

    html = page_html(doc)
    if not html:
        return None
    text = trafilatura.extract(html, url=url or None, fast=True, include_comments=False, include_tables=True, deduplicate=False)
    if not text:
        return None
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip()) or None
