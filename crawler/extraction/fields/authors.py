"""authors: the names on the weekly rendering's author line ("by Anna Maria Dyner").

Rule: the line starting with ``by`` (or ``Автор:``/``Аўтар:``) just before the title ("label");
a name may be a link, several names are split at commas and "and"; "by" alone gives no names
(an empty list, never the word "by"). The dated rendering shows no author: no rules.
"""

from __future__ import annotations

import re

from .. import labels
from ..dates import find_date
from ..periods import find_period
from .title import is_category_name

_MAX_LINE = 150
_MAX_NAME_WORDS = 6
_LINE = re.compile(
    r"^(?:" + "|".join(re.escape(label) for label in sorted(labels.AUTHOR, key=len, reverse=True)) + r")"
    r"(?:\s*[:：]\s*|\s+|$)(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_SEPARATORS = re.compile("|".join(re.escape(s) for s in labels.AUTHOR_SEPARATORS), re.IGNORECASE)


def _names(text: str) -> list[str]:
    """Names of one author line's rest; a week or date printed on the same line is left out."""
    for found in (find_period(text), find_date(text)):
        if found is not None:
            start = found.span[0] if hasattr(found, "span") else found[0]
            text = text[:start]
    names = []
    for part in _SEPARATORS.split(text):
        name = part.strip(" \t.,;:|·—–-")
        if name and name.casefold() not in ("by", "and") and len(name.split()) <= _MAX_NAME_WORDS:
            if name not in names:
                names.append(name)
    return names


def _by_line(marks) -> list[str] | None:
    head = marks.head
    for position, line in enumerate(head):
        if len(line.text) > _MAX_LINE:
            continue
        match = _LINE.match(line.text)
        if match is None:
            continue
        rest = match.group("rest")
        if not rest and position + 1 < len(head):
            # "by" in its own element, the name a link in the next one (never the week nor
            # the category's name)
            following = head[position + 1]
            if (
                following.link_density > 0.5
                and find_period(following.text) is None
                and find_date(following.text) is None
                and not is_category_name(marks, following.text, following.block)
            ):
                rest = following.text
        return _names(rest)
    return None


RULES = {
    "dated": (),
    "weekly": (
        ("label", _by_line),  # "by <name>" above the week and the title
    ),
}
