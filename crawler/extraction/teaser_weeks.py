"""Years for the weeks a listing prints without them ("October 21 – October 27").

A listing is newest first, so each teaser's week ends no later than the one above it. Teasers
that print their year are anchors; the others take the year that keeps that order next to the
nearest anchor (a week across a year end, "December 28 – January 3", ends in the later year).
With no anchor on the page, a date the caller knows (the page's own week, the crawl's day for a
first page) anchors the newest teaser.
"""

from __future__ import annotations

from datetime import date, timedelta

from .periods import PeriodMatch, resolve_period

Week = tuple[date, date]
# Two teasers may cover the same week (one per category on /analytics/).
_SLACK = timedelta(days=7)


def resolve_weeks(found: list[PeriodMatch | None], near: date | None = None) -> list[Week | None]:
    """The dates of each teaser's week, in page order; None where none is printed or no year fits."""
    weeks: list[Week | None] = [resolve_period(f, date.min) if f is not None and f.has_year else None for f in found]
    if near is not None and not any(weeks):
        newest = next((i for i, f in enumerate(found) if f is not None), None)
        if newest is not None:
            weeks[newest] = resolve_period(found[newest], near)
    # Downwards: older than the teaser above.
    above: Week | None = None
    for i, f in enumerate(found):
        if weeks[i] is None and f is not None and above is not None:
            weeks[i] = _placed(f, above[1], older=True)
        above = weeks[i] or above
    # Upwards: newer than the teaser below (teasers above the first anchor).
    below: Week | None = None
    for i in range(len(found) - 1, -1, -1):
        if weeks[i] is None and found[i] is not None and below is not None:
            weeks[i] = _placed(found[i], below[1], older=False)
        below = weeks[i] or below
    return weeks


def _placed(found: PeriodMatch, neighbour_end: date, older: bool) -> Week | None:
    candidates = [found.dates(year) for year in range(neighbour_end.year - 1, neighbour_end.year + 2)]
    if older:
        fitting = [c for c in candidates if c is not None and c[1] <= neighbour_end + _SLACK]
        return max(fitting, key=lambda c: c[1], default=None)
    fitting = [c for c in candidates if c is not None and c[1] >= neighbour_end - _SLACK]
    return min(fitting, key=lambda c: c[1], default=None)
