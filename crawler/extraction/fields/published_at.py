"""published_at: the dated rendering's date and time (site-local, Minsk).

This site's pages (``foreign.is_site_page``): the first <time> or date line after the title
and before the body ("structure"); article:published_time, itemprop and JSON-LD datePublished
("meta"); an element with a *date* class ("css"). The weekly rendering shows only the week it
covers: no rules, so no time of day is invented.

Another site's page: the date under its title (not in it: a title may name an event's day;
none when the page shows no title), read in the page's locale and zone, the visible day over a
<time> attribute that says another ("other:structure"); a full date in its address ("htmldate:address", htmldate's reading of
URLs); its metadata, with the zone it states ("other:meta"); htmldate over the whole page
("htmldate": the day only, midnight, zone not stated); *date* classes. Where a date stands
decides, not which comes first in the page: the title's date line beats the metadata (often
the modified date) and a teaser's. On the htmldate set this order is as right as
structure-then-htmldate and asks htmldate about the page on 160 pages of 800, not 420.
htmldate's fast mode first, its extensive search only when that finds nothing.
"""

from __future__ import annotations

import json

from .. import fallbacks
from ..dates import SITE_READING, Reading, find_date, parse_site_datetime, read_datetime
from ..foreign import is_site_page, reading_for


def _parser(language, reading: Reading):
    """This site's parser (with its dateparser fallback), or another site's reading."""
    if reading is SITE_READING:
        return lambda text: parse_site_datetime(text, language)
    return lambda text: read_datetime(text, reading)

_MAX_DATE_LINE = 100  # characters; a longer line with a date in it is prose


def find_date_line(marks, reading: Reading | None = None) -> tuple[int, object] | None:
    """(position, datetime) of the first date after the title and before the body: a <time>
    element before the body wins over a date line. Read as this site prints dates on its own
    pages, in the page's locale and zone on another site's."""
    if reading is None:
        reading = SITE_READING if is_site_page(marks) else reading_for(marks)
    doc = marks.doc
    start, end = marks.region
    line_hit = None
    stop = end
    elsewhere = reading is not SITE_READING
    for line in marks.region_lines(start, end):
        if not marks.is_article_line(line):
            continue
        if elsewhere and line.start <= start:  # another site's title may name an event's date
            continue
        if len(line.text) <= _MAX_DATE_LINE:
            found = find_date(line.text, reading)
            if found:
                line_hit = (line.start, found[2])
                stop = line.start
                break
        elif not line.link_density > 0.5 and len(line.text) > 200:
            stop = line.start  # the body has begun: a later date is in the prose
            break
    for marker in doc.markers_between(doc.times, doc.time_pos, start - 1, stop):
        if (marker.chrome and not marks.title_in_chrome) or marks.in_teaser_block(marker.pos):
            continue
        value = _time_value(doc, marker.el, marks.language, reading)
        if value is not None:
            return marker.pos, value
    return line_hit


def _time_value(doc, el, language, reading: Reading = SITE_READING):
    attr = el.get("datetime") or el.get("content")
    text = doc.text_of(el)
    parse = _parser(language, reading)
    from_attr = parse(attr) if attr else None
    from_text = parse(text) if text else None
    if from_attr is not None and from_text is not None:
        if ":" not in attr and from_text.date() == from_attr.date():
            return from_text  # the attribute has only the date, the visible text has the time too
        if reading is not SITE_READING and from_text.date() != from_attr.date():
            return from_text  # another site's reader sees this day ("Publié le 29 juin 2019")
    return from_attr or from_text


def _after_title(marks):
    return marks.date_line[1] if marks.date_line else None


def _from_meta(marks, reading: Reading = SITE_READING):
    doc = marks.doc
    parse = _parser(marks.language, reading)
    for key in ("article:published_time", "datepublished", "dc.date", "dc.date.issued", "date", "pubdate"):
        if doc.meta.get(key):
            value = parse(doc.meta[key])
            if value:
                return value
    for el in doc.root.xpath("//*[@itemprop='datePublished']"):
        value = parse(el.get("content") or el.get("datetime") or doc.text_of(el))
        if value:
            return value
    for raw in doc.jsonld:
        value = _jsonld_date(raw)
        if value:
            return parse(value)
    return None


def _from_css(marks, reading: Reading = SITE_READING):
    doc = marks.doc
    parse = _parser(marks.language, reading)
    for el in doc.root.xpath("//*[contains(@class, 'date') or contains(@class, 'submitted') or contains(@class, 'Date')]"):
        if not marks.css_candidate(el):  # never a teaser's or the sidebar's date
            continue
        value = parse(doc.text_of(el)[:_MAX_DATE_LINE])
        if value:
            return value
    return None


def _jsonld_date(raw: str) -> str | None:
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("datePublished"), str):
                return node["datePublished"]
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return None


# ---- another site's page: the same places, read in its locale and zone, then htmldate


def _on_site(rule):
    return lambda marks: rule(marks) if is_site_page(marks) else None


def _elsewhere(rule):
    return lambda marks: None if is_site_page(marks) else rule(marks, reading_for(marks))


def _other_after_title(marks, reading):
    if marks.title is None or marks.title.pos is None:
        return None  # no title shown on the page: a first date is not "under the title"
    return marks.date_line[1] if marks.date_line else None  # found in the page's reading


def _in_address(marks, reading):
    return fallbacks.address_day(marks.page_url)


def _htmldate(marks, reading):
    return fallbacks.htmldate_day(marks.doc, marks.page_url)


_OTHER_SITE = (
    ("other:structure", _elsewhere(_other_after_title)),  # a date line or <time> under the title
    ("htmldate:address", _elsewhere(_in_address)),  # a full date in the page's address
    ("other:meta", _elsewhere(_from_meta)),  # published_time, datePublished, with their zone
    ("htmldate", _elsewhere(_htmldate)),  # htmldate over the page: the day only
    ("other:css", _elsewhere(_from_css)),
)

RULES = {
    "dated": (
        ("structure", _on_site(_after_title)),  # first <time>/date line after the title, before the body
        ("meta", _on_site(_from_meta)),  # article:published_time, JSON-LD datePublished
        ("css", _on_site(_from_css)),  # an element with a *date* class
    )
    + _OTHER_SITE,
    # The site's weekly rendering shows only the week it covers: no rules, so no time of day
    # is invented; another site's page taken for it keeps the generic ones.
    "weekly": _OTHER_SITE,
}
