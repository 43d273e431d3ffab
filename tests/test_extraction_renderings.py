"""The two renderings of an article page, field by field, on small hand-made pages: which
rendering a page is read as, the status sentence, the author line, the week, the status text
of an icon, and the weekly furniture that must lend no field. Table tests through the public
``ArticlePage`` (and the label table's ``sentence_status``), not through private helpers."""

from __future__ import annotations

from datetime import date

import pytest
from lxml import html as lxml_html

from crawler.extraction import ArticlePage
from crawler.extraction.icons import shown_text
from crawler.extraction.labels import sentence_status

URL = "https://belarusinfocus.pro/the-ruling-elite/some-commentary/"
PROSE = "The authorities keep balancing between loyalty and the growing costs of repression at home. " * 3


def weekly(
    author: str = "<div>by <a href='/author/x/'>Anna Maria Dyner</a></div>",
    week: str = "<div>June 12 – June 18, 2023</div>",
    category: str = "<div><a href='/analytics/the-ruling-elite/'>The ruling elite</a></div>",
    title: str = "<h1>Nomenklatura keeps its balance</h1>",
    status: str = "<div>The situation has not changed</div>",
    after: str = "",
    furniture: str = "",
) -> str:
    return (
        "<html><head><title>Nomenklatura keeps its balance | Belarus in Focus</title></head><body><main><article>"
        f"{author}{week}{category}{title}{status}{after}<p>{PROSE}</p><p>{PROSE}</p></article>{furniture}"
        "</main></body></html>"
    )


def item(html: str, url: str = URL):
    return ArticlePage(url, html).to_item()


# ---- which rendering


@pytest.mark.parametrize(
    ("html", "rendering"),
    [
        (weekly(), "weekly"),
        (weekly(author="<p>by Anna Maria Dyner June 12 – June 18, 2023</p>", week=""), "weekly"),  # week on the by line
        (weekly(week="", author=""), "weekly"),  # only the status sentence says so
        (weekly(week="<div>June 12 вЂ“ June 18, 2023</div>"), "weekly"),  # a garbled dash: a date without a time
        ("<h1>T</h1><p>Category status: <img alt='negative'></p><p>September 18, 2017 10:50</p>", "dated"),
        ("<h1>T</h1><p>Thursday, October 5, 2017 - 09:30</p><p>The situation got worse</p>", "dated"),  # a time, not a week
        ("<h1>T</h1><p>" + PROSE + "</p>", "dated"),  # nothing to tell: as before
        ("<h1>T</h1><p>" + PROSE + "</p><p>The situation remains tense.</p>", "dated"),  # the body's own sentence
    ],
    ids=["weekly", "week-on-author-line", "sentence-only", "mis-decoded-week", "status-label", "date-and-time", "nothing", "sentence-in-body"],
)
def test_rendering_is_read_from_the_page(html, rendering):
    assert ArticlePage(URL, html).rendering == rendering


# ---- status sentences


@pytest.mark.parametrize(
    ("sentence", "word"),
    [
        ("The situation got worse", "negative"),
        ("The situation deteriorated", "negative"),
        ("The situation has not changed", "neutral"),
        ("The situation has improved", "positive"),
        ("The situation got better", "positive"),
        ("Ситуация ухудшилась", "negative"),
        ("Ситуация не изменилась", "neutral"),
        ("Ситуация улучшилась", "positive"),
        ("Ситуация стала хуже", "negative"),
        ("Ситуация стала лучше", "positive"),
        ("Сітуацыя пагоршылася", "negative"),
        ("Сітуацыя не змянілася", "neutral"),
        ("Сітуацыя палепшылася", "positive"),
        ("The situation is unclear", None),
    ],
)
def test_status_sentence_maps_by_stems(sentence, word):
    assert sentence_status(sentence) == word
    got = item(weekly(status=f"<p>{sentence}</p>"))
    assert (got.category_status, got.category_status_text) == (word, sentence)
    assert got.rules["category_status"] == got.rules["category_status_text"] == "label"


def test_furniture_heading_is_not_the_status():
    furniture = "<aside><h3>Situation in Belarus</h3><a href='/analytics/'>June 19 – June 25</a> <a href='/analytics/'>View all</a></aside>"
    got = item(weekly(status="", furniture=furniture).replace("<main>", "<main>" + furniture, 1))
    assert (got.category_status, got.category_status_text) == (None, None)


def test_a_body_sentence_about_the_situation_is_not_the_status():
    got = item(weekly(status="", after=f"<p>{PROSE}</p><p>The situation remains tense.</p>"))
    assert (got.category_status, got.category_status_text) == (None, None)
    assert got.body.split("\n\n")[1] == "The situation remains tense."


# ---- authors


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("<div>by <a href='/author/x/'>Anna Maria Dyner</a></div>", ["Anna Maria Dyner"]),
        ("<div>by</div>", []),
        ("<div><span>by</span></div><div><a href='/author/x/'>Vadim Mojeiko</a></div>", ["Vadim Mojeiko"]),
        ("<p>By Ryhor Astapenia and Dzianis Melyantsou</p>", ["Ryhor Astapenia", "Dzianis Melyantsou"]),
        ("<p>by <a href='/a/'>A. One</a>, <a href='/b/'>B. Two</a></p>", ["A. One", "B. Two"]),
        ("<p>Автор: Андрей Поротников</p>", ["Андрей Поротников"]),
        ("<p>by Olga Lozovik June 12 – June 18, 2023</p>", ["Olga Lozovik"]),
        ("", []),
    ],
    ids=["link", "by-alone", "name-in-next-element", "and", "comma", "ru-label", "with-week", "no-line"],
)
@pytest.mark.parametrize("week", ["<div>June 12 – June 18, 2023</div>", ""], ids=["week", "no-week"])
def test_authors_from_the_by_line(line, authors, week):
    got = item(weekly(author=line, week=week))
    assert got.authors == authors
    assert "by" not in [name.casefold() for name in got.authors]
    assert got.title == "Nomenklatura keeps its balance"


def test_photo_by_is_no_author():
    got = item(weekly(author="", after="<figure><img src='/p.jpg' width='600'><figcaption>Photo by Reuters</figcaption></figure>"))
    assert got.authors == []
    assert got.photo_credit == "Reuters"


# ---- the week


@pytest.mark.parametrize(
    ("week", "period"),
    [
        ("August 22 – August 28, 2016", (date(2016, 8, 22), date(2016, 8, 28))),
        ("December 28, 2020 – January 3, 2021", (date(2020, 12, 28), date(2021, 1, 3))),
        ("22 – 28 августа 2016", (date(2016, 8, 22), date(2016, 8, 28))),
        ("28 снежня 2020 – 3 студзеня 2021", (date(2020, 12, 28), date(2021, 1, 3))),
    ],
)
def test_week_and_no_published_at(week, period):
    got = item(weekly(week=f"<time>{week}</time>"))
    assert (got.period_start, got.period_end) == period
    assert got.published_at is None and got.rules["published_at"] == "none"


def test_teasers_weeks_are_not_the_articles():
    read_more = (
        "<section><h3>Read more</h3><ul><li><a href='/the-ruling-elite/older/'>Older piece</a> "
        "June 5 – June 11, 2023</li></ul></section>"
    )
    got = item(weekly(week="", furniture=read_more))
    assert (got.period_start, got.period_end) == (None, None)
    assert [(link.title, link.position) for link in got.similar_links] == [("Older piece", 1)]


# ---- title, category name and a repeated title


def test_category_heading_is_not_the_title():
    html = weekly(category="<h1><a href='/analytics/the-ruling-elite/'>The ruling elite</a></h1>", title="<h2>Nomenklatura keeps its balance</h2>")
    got = item(html)
    assert got.title == "Nomenklatura keeps its balance"
    assert got.body == f"{PROSE.strip()}\n\n{PROSE.strip()}"


def test_repeated_title_stays_out_of_the_body():
    got = item(weekly(after="<p>Nomenklatura keeps its balance</p>"))
    assert got.body == f"{PROSE.strip()}\n\n{PROSE.strip()}"


# ---- dated pages: the status text is what the icon shows


@pytest.mark.parametrize(
    ("icon", "status", "text"),
    [
        ("<img src='/img/status/negative.png' alt='negative'>", "negative", "negative"),
        ("<img src='/img/status/negative.png'>", "negative", "negative"),
        ("<img src='/img/icon_positive@2x.png' title='Positive trend'>", "positive", "Positive trend"),
        ("<span class='trend-icon trend-icon--neutral'></span>", "neutral", "neutral"),
        ("<img src='/img/status/stable.png' alt='stable'>", None, "stable"),
        ("<img src='/img/status/neutral.png' alt='Нейтральны'>", "neutral", "Нейтральны"),
    ],
    ids=["alt", "file-stem", "title-attribute", "class-only", "unknown-word", "be-alt"],
)
def test_dated_status_text(icon, status, text):
    html = (
        f"<h1>Minsk hedges its bets</h1><p>Category status: {icon}</p><p>September 18, 2017 10:50</p>"
        f"<p>{PROSE}</p>"
    )
    got = item(html, "https://belarusinfocus.info/economy/minsk-hedges-its-bets")
    assert (got.category_status, got.category_status_text) == (status, text)
    assert (got.period_start, got.period_end, got.authors) == (None, None, [])


def test_dated_belarusian_labels():
    html = (
        "<h1>Мінск страхуе свае стаўкі</h1><p>Статус катэгорыі: <img src='/s/negative.png' alt='negative'></p>"
        "<p>18 верасня 2017 10:50</p><figure><img src='/p.jpg' width='600'><figcaption>Фота: БелТА</figcaption></figure>"
        f"<p>{PROSE}</p><h3>Падобныя артыкулы</h3><ul><li><a href='/be/economy/other'>Іншы артыкул</a></li></ul>"
    )
    got = item(html, "https://belarusinfocus.info/be/economy/minsk-straxue")
    assert got.published_at.isoformat() == "2017-09-18T10:50:00+03:00"
    assert (got.category_status, got.photo_credit) == ("negative", "БелТА")
    assert [link.title for link in got.similar_links] == ["Іншы артыкул"]
    assert got.rules["category_status"] == "label" and got.rules["similar_links"] == "label"


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<img alt='  Status:  negative ' src='/x/positive.png'>", "Status: negative"),
        ("<img src='/themes/bif/status/negative.3f2a.svg'>", "negative"),
        ("<svg><use href='/icons.svg#status-negative'></use></svg>", "status-negative"),
        ("<i class='fa fa-arrow-down'></i>", None),
    ],
)
def test_shown_text(markup, text):
    assert shown_text(lxml_html.fragment_fromstring(markup)) == text


# ---- the rule runner


def test_a_rule_that_raises_is_skipped_and_logged(caplog):
    from crawler.extraction.rules import first_value

    class Marks:
        page_url = "https://belarusinfocus.pro/x/y"

    def broken(marks):
        raise ValueError("boom")

    with caplog.at_level("WARNING"):
        assert first_value([("label", broken), ("css", lambda marks: "value")], Marks(), "title") == ("value", "css")
    assert any(record.exc_info and "title.label" in record.getMessage() for record in caplog.records)
    assert first_value([("label", broken)], Marks(), "title") == (None, "error")
    assert first_value([("label", lambda marks: []), ("css", lambda marks: None)], Marks(), "title") == (None, "none")
