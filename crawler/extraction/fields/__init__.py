"""The fields of an article page: one module per field or concern, each a table of named rules
per rendering (``RULES[rendering name]``), pure functions of the page's landmarks.

``FACETS`` says which rule table fills which item fields: a facet may fill two fields at once
(the week's start and end, the status and the words it was read from), so the two never come
from different rules.
"""

from __future__ import annotations

from . import authors, body, period, photo_credit, published_at, similar_links, status

RULES = {
    "published_at": published_at.RULES,
    "period": period.RULES,
    "authors": authors.RULES,
    "status": status.RULES,
    "photo_credit": photo_credit.RULES,
    "body": body.RULES,
    "similar_links": similar_links.RULES,
}


def _whole(value):
    return value


def _first(value):
    return value[0] if value else None


def _second(value):
    return value[1] if value else None


def _status_word(hit):
    return hit.word if hit else None


def _status_text(hit):
    return hit.text if hit else None


# item field -> (facet, the field's value from the facet's value); "title" is a landmark.
FACETS = {
    "published_at": ("published_at", _whole),
    "period_start": ("period", _first),
    "period_end": ("period", _second),
    "authors": ("authors", _whole),
    "category_status": ("status", _status_word),
    "category_status_text": ("status", _status_text),
    "photo_credit": ("photo_credit", _whole),
    "body": ("body", _whole),
    "similar_links": ("similar_links", _whole),
}
