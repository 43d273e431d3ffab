"""ListingPage on the weekly rendering: teasers, WordPress paging, and the weeks teasers print
without their year, placed by their context."""

from __future__ import annotations

from datetime import date

import pytest

from crawler.extraction.listing import ListingPage
from crawler.extraction.periods import find_period
from crawler.extraction.teaser_weeks import resolve_weeks

PRO = "https://belarusinfocus.pro"
LISTING = f"{PRO}/analytics/society-and-political-parties/?paged=7"


def page(teasers: str, pager: str = "", aside: str = "", url: str = LISTING, heading: str = "") -> ListingPage:
    return ListingPage(url, f"""<html><body><header><a href="/">Belarus in Focus</a>
<a href="/analytics/">All trends</a></header>
<div class="wrap"><div class="content"><p>All trends</p><h1>Society and political parties</h1>{heading}
{teasers}<div class="pager">{pager}</div></div>
<div class="side">{aside}</div></div></body></html>""")


def teaser(slug: str, week: str, week_first: bool = False) -> str:
    title = f'<h3><a href="/society-and-political-parties/{slug}/">{slug.replace("-", " ").title()}</a></h3>'
    when = f"<div class='when'>{week}</div>" if week else ""
    return f"<div class='item'>{when + title if week_first else title + when}</div>"


SITUATION = """<h3>Situation in Belarus</h3><p>March 18 – March 24, 2024</p>
<a href="/society-and-political-parties/latest-piece/">Latest piece</a><a href="/analytics/">View all</a>"""


def weeks(listing: ListingPage, near: date | None = None):
    return [(a.url.rsplit("/", 1)[1], a.period_start, a.period_end) for a in listing.listed_articles(near)]


def test_teasers_are_the_articles_and_the_situation_box_is_not():
    listing = page(teaser("one", "October 21 – October 27") + teaser("two", "October 14 – October 20"), aside=SITUATION)
    assert listing.article_urls() == [f"{PRO}/society-and-political-parties/one", f"{PRO}/society-and-political-parties/two"]


@pytest.mark.parametrize(("pager", "expected"), [
    ('<a class="prev" href="?paged=6">« Newer posts</a> <a href="?paged=8">Older posts »</a>',
     f"{PRO}/analytics/society-and-political-parties?paged=8"),
    ('<a href="/analytics/society-and-political-parties/page/6/">6</a> <span>7</span>'
     '<a href="/analytics/society-and-political-parties/page/8/">Next »</a>',
     f"{PRO}/analytics/society-and-political-parties/page/8"),
    ('<a href="/analytics/society-and-political-parties/page/8/">« Older Entries</a>',
     f"{PRO}/analytics/society-and-political-parties/page/8"),
    ('<a href="/analytics/society-and-political-parties/page/8/" rel="next">8</a>',
     f"{PRO}/analytics/society-and-political-parties/page/8"),
    ('<a href="/analytics/society-and-political-parties/?paged=8">Наступная</a>',
     f"{PRO}/analytics/society-and-political-parties?paged=8"),
    ('<a href="/analytics/society-and-political-parties/?paged=6">« Newer posts</a>', None),
])
def test_next_page_in_either_wordpress_form(pager, expected):
    listing = page(teaser("one", "October 21 – October 27"), pager=pager)
    assert listing.next_page_url() == expected


def test_a_next_post_link_to_an_article_is_not_the_next_page():
    listing = page(teaser("one", "October 21 – October 27"),
                   pager='<a class="next" href="/society-and-political-parties/another-piece/">Next</a>')
    assert listing.next_page_url() is None


def test_year_less_weeks_take_the_year_of_a_neighbour_that_prints_it():
    listing = page(teaser("a", "January 4 – January 10") + teaser("b", "December 28 – January 3")
                   + teaser("c", "December 21 – December 27, 2020") + teaser("d", "December 14 – December 20"),
                   aside=SITUATION)
    assert weeks(listing) == [
        ("a", date(2021, 1, 4), date(2021, 1, 10)),
        ("b", date(2020, 12, 28), date(2021, 1, 3)),
        ("c", date(2020, 12, 21), date(2020, 12, 27)),
        ("d", date(2020, 12, 14), date(2020, 12, 20)),
    ]


def test_weeks_printed_above_the_titles_belong_to_the_title_below():
    listing = page(teaser("a", "October 21 – October 27, 2019", week_first=True)
                   + teaser("b", "October 14 – October 20", week_first=True)
                   + teaser("c", "October 7 – October 13", week_first=True))
    assert weeks(listing) == [("a", date(2019, 10, 21), date(2019, 10, 27)),
                              ("b", date(2019, 10, 14), date(2019, 10, 20)),
                              ("c", date(2019, 10, 7), date(2019, 10, 13))]


def test_the_pages_own_week_places_teasers_when_none_prints_a_year():
    listing = page(teaser("a", "January 6 – January 12") + teaser("b", "December 30 – January 5"),
                   heading="<p>Week: January 13 – January 19, 2025</p>")
    assert weeks(listing) == [("a", date(2025, 1, 6), date(2025, 1, 12)), ("b", date(2024, 12, 30), date(2025, 1, 5))]


def test_a_known_date_places_the_newest_teaser_and_the_order_the_rest():
    listing = page(teaser("a", "January 6 – January 12") + teaser("b", "December 9 – December 15")
                   + teaser("c", "November 4 – November 10") + teaser("d", "", ))
    assert weeks(listing, near=date(2025, 1, 20)) == [
        ("a", date(2025, 1, 6), date(2025, 1, 12)),
        ("b", date(2024, 12, 9), date(2024, 12, 15)),
        ("c", date(2024, 11, 4), date(2024, 11, 10)),
        ("d", None, None),
    ]
    assert weeks(listing) == [("a", None, None), ("b", None, None), ("c", None, None), ("d", None, None)], \
        "no context: no year is invented"


def test_the_furniture_week_is_not_taken_for_the_pages_own():
    # The "Situation in Belarus" box shows the latest week, not this (older) page's.
    listing = page(teaser("a", "October 21 – October 27") + teaser("b", "October 14 – October 20"), aside=SITUATION)
    assert weeks(listing) == [("a", None, None), ("b", None, None)]


def test_russian_and_belarusian_teasers():
    listing = page(teaser("a", "21 – 27 октября") + teaser("b", "30 верасня – 6 кастрычніка 2019"),
                   url=f"{PRO}/ru/analytics/society-and-political-parties/")
    assert weeks(listing) == [("a", date(2019, 10, 21), date(2019, 10, 27)), ("b", date(2019, 9, 30), date(2019, 10, 6))]


def test_resolve_weeks_walks_up_from_an_anchor_below():
    found = [find_period(t) for t in ("January 4 – January 10", "December 28 – January 3", "December 21 – December 27, 2020")]
    assert resolve_weeks(found) == [(date(2021, 1, 4), date(2021, 1, 10)), (date(2020, 12, 28), date(2021, 1, 3)),
                                    (date(2020, 12, 21), date(2020, 12, 27))]


def test_the_address_to_ask_keeps_the_slash_the_listing_writes():
    listing = page(teaser("new-piece", "October 21 – October 27")
                   + '<div><h3><a href="/society-and-political-parties/old-truncated-slug">Old</a></h3></div>')
    new, old = listing.article_urls()
    assert (new, old) == (f"{PRO}/society-and-political-parties/new-piece", f"{PRO}/society-and-political-parties/old-truncated-slug")
    assert listing.address_of(new) == new + "/" and listing.address_of(old) == old
    assert listing.writes_trailing_slashes


def test_a_dated_listing_writes_no_trailing_slashes():
    dated = ListingPage("https://belarusinfocus.info/economy", '<a href="/economy/one">One</a> <a href="/society">S</a>'
                                                            ' <a href="/economy?page=1">next ›</a>')
    assert not dated.writes_trailing_slashes
    assert dated.address_of("https://belarusinfocus.info/economy/one") == "https://belarusinfocus.info/economy/one"
