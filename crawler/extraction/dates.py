"""Site-local dates: "September 18, 2017 10:50", "18 сентября 2017 10:50",
"18 верасня 2017 10:50", ISO, "18.09.2017".

The formats the site prints go through compiled regexes (microseconds); anything else falls back
to dateparser (milliseconds, and a slow import, hence imported lazily). Both return tz-aware
datetimes in Europe/Minsk and must agree on the site's formats (tests/test_extraction_helpers.py).
Nothing here reads the clock: partial and relative dates ("September 18", "2 hours ago") are
rejected rather than completed with today's date.

Other sites' pages are read with a ``Reading``: the page's locale decides day/month order of
numeric dates ("06/01/2026" is 6 January on a French page), a stated offset is kept as the page
gave it (its calendar day stays the page's), and a time printed without a zone is not given
Minsk's: it gets ``UNZONED`` (UTC, named "no zone stated"), so the value says it is a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

SITE_TZ = ZoneInfo("Europe/Minsk")
# The zone of a time another site printed without one: the wall time as shown, marked as such.
UNZONED = timezone(timedelta(0), "no zone stated")


@dataclass(frozen=True)
class Reading:
    """How a page's dates are read: numeric day/month order, the zone of a time shown without
    one, and whether a stated offset is converted to that zone (this site) or kept (others)."""

    day_first: bool = False
    zone: tzinfo = SITE_TZ
    convert: bool = True


SITE_READING = Reading()  # the site prints month first (Drupal's short format) in Minsk time

_EN_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
# Genitive ("18 сентября") is what the site prints; nominative and short forms cost nothing.
_RU_MONTHS = {
    "января": 1, "январь": 1, "янв": 1, "февраля": 2, "февраль": 2, "фев": 2, "февр": 2,
    "марта": 3, "март": 3, "мар": 3, "апреля": 4, "апрель": 4, "апр": 4, "мая": 5, "май": 5,
    "июня": 6, "июнь": 6, "июн": 6, "июля": 7, "июль": 7, "июл": 7, "августа": 8, "август": 8,
    "авг": 8, "сентября": 9, "сентябрь": 9, "сен": 9, "сент": 9, "октября": 10, "октябрь": 10,
    "окт": 10, "ноября": 11, "ноябрь": 11, "ноя": 11, "нояб": 11, "декабря": 12, "декабрь": 12,
    "дек": 12,
}
_BE_MONTHS = {
    "студзеня": 1, "студзень": 1, "лютага": 2, "люты": 2, "сакавіка": 3, "сакавік": 3,
    "красавіка": 4, "красавік": 4, "траўня": 5, "травень": 5, "чэрвеня": 6, "чэрвень": 6,
    "ліпеня": 7, "ліпень": 7, "жніўня": 8, "жнівень": 8, "верасня": 9, "верасень": 9,
    "кастрычніка": 10, "кастрычнік": 10, "лістапада": 11, "лістапад": 11, "снежня": 12,
    "снежань": 12,
}
_MONTHS = {**_EN_MONTHS, **_RU_MONTHS, **_BE_MONTHS}

# Optional time after the date: "… 2017 10:50", "…, 10:50", "… - 10:50", "… at 10:50",
# "… г. в 10:50", "10:50 pm". Drupal prints a glued "201710:50" when a theme drops the space;
# a date glued to the next one ("16:4110 снежня") keeps its time.
_TIME = (
    r"(?:\s*(?:г(?:ода?)?\.?)?\s*(?:[,|\-–—]|at|в)?\s*"
    r"(?P<H>[01]?\d|2[0-3]):(?P<M>[0-5]\d)(?::(?P<S>[0-5]\d))?"
    r"(?:\s*(?P<ap>[ap])\.?\s?m\b\.?)?(?:(?!\d)|(?=\d{1,2}\s+[^\W\d_])))?"
)
_FLAGS = re.IGNORECASE | re.UNICODE
_ISO = re.compile(
    r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"
    r"(?:[T ](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?(?P<tz>Z|[+-]\d{2}:?\d{2})?)?(?!\d)",
    _FLAGS,
)
_MONTH_DAY_YEAR = re.compile(
    r"(?<!\w)(?P<mon>[a-zа-яёіў]{3,11})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})(?!\d)" + _TIME,
    _FLAGS,
)
_DAY_MONTH_YEAR = re.compile(
    r"(?<!\w)(?P<d>\d{1,2})\s+(?P<mon>[a-zа-яёіў]{3,11})\.?,?\s+(?P<y>\d{4})(?!\d)" + _TIME,
    _FLAGS,
)
# "18.09.2017" and the short "18.09.17" (20xx).
_DOTTED = re.compile(r"(?<![\d.])(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4}|\d{2})(?![\d.])" + _TIME, _FLAGS)
_YEAR_FIRST = re.compile(r"(?<![\d/])(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})(?![\d/])" + _TIME, _FLAGS)
# Drupal's default short format is month first: "09/18/2017 - 10:50".
_SLASHED = re.compile(r"(?<![\d/])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4})(?!\d)" + _TIME, _FLAGS)
_DIGIT = re.compile(r"\d")
_PATTERNS = (_ISO, _MONTH_DAY_YEAR, _DAY_MONTH_YEAR, _DOTTED, _SLASHED, _YEAR_FIRST)

DATEPARSER_SETTINGS = {
    "TIMEZONE": "Europe/Minsk",
    "TO_TIMEZONE": "Europe/Minsk",
    "RETURN_AS_TIMEZONE_AWARE": True,
    "PREFER_DAY_OF_MONTH": "first",
    # Complete absolute dates only: completing "September 18" would read the clock.
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PARSERS": ["timestamp", "absolute-time"],
}
_FALLBACK_MAX_LEN = 120


def _build(match: re.Match, reading: Reading = SITE_READING) -> datetime | None:
    groups = match.groupdict()
    if "mon" in groups:
        month = _MONTHS.get(groups["mon"].casefold())
        if month is None:
            return None
    elif "a" in groups:  # the page's order, unless the first number cannot be what it says
        first, second = int(groups["a"]), int(groups["b"])
        day_first = first > 12 if not reading.day_first else second <= 12
        month, groups["d"] = (second, str(first)) if day_first else (first, str(second))
    else:
        month = int(groups["m"])
    hour = int(groups.get("H") or 0)
    minute = int(groups.get("M") or 0)
    second = int(groups.get("S") or 0)
    ampm = (groups.get("ap") or "").lower()
    if ampm and 1 <= hour <= 12:
        hour = hour % 12 + (12 if ampm == "p" else 0)
    year = int(groups["y"])
    if len(groups["y"]) == 2:
        year += 2000
    if not 1900 <= year <= 2100:
        return None
    try:
        tz = groups.get("tz")
        if tz:
            offset = timezone.utc if tz.upper() == "Z" else _offset(tz)
            value = datetime(year, month, int(groups["d"]), hour, minute, second, tzinfo=offset)
            return value.astimezone(reading.zone) if reading.convert else value
        return datetime(year, month, int(groups["d"]), hour, minute, second, tzinfo=reading.zone)
    except ValueError:  # 31 February and the like
        return None


def _offset(text: str) -> timezone:
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0)))


def _fast(text: str, reading: Reading = SITE_READING) -> tuple[int, int, datetime] | None:
    """(start, end, value) of the earliest date in the text that the site's formats describe."""
    best = None
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if best is not None and match.start() >= best[0]:
                break
            value = _build(match, reading)
            if value is not None:
                best = (match.start(), match.end(), value)
                break
    return best


def find_date(text: str | None, reading: Reading = SITE_READING) -> tuple[int, int, datetime] | None:
    """(start, end, value) of the first site-format date inside a longer text, else None."""
    if not text or _DIGIT.search(text) is None:
        return None
    try:
        return _fast(text, reading)
    except Exception:  # noqa: BLE001 - never raise on page text
        return None


def is_date_text(text: str, max_length: int = 100) -> bool:
    """A short text that is mostly a date (a meta line, not a sentence that cites one)."""
    if len(text) > max_length:
        return False
    found = find_date(text)
    return bool(found) and (found[1] - found[0]) * 2 >= len(text) - 2


def find_date_text(text: str | None) -> str | None:
    """The first date-looking substring of a longer text ("Posted September 18, 2017 10:50 by")."""
    found = find_date(text)
    return text[found[0]:found[1]].strip() if found else None


def parse_with_dateparser(text: str, language: str | None = None) -> datetime | None:
    """dateparser with the site's settings; the fallback, and the reference the tests compare to."""
    import dateparser  # slow import (~0.1 s plus locale loading), paid only when needed

    languages = {"ru": ["ru", "en"], "be": ["be", "ru", "en"]}.get(language, ["en", "ru"])
    value = dateparser.parse(text, languages=languages, settings=DATEPARSER_SETTINGS)
    if value is None or value.tzinfo is None:
        return None
    return value.astimezone(SITE_TZ)


_FULL_YEAR = re.compile(r"(?<!\d)(?:1[89]|2\d)\d\d(?!\d)")


def parse_site_datetime(text: str | None, language: str | None = None) -> datetime | None:
    """A tz-aware Europe/Minsk datetime from a date text, or None. Never raises."""
    if not text:
        return None
    try:
        text = " ".join(str(text).split())
        found = _fast(text)
        if found:
            return found[2]
        # The site prints every year in full: without one (a cut "January 28, 20") dateparser
        # would invent the year.
        if len(text) > _FALLBACK_MAX_LEN or _FULL_YEAR.search(text) is None:
            return None
        return parse_with_dateparser(text, language)
    except Exception:  # noqa: BLE001 - a date we cannot read is a missing date, not a crash
        return None


def read_datetime(text: str | None, reading: Reading) -> datetime | None:
    """Another site's date text read by the page's ``reading``, without the dateparser fallback
    (its guesses are the site's settings); None when no complete date is in it. Never raises."""
    if not text:
        return None
    try:
        found = _fast(" ".join(str(text).split())[:_FALLBACK_MAX_LEN], reading)
    except Exception:  # noqa: BLE001
        return None
    return found[2] if found else None
