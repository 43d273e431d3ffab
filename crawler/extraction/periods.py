"""The week a commentary covers, as the weekly rendering prints it: pure parsing, no clock.

Forms (any dash: hyphen, en or em dash, with or without spaces):

- ``August 22 – August 28, 2016``, ``August 22 – 28, 2016``;
- across a year end ``December 28, 2020 – January 3, 2021``;
- Russian and Belarusian ``22 – 28 августа 2016``, ``29 августа – 4 сентября 2016``,
  ``28 снежня 2020 – 3 студзеня 2021``;
- listing teasers without the year: ``October 21 – October 27``, ``21 – 27 октября``.

``find_period`` returns what is printed (a year may be missing); ``parse_period`` gives dates
when the year is printed; ``resolve_period`` places a year-less week next to a known date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

# Month names in every case the site may print them (genitive after a day, nominative alone).
_MONTH_NAMES = {
    1: "january jan января январь янв студзеня студзень",
    2: "february feb февраля февраль фев лютага люты",
    3: "march mar марта март сакавіка сакавік",
    4: "april apr апреля апрель апр красавіка красавік",
    5: "may мая май траўня травень",
    6: "june jun июня июнь чэрвеня чэрвень",
    7: "july jul июля июль ліпеня ліпень",
    8: "august aug августа август авг жніўня жнівень",
    9: "september sept sep сентября сентябрь сен верасня верасень",
    10: "october oct октября октябрь окт кастрычніка кастрычнік",
    11: "november nov ноября ноябрь ноя лістапада лістапад",
    12: "december dec декабря декабрь дек снежня снежань",
}
MONTHS = {name: number for number, names in _MONTH_NAMES.items() for name in names.split()}
# Apostrophe variants in Belarusian words (траўня is also written with ў, never with ').
_MONTH = "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True))

_DASH = r"\s*[-‐‑‒–—―]\s*"
_DAY = r"(?<!\d)\d{1,2}(?!\d)"
_YEAR = r"(?<!\d)(?:19|20)\d{2}(?!\d)"


def _side(n: int) -> str:
    """One end of the week: ``Month D[, YYYY]``, ``D Month[ YYYY]`` or a bare ``D[, YYYY]``."""
    return (
        rf"(?:(?P<m{n}a>{_MONTH})\.?\s+(?P<d{n}a>{_DAY})(?:,?\s+(?P<y{n}a>{_YEAR}))?"
        rf"|(?P<d{n}b>{_DAY})\s+(?P<m{n}b>{_MONTH})\.?(?:,?\s+(?P<y{n}b>{_YEAR}))?"
        rf"|(?P<d{n}c>{_DAY})(?:,?\s+(?P<y{n}c>{_YEAR}))?)"
    )


# Not followed by ":" or ".digit": "October 5, 2017 - 09:30" is a date and a time, not a week.
_PERIOD = re.compile(rf"(?<!\w){_side(1)}{_DASH}{_side(2)}(?![\w:]|\.\d)", re.IGNORECASE)
_LONGEST_WEEK = 14  # days; a longer range is not a week the site covers


@dataclass(frozen=True)
class PeriodMatch:
    """A week as printed; a year the text does not show is None."""

    start_day: int
    start_month: int
    start_year: int | None
    end_day: int
    end_month: int
    end_year: int | None
    span: tuple[int, int]  # where it stands in the text

    @property
    def has_year(self) -> bool:
        return self.end_year is not None or self.start_year is not None

    def dates(self, end_year: int) -> tuple[date, date] | None:
        """The week with its end in ``end_year`` (its start the year before across a year end)."""
        start_year = end_year - 1 if self.start_month > self.end_month else end_year
        try:
            start = date(start_year, self.start_month, self.start_day)
            end = date(end_year, self.end_month, self.end_day)
        except ValueError:
            return None
        return (start, end) if timedelta(0) <= end - start <= timedelta(days=_LONGEST_WEEK) else None


def _group(match: re.Match, name: str) -> str | None:
    for variant in "abc":
        value = match.group(name + variant) if name + variant in match.re.groupindex else None
        if value:
            return value
    return None


def _from_match(match: re.Match) -> PeriodMatch | None:
    m1, m2 = _group(match, "m1"), _group(match, "m2")
    if not m1 and not m2:
        return None  # two bare numbers: "22 – 28" is no week
    d1, d2 = int(_group(match, "d1")), int(_group(match, "d2"))
    end_month = MONTHS[m2.casefold()] if m2 else MONTHS[m1.casefold()]
    if m1:
        start_month = MONTHS[m1.casefold()]
    else:  # "29 – 4 сентября": the start's month is the one before the end's
        start_month = end_month if d1 <= d2 else (end_month - 2) % 12 + 1
    y1, y2 = _group(match, "y1"), _group(match, "y2")
    if y1 and not m1 and not y2:
        return None  # "5, 2016 – 8 May": not a form the site prints
    found = PeriodMatch(d1, start_month, int(y1) if y1 else None, d2, end_month, int(y2) if y2 else None, match.span())
    if not (1 <= d1 <= 31 and 1 <= d2 <= 31):
        return None
    if found.has_year and _dates_of(found) is None:
        return None
    if not found.has_year and found.dates(2000) is None and found.dates(2001) is None:
        return None
    return found


def _dates_of(found: PeriodMatch) -> tuple[date, date] | None:
    if found.end_year is not None:
        result = found.dates(found.end_year)
        if result and found.start_year is not None and result[0].year != found.start_year:
            return None
        return result
    # only the start's year printed ("December 28, 2020 – January 3")
    return found.dates(found.start_year + (1 if found.start_month > found.end_month else 0))


def find_period(text: str | None, language: str | None = None) -> PeriodMatch | None:
    """The first week printed in ``text``. ``language`` is accepted for symmetry with the date
    parser; month names of the three languages do not collide, so it is not needed."""
    if not text:
        return None
    for match in _PERIOD.finditer(text):
        found = _from_match(match)
        if found is not None:
            return found
    return None


def parse_period(text: str | None, language: str | None = None) -> tuple[date, date] | None:
    """(first day, last day) of the week printed in ``text``, when it shows its year."""
    found = find_period(text, language)
    if found is None or not found.has_year:
        return None
    return _dates_of(found)


def resolve_period(found: PeriodMatch, near: date) -> tuple[date, date] | None:
    """A week printed without its year, placed in the year that puts its end closest to
    ``near`` (a known date beside it: the page's own week, a neighbouring teaser's)."""
    if found.has_year:
        return _dates_of(found)
    candidates = [found.dates(year) for year in (near.year - 1, near.year, near.year + 1)]
    candidates = [c for c in candidates if c is not None]
    if not candidates:
        return None
    return min(candidates, key=lambda c: abs((c[1] - near).days))
