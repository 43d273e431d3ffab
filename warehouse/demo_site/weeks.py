"""Calendar words of the site: month names and the week a weekly commentary covers.

The weekly rendering prints a Monday–Sunday week instead of a date and time:
`August 22 – August 28, 2016`, `December 26, 2016 – January 1, 2017`, `22 – 28 августа 2016`,
`29 жніўня – 4 верасня 2016`; listings print it without the year (`October 21 – October 27`).
"""

from __future__ import annotations

from datetime import date, timedelta

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")
MONTHS_RU = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
             "октября", "ноября", "декабря")
MONTHS_BE = ("студзеня", "лютага", "сакавіка", "красавіка", "мая", "чэрвеня", "ліпеня", "жніўня",
             "верасня", "кастрычніка", "лістапада", "снежня")
GENITIVE_MONTHS = {"ru": MONTHS_RU, "be": MONTHS_BE}
DASH = "\u2013"  # the en dash the site puts between the two days, with a space either side


def week_of(day: date) -> tuple[date, date]:
    """The Monday and the Sunday of the week holding `day`."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def format_week(start: date, end: date, language: str, with_year: bool = True) -> str:
    """The week as the weekly rendering prints it in `language` ("en", "ru" or "be")."""
    if language == "en":
        left, right = f"{MONTHS_EN[start.month - 1]} {start.day}", f"{MONTHS_EN[end.month - 1]} {end.day}"
        if with_year and start.year != end.year:
            return f"{left}, {start.year} {DASH} {right}, {end.year}"
        return f"{left} {DASH} {right}" + (f", {end.year}" if with_year else "")
    months = GENITIVE_MONTHS[language]
    right = f"{end.day} {months[end.month - 1]}"
    if with_year and start.year != end.year:
        return f"{start.day} {months[start.month - 1]} {start.year} {DASH} {right} {end.year}"
    left = f"{start.day}" if start.month == end.month else f"{start.day} {months[start.month - 1]}"
    return f"{left} {DASH} {right}" + (f" {end.year}" if with_year else "")
