"""The week a commentary covers: every printed form CONTRACT names, and what is not a week."""

from datetime import date

import pytest

from crawler.extraction.periods import find_period, parse_period, resolve_period


@pytest.mark.parametrize(
    "text, expected",
    [
        ("August 22 – August 28, 2016", (date(2016, 8, 22), date(2016, 8, 28))),
        ("August 22 – 28, 2016", (date(2016, 8, 22), date(2016, 8, 28))),
        ("December 28, 2020 – January 3, 2021", (date(2020, 12, 28), date(2021, 1, 3))),
        ("December 28 – January 3, 2021", (date(2020, 12, 28), date(2021, 1, 3))),
        ("22 – 28 августа 2016", (date(2016, 8, 22), date(2016, 8, 28))),
        ("22 – 28 жніўня 2016", (date(2016, 8, 22), date(2016, 8, 28))),
        ("29 августа – 4 сентября 2016", (date(2016, 8, 29), date(2016, 9, 4))),
        ("29 – 4 сентября 2016", (date(2016, 8, 29), date(2016, 9, 4))),
        ("28 снежня 2020 – 3 студзеня 2021", (date(2020, 12, 28), date(2021, 1, 3))),
        ("28 декабря 2020 — 3 января 2021", (date(2020, 12, 28), date(2021, 1, 3))),
        ("June 12-June 18, 2023", (date(2023, 6, 12), date(2023, 6, 18))),
        ("by Editor  September 13 – September 19, 2021  The ruling elite", (date(2021, 9, 13), date(2021, 9, 19))),
    ],
)
def test_a_printed_week_gives_its_first_and_last_day(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize(
    "text",
    ["22 – 28", "between 2016 – 2017", "May 5 – May 30, 2016", "September 18, 2017 10:50", "", None,
     "February 30 – March 5, 2021", "Thursday, October 5, 2017 - 09:30", "5 – 9.30 мая"],
)
def test_what_is_not_a_week_gives_none(text):
    assert parse_period(text) is None


def test_a_week_without_its_year_is_found_but_not_dated():
    found = find_period("October 21 – October 27")
    assert (found.start_month, found.start_day, found.end_month, found.end_day) == (10, 21, 10, 27)
    assert not found.has_year and parse_period("October 21 – October 27") is None


@pytest.mark.parametrize(
    "text, near, expected",
    [
        ("October 21 – October 27", date(2019, 11, 3), (date(2019, 10, 21), date(2019, 10, 27))),
        ("October 21 – October 27", date(2020, 1, 10), (date(2019, 10, 21), date(2019, 10, 27))),
        ("December 28 – January 3", date(2021, 1, 10), (date(2020, 12, 28), date(2021, 1, 3))),
        ("December 28 – January 3", date(2020, 12, 20), (date(2020, 12, 28), date(2021, 1, 3))),
        ("21 – 27 октября", date(2019, 11, 3), (date(2019, 10, 21), date(2019, 10, 27))),
    ],
)
def test_a_year_less_week_is_placed_next_to_a_known_date(text, near, expected):
    assert resolve_period(find_period(text), near) == expected
