"""Other sites' pages, saved from the development corpora: one page per kind of failure the
generic part of extraction had (the benchmark, benchmarks/corpora.py, does the scoring).

Fixtures: tests/fixtures/pages/corpora/<case>.html.gz (as published; licences beside them) and
meta.json ({case: {url, source, published_day | article_body}}).
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import pytest

from crawler.extraction import ArticlePage
from crawler.extraction.dates import SITE_READING, SITE_TZ, UNZONED, Reading, find_date, parse_site_datetime
from crawler.extraction.fields import published_at
from crawler.extraction.foreign import is_site_page, reading_for

CORPORA = Path(__file__).parent / "fixtures" / "pages" / "corpora"
META = json.loads((CORPORA / "meta.json").read_text(encoding="utf-8"))
GENERIC = ("other:", "htmldate", "fallback:", "none")


@lru_cache(maxsize=None)
def _page(case: str) -> ArticlePage:
    return ArticlePage(META[case]["url"], gzip.decompress((CORPORA / f"{case}.html.gz").read_bytes()))


@lru_cache(maxsize=None)
def _item(case: str):
    return _page(case).to_item()


def _words(text: str | None) -> Counter:
    return Counter(re.findall(r"\w+", (text or "").casefold()))


def _f1(got: str | None, want: str) -> float:
    shared = sum((_words(got) & _words(want)).values())
    if not shared:
        return 0.0
    precision, recall = shared / sum(_words(got).values()), shared / sum(_words(want).values())
    return 2 * precision * recall / (precision + recall)


@pytest.mark.parametrize("case", sorted(META))
def test_another_sites_page_is_read_with_the_generic_rules(case):
    """No corpus page is taken for this site's: its date and body come from rules that say so."""
    item = _item(case)
    assert not is_site_page(_page(case).landmarks)
    for field in ("published_at", "body"):
        assert item.rules[field].startswith(GENERIC), f"{case}: {field} by {item.rules[field]}"


def test_day_and_month_follow_the_pages_locale():
    """A British page's "12/04/2020" is 12 April; the site's month-first reading makes it
    4 December."""
    marks = _page("day-month-en-gb").landmarks
    assert reading_for(marks).day_first
    assert published_at.find_date_line(marks)[1].date().isoformat() == "2020-04-12"
    assert published_at.find_date_line(marks, SITE_READING)[1].date().isoformat() == "2020-12-04"
    item = _item("day-month-en-gb")
    assert item.published_at.date().isoformat() == META["day-month-en-gb"]["published_day"] == "2020-04-12"


def test_a_time_without_a_zone_is_not_given_minsks():
    """The time shown under the title is kept as shown, its zone marked as not stated."""
    item = _item("zoneless-time-de")
    assert item.published_at == datetime(2018, 6, 10, 22, 0, tzinfo=UNZONED)
    assert item.published_at.tzname() == "no zone stated"
    assert item.published_at.tzinfo is not SITE_TZ


def test_the_date_under_the_title_beats_another_in_the_metadata():
    case = "several-dates-en"
    page = _page(case)
    in_metadata = published_at._from_meta(page.landmarks, reading_for(page.landmarks))
    assert in_metadata is not None and in_metadata.date().isoformat() != META[case]["published_day"]
    assert _item(case).published_at.date().isoformat() == META[case]["published_day"]
    assert _item(case).rules["published_at"] == "other:structure"


def test_teasers_after_the_article_stay_out_of_its_body():
    case = "teasers-after-body-en"
    body = _item(case).body
    assert _f1(body, META[case]["article_body"]) >= 0.95
    # the "latest news" teasers under the article, and the copyright line
    assert "Aston Martin officially reveals" not in body
    assert "All Rights Reserved" not in body
    assert _item(case).rules["body"] == "other:structure"


def test_a_lost_lead_is_found_by_the_fallback():
    """Our reading order kept only a fragment here; trafilatura's text has the lead, and the rule
    says the body is a fallback's."""
    case = "lost-lead-it"
    item = _item(case)
    truth = META[case]["article_body"]
    lead = " ".join(re.findall(r"\w+", truth.split("\n")[0].casefold()))[:80]
    assert " ".join(re.findall(r"\w+", item.body.casefold())).startswith(lead)
    assert _f1(item.body, truth) >= 0.9
    assert item.rules["body"] == "fallback:trafilatura"


def test_numeric_dates_by_reading():
    french = Reading(day_first=True, zone=UNZONED, convert=False)
    assert find_date("06/01/2026", french)[2] == datetime(2026, 1, 6, tzinfo=UNZONED)
    assert find_date("06/01/2026", SITE_READING)[2] == datetime(2026, 6, 1, tzinfo=SITE_TZ)
    # a first number above 12 is a day whatever the locale, a second one above 12 too
    assert find_date("01/25/2026", french)[2].date().isoformat() == "2026-01-25"
    assert find_date("25/01/2026", SITE_READING)[2].date().isoformat() == "2026-01-25"


def test_a_stated_offset_is_kept_on_other_sites_and_converted_on_this_one():
    other = Reading(day_first=False, zone=UNZONED, convert=False)
    late = "2020-01-05T23:30:00+00:00"
    assert find_date(late, other)[2].date().isoformat() == "2020-01-05"
    assert parse_site_datetime(late).date().isoformat() == "2020-01-06"  # Minsk, as CONTRACT says
    assert parse_site_datetime("2020-01-05 23:30").tzinfo is SITE_TZ
