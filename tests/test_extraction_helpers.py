"""Table tests for the extraction helpers: dates, URLs, text, labels and status words."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from lxml import html as lxml_html

from crawler.extraction import (
    canonicalize_url,
    category_from_url,
    find_date_text,
    is_article_url,
    join_paragraphs,
    language_from_url,
    normalize_whitespace,
    parse_site_datetime,
    site_of,
    strip_label,
    word_count,
)
from crawler.extraction.dates import find_date, parse_with_dateparser
from crawler.extraction.icons import read_icon
from crawler.extraction.labels import CATEGORY_STATUS, SIMILAR_ARTICLES, status_word
from crawler.extraction.text import match_label
from crawler.extraction.urls import same_site

ROOT = Path(__file__).resolve().parents[1]
MINSK = timedelta(hours=3)

# ---- dates

# Every format the site (and the Drupal themes it may use) prints, with the value it means.
SITE_FORMATS = [
    ("September 18, 2017 10:50", "en", "2017-09-18T10:50:00+03:00"),
    ("October 02, 2017 11:57", "en", "2017-10-02T11:57:00+03:00"),
    ("September 18, 2017", "en", "2017-09-18T00:00:00+03:00"),
    ("Sep 18, 2017 10:50", "en", "2017-09-18T10:50:00+03:00"),
    ("Sept. 18, 2017 10:50", "en", "2017-09-18T10:50:00+03:00"),
    ("18 September 2017 10:50", "en", "2017-09-18T10:50:00+03:00"),
    ("September 18, 2017 - 10:50", "en", "2017-09-18T10:50:00+03:00"),
    ("Monday, September 18, 2017 - 10:50", "en", "2017-09-18T10:50:00+03:00"),
    ("09/18/2017 - 10:50", "en", "2017-09-18T10:50:00+03:00"),
    ("Mon, 09/18/2017 - 10:50", "en", "2017-09-18T10:50:00+03:00"),
    ("05/06/2017 - 10:50", "en", "2017-05-06T10:50:00+03:00"),
    ("September 18, 2017 10:50 pm", "en", "2017-09-18T22:50:00+03:00"),
    ("18 сентября 2017 10:50", "ru", "2017-09-18T10:50:00+03:00"),
    ("18 сентября 2017 г. 10:50", "ru", "2017-09-18T10:50:00+03:00"),
    ("18 сентября 2017, 10:50", "ru", "2017-09-18T10:50:00+03:00"),
    ("понедельник, 18 сентября 2017 10:50", "ru", "2017-09-18T10:50:00+03:00"),
    ("02 октября 2017 11:57", "ru", "2017-10-02T11:57:00+03:00"),
    ("18 сентября 2017", "ru", "2017-09-18T00:00:00+03:00"),
    ("18 верасня 2017 10:50", "be", "2017-09-18T10:50:00+03:00"),
    ("3 кастрычніка 2017 09:05", "be", "2017-10-03T09:05:00+03:00"),
    ("1 ліпеня 2016", "be", "2016-07-01T00:00:00+03:00"),
    ("28 жніўня 2016 г. 12:00", "be", "2016-08-28T12:00:00+03:00"),
    ("31 декабря 2017 23:59", "ru", "2017-12-31T23:59:00+03:00"),
    ("18.09.2017 10:50", "ru", "2017-09-18T10:50:00+03:00"),
    ("18.09.2017", "en", "2017-09-18T00:00:00+03:00"),
    ("2017-09-18T10:50:00+03:00", "en", "2017-09-18T10:50:00+03:00"),
    ("2017-09-18T07:50:00Z", "en", "2017-09-18T10:50:00+03:00"),
    ("2017-09-18T10:50:00", "en", "2017-09-18T10:50:00+03:00"),
    ("2017-09-18 10:50", "en", "2017-09-18T10:50:00+03:00"),
    ("2017-09-18", "en", "2017-09-18T00:00:00+03:00"),
    ("2017-09-18T10:50+03:00", "en", "2017-09-18T10:50:00+03:00"),
    ("18.09.17 10:50", "ru", "2017-09-18T10:50:00+03:00"),
    ("18.09.17", "ru", "2017-09-18T00:00:00+03:00"),
    ("2017/09/18 10:50", "en", "2017-09-18T10:50:00+03:00"),
    ("Sept. 18, 2017, 10:50 a.m.", "en", "2017-09-18T10:50:00+03:00"),
    ("September 18th, 2017 10:50", "en", "2017-09-18T10:50:00+03:00"),
    ("18 September, 2017 10:50", "en", "2017-09-18T10:50:00+03:00"),
    ("18 сен. 2017 г. 10:50", "ru", "2017-09-18T10:50:00+03:00"),
    ("Сентябрь 18, 2017 10:50", "ru", "2017-09-18T10:50:00+03:00"),
]
EN_MONTHS = "January February March April May June July August September October November December".split()
RU_MONTHS = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split()
MONTH_FORMATS = [(f"{m} 07, 2016 09:05", "en", f"2016-{i:02d}-07T09:05:00+03:00") for i, m in enumerate(EN_MONTHS, 1)] + [
    (f"7 {m} 2016 09:05", "ru", f"2016-{i:02d}-07T09:05:00+03:00") for i, m in enumerate(RU_MONTHS, 1)
]


@pytest.mark.parametrize(("text", "language", "expected"), SITE_FORMATS + MONTH_FORMATS)
def test_fast_path_reads_site_formats(text, language, expected):
    found = find_date(text)
    assert found is not None, f"fast path missed {text!r}: add its format to crawler/extraction/dates.py"
    value = parse_site_datetime(text, language)
    assert value == datetime.fromisoformat(expected), text
    assert value.utcoffset() == MINSK, f"{text!r} is not in Minsk time: {value.isoformat()}"


@pytest.mark.parametrize(("text", "language", "expected"), SITE_FORMATS + MONTH_FORMATS)
def test_fast_path_agrees_with_dateparser(text, language, expected):
    fast = parse_site_datetime(text, language)
    slow = parse_with_dateparser(text, language)
    assert slow is not None, f"dateparser cannot read {text!r}"
    assert fast == slow and fast.utcoffset() == slow.utcoffset(), (
        f"{text!r}: fast path {fast.isoformat()} != dateparser {slow.isoformat()}"
    )


def test_fast_path_does_not_import_dateparser():
    code = (
        "import sys; from crawler.extraction import parse_site_datetime, ArticlePage;"
        "assert parse_site_datetime('18 сентября 2017 10:50', 'ru') is not None;"
        "page = ArticlePage('https://belarusinfocus.info/economy/x',"
        " '<h1>T</h1><p>Category status: <img alt=negative></p><p>September 18, 2017 10:50</p><p>Body</p>');"
        "assert page.published_at() is not None;"
        "assert 'dateparser' not in sys.modules, 'dateparser imported on the fast path'"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("18th of September 2017 10:50", "2017-09-18T10:50:00+03:00"),  # no fast-path regex: dateparser
        ("18-09-2017 10:50", "2017-09-18T10:50:00+03:00"),  # dashes: day or month first? dateparser decides
    ],
)
def test_fallback_reads_other_formats(text, expected):
    assert find_date(text) is None, "this case should exercise the fallback"
    assert parse_site_datetime(text, "en") == datetime.fromisoformat(expected)


@pytest.mark.parametrize(
    "text",
    [None, "", "   ", "garbage", "Category status:", "2 hours ago", "September 18", "31.02.2017 10:50",
     "February 30, 2017", "\x00\xff\ufffd", "12345678901234567890", "x" * 10_000, "99/99/2017", "2017-13-45",
     "January 28, 20"],  # a cut page: the site prints every year in full
)
def test_unreadable_dates_are_none(text):
    assert parse_site_datetime(text, "en") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Posted September 18, 2017 10:50 by admin", "September 18, 2017 10:50"),
        ("Category status: | 18 сентября 2017 10:50 | Фото: БелТА", "18 сентября 2017 10:50"),
        ("Published: 2017-09-18T10:50:00+03:00.", "2017-09-18T10:50:00+03:00"),
        ("In 2015 the contract was signed", None),
        ("Paragraph 18.9 of the treaty", None),
    ],
)
def test_find_date_text(text, expected):
    assert find_date_text(text) == expected


# ---- urls

BASE = "https://belarusinfocus.info"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"{BASE}/economy/some-slug/", f"{BASE}/economy/some-slug"),
        (f"{BASE}/economy/some-slug#comments", f"{BASE}/economy/some-slug"),
        (f"{BASE}/economy/some-slug?utm_source=fb&utm_medium=social", f"{BASE}/economy/some-slug"),
        (f"{BASE}/economy/some-slug?fbclid=IwAR0&gclid=1&yclid=2", f"{BASE}/economy/some-slug"),
        (f"{BASE}/economy?page=2&utm_campaign=x", f"{BASE}/economy?page=2"),
        (f"{BASE}/economy?sort=date&page=2", f"{BASE}/economy?sort=date&page=2"),  # order kept, not sorted
        # an article's pager parameter pages its sidebar: the same article
        (f"{BASE}/international-relations/minsk-seeks?page=1", f"{BASE}/international-relations/minsk-seeks"),
        (f"{BASE}/ru/economy/slug/?paged=2&q=1", f"{BASE}/ru/economy/slug?q=1"),
        (f"{BASE}/analytics/economy/?paged=7", f"{BASE}/analytics/economy?paged=7"),  # a listing keeps it
        (f"{BASE}/", f"{BASE}/"),
        (BASE, f"{BASE}/"),
        ("HTTPS://BelarusInFocus.info:443/ru/economy/slug/", f"{BASE}/ru/economy/slug"),
        ("http://127.0.0.1:8765/economy/slug?mc_cid=1&_ga=2", "http://127.0.0.1:8765/economy/slug"),
        ("http://belarusinfocus.info/economy/slug", "http://belarusinfocus.info/economy/slug"),  # scheme kept
        (f"{BASE}/ru/общество/статья", f"{BASE}/ru/%D0%BE%D0%B1%D1%89%D0%B5%D1%81%D1%82%D0%B2%D0%BE/%D1%81%D1%82%D0%B0%D1%82%D1%8C%D1%8F"),
    ],
)
def test_canonicalize_url(url, expected):
    assert canonicalize_url(url) == expected


@pytest.mark.parametrize(
    ("href", "base", "expected"),
    [
        ("other-slug", f"{BASE}/economy/some-slug", f"{BASE}/economy/other-slug"),
        ("/ru/economy/x/?utm_source=y", f"{BASE}/economy/some-slug", f"{BASE}/ru/economy/x"),
        ("//belarusinfocus.info/economy/x", f"{BASE}/economy/a", f"{BASE}/economy/x"),
        ("?page=3", f"{BASE}/economy?page=2", f"{BASE}/economy?page=3"),
    ],
)
def test_canonicalize_relative(href, base, expected):
    assert canonicalize_url(href, base) == expected


@pytest.mark.parametrize(
    ("url", "language", "category", "article"),
    [
        (f"{BASE}/international-relations/minsk-seeks", "en", "international-relations", True),
        (f"{BASE}/ru/international-relations/minsk-stremitsya", "ru", "international-relations", True),
        (f"{BASE}/international-relations", "en", "international-relations", False),
        (f"{BASE}/ru/economy?page=2", "ru", "economy", False),
        (f"{BASE}/ru", "ru", None, False),
        (f"{BASE}/", "en", None, False),
        (f"{BASE}/node/2931", "en", None, False),
        (f"{BASE}/print/2931", "en", None, False),
        (f"{BASE}/user/login", "en", None, False),
        (f"{BASE}/search/node", "en", None, False),
        (f"{BASE}/sites/default/files/photo.jpg", "en", None, False),
        (f"{BASE}/economy/feed", "en", "economy", False),
        (f"{BASE}/economy/report.pdf", "en", "economy", False),
        (f"{BASE}/rss.xml", "en", "rss.xml", False),
        (f"{BASE}/economy/a/b", "en", "economy", False),
    ],
)
def test_url_facts(url, language, category, article):
    assert language_from_url(url) == language
    assert category_from_url(url) == category
    assert is_article_url(url) is article


def test_site_of_and_same_site():
    assert site_of("http://127.0.0.1:8765/economy/x") == "http://127.0.0.1:8765"
    assert site_of(f"{BASE}/economy/x") == BASE
    assert same_site(f"{BASE}/a/b", "https://www.belarusinfocus.info/c")
    assert not same_site(f"{BASE}/a/b", "https://example.com/a/b")
    assert not same_site("http://127.0.0.1:8765/a/b", "http://127.0.0.1:9999/a/b")


# ---- text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  a\u00a0b\n\tc  ", "a b c"),
        ("Category\u00a0status:\u00a0", "Category status:"),
        ("zero\u200bwidth\ufeff", "zerowidth"),
        ("soft\u00adhyphen", "softhyphen"),
        ("thin\u2009space\u202fnarrow", "thin space narrow"),
        (None, ""),
    ],
)
def test_normalize_whitespace(text, expected):
    assert normalize_whitespace(text) == expected


def test_join_paragraphs():
    assert join_paragraphs([" One\u00a0 two ", "", None, "Three\n"]) == "One two\n\nThree"
    assert join_paragraphs([]) == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        (None, 0),
        ("Minsk seeks to reduce military-technical dependence on Russia", 8),
        ("Kazakhstan’s experience", 2),
        ("Минск стремится снизить военно-техническую зависимость", 5),
        ("MLRS Polonaise (2015)", 3),
    ],
)
def test_word_count(text, expected):
    assert word_count(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Фото: Министерство обороны Республики Казахстан", "Министерство обороны Республики Казахстан"),
        ("Photo:\u00a0RFRM", "RFRM"),
        ("Photo credit: belta.by", "belta.by"),
        ("PHOTO : Reuters", "Reuters"),
        ("Photographs of the parade", "Photographs of the parade"),
        ("Министерство обороны", "Министерство обороны"),
    ],
)
def test_strip_label(text, expected):
    assert strip_label(text) == expected


@pytest.mark.parametrize(
    ("text", "labels", "expected"),
    [
        ("Category status:", CATEGORY_STATUS, ""),
        ("category status", CATEGORY_STATUS, ""),
        ("Статус категории:\u00a0", CATEGORY_STATUS, ""),
        ("Статус:", CATEGORY_STATUS, ""),
        ("Status quo of the relations", CATEGORY_STATUS, None),
        ("Category status: | September 18, 2017", CATEGORY_STATUS, "September 18, 2017"),
        ("Похожие статьи", SIMILAR_ARTICLES, ""),
        ("Similar articles:", SIMILAR_ARTICLES, ""),
        ("Similar articles are rare", SIMILAR_ARTICLES, None),
    ],
)
def test_match_label(text, labels, expected):
    assert match_label(text, labels) == expected


# ---- status words


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("negative", ("negative", True)),
        ("Negative", ("negative", True)),
        ("негативный", ("negative", True)),
        ("Отрицательная динамика", ("negative", True)),
        ("положительный", ("positive", True)),
        ("позитивная", ("positive", True)),
        ("нейтральный", ("neutral", True)),
        ("Status: negative", ("negative", True)),
        ("Статус: негативный", ("negative", True)),
        ("trend-icon--negative", ("negative", True)),
        ("status-negative", ("negative", True)),
        ("icon_negative@2x", ("negative", True)),
        ("stable", ("stable", False)),
        ("status icon", (None, False)),
        ("", (None, False)),
    ],
)
def test_status_word(raw, expected):
    assert status_word(raw) == expected


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ('<img alt="negative" title="negative" src="/x.png">', "negative"),
        ('<img alt="" src="/sites/default/files/status/negative.png">', "negative"),
        ('<img src="/img/status-positive.svg">', "positive"),
        ('<img src="/img/icon_neutral@2x.png?itok=abc">', "neutral"),
        ('<img src="/img/status/negative.3f2a9c.svg">', "negative"),
        ('<img src="data:image/gif;base64,R0lGOD" data-src="/status/positive.png" class="lazyload">', "positive"),
        ('<span class="trend-icon trend-icon--negative" aria-hidden="true"></span>', "negative"),
        ('<i class="icon status-icon is-neutral"></i>', "neutral"),
        ('<span title="Нейтральный" class="ico"></span>', "neutral"),
        ('<svg class="i"><use xlink:href="/icons.svg#status-negative"></use></svg>', "negative"),
        ('<svg role="img"><title>Positive</title><use href="#i"></use></svg>', "positive"),
        ('<span style="background-image: url(/status/negative.png)" class="x"></span>', "negative"),
        ('<img src="/status/stable.png" class="img-responsive">', "stable"),
    ],
)
def test_read_icon(markup, expected):
    element = lxml_html.fragment_fromstring(markup)
    assert read_icon(element)[0] == expected
