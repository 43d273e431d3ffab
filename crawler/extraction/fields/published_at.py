"""published_at: the dated rendering's date and time (site-local, Minsk).

Rules: the first <time> or date line after the title and before the body ("structure");
article:published_time, itemprop and JSON-LD datePublished ("meta"); an element with a *date*
class ("css"). The weekly rendering shows only the week it covers: it has no rules here, so no
time of day is invented.
"""

from __future__ import annotations

import json

from ..dates import find_date, parse_site_datetime

_MAX_DATE_LINE = 100  # characters; a longer line with a date in it is prose


def find_date_line(marks) -> tuple[int, object] | None:
    """(position, datetime) of the first date after the title and before the body: a <time>
    element before the body wins over a date line."""
    doc = marks.doc
    start, end = marks.region
    line_hit = None
    stop = end
    for line in marks.region_lines(start, end):
        if not marks.is_article_line(line):
            continue
        if len(line.text) <= _MAX_DATE_LINE:
            found = find_date(line.text)
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
        value = _time_value(doc, marker.el, marks.language)
        if value is not None:
            return marker.pos, value
    return line_hit


def _time_value(doc, el, language):
    attr = el.get("datetime") or el.get("content")
    text = doc.text_of(el)
    from_attr = parse_site_datetime(attr, language) if attr else None
    from_text = parse_site_datetime(text, language) if text else None
    if from_attr is not None and from_text is not None and ":" not in attr and from_text.date() == from_attr.date():
        return from_text  # the attribute has only the date, the visible text has the time too
    return from_attr or from_text


def _after_title(marks):
    return marks.date_line[1] if marks.date_line else None


def _from_meta(marks):
    doc = marks.doc
    language = marks.language
    for key in ("article:published_time", "datepublished", "dc.date", "dc.date.issued", "date", "pubdate"):
        if doc.meta.get(key):
            value = parse_site_datetime(doc.meta[key], language)
            if value:
                return value
    for el in doc.root.xpath("//*[@itemprop='datePublished']"):
        value = parse_site_datetime(el.get("content") or el.get("datetime") or doc.text_of(el), language)
        if value:
            return value
    for raw in doc.jsonld:
        value = _jsonld_date(raw)
        if value:
            return parse_site_datetime(value, language)
    return None


def _from_css(marks):
    doc = marks.doc
    for el in doc.root.xpath("//*[contains(@class, 'date') or contains(@class, 'submitted') or contains(@class, 'Date')]"):
        if not marks.css_candidate(el):  # never a teaser's or the sidebar's date
            continue
        value = parse_site_datetime(doc.text_of(el)[:_MAX_DATE_LINE], marks.language)
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


RULES = {
    "dated": (
        ("structure", _after_title),  # first <time>/date line after the title, before the body
        ("meta", _from_meta),  # article:published_time, JSON-LD datePublished
        ("css", _from_css),  # an element with a *date* class
    ),
    "weekly": (),
}
