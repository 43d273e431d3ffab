"""period_start and period_end: the week a weekly commentary covers.

Rule: the week line nearest the title, above it or between it and the body ("structure"):
``August 22 – August 28, 2016``, ``December 28, 2020 – January 3, 2021``, ``22 – 28 августа
2016``. Only a week printed with its year counts (the year-less weeks are other furniture).
The dated rendering shows a date and time instead: no rules.
"""

from __future__ import annotations

from ..periods import find_period, parse_period

_MAX_LINE = 150


def _week(line, alone: bool = True) -> tuple | None:
    """The week a short line shows with its year; ``alone``: only when it is most of the line
    (below the title a longer line is prose citing a week)."""
    text = line.text
    if len(text) > _MAX_LINE:
        return None
    found = find_period(text)
    if found is None or not found.has_year or (alone and (found.span[1] - found.span[0]) * 2 < len(text) - 2):
        return None
    return parse_period(text[found.span[0]: found.span[1]])


def _near_title(marks) -> tuple | None:
    for line in reversed(marks.head):  # above the title it may share the author's line
        week = _week(line, alone=False)
        if week:
            return week
    for line in marks.region_lines():
        if len(line.text) > 150 and line.link_density <= 0.5:
            break  # the body has begun
        if marks.is_article_line(line):
            week = _week(line)
            if week:
                return week
    return None


RULES = {
    "dated": (),
    "weekly": (
        ("structure", _near_title),  # the week line above the title (or just below it)
    ),
}
