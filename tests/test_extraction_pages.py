"""Page fixtures → items, one test per (fixture × field), plus "doesn't raise" and "no extra fields".

Fixtures: tests/fixtures/pages/<kind>/<case>.html (raw bytes as served) + <case>.json (the
reviewed expected output) + meta.json ({case: {url, content_type, captured_at}}).
``markups/`` holds hand-written markups: of the seed article in the dated rendering (same
content, different themes) and ``weekly-*`` pages in the weekly rendering (author as a link or
missing, Russian, Belarusian, a year-end week, an unknown status sentence, a repeated title);
``article/`` and ``listing/`` hold pages saved from the offline site.

To see what the extractor returns now (prints, never overwrites):

    python -m tests.test_extraction_pages article/seed_classic [field ...]
"""

from __future__ import annotations

import dataclasses
import json
import sys
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from crawler.extraction import ArticlePage, ListingPage
from crawler.items import ArticleItem, article_fields

PAGES = Path(__file__).parent / "fixtures" / "pages"
ARTICLE_KINDS = ("markups", "article")
# Filled outside extraction: provenance, the enrich pipeline, and the HTTP validators the spider copies.
NOT_EXTRACTED = {"rules", "word_count", "content_hash", "etag", "last_modified"}
EXTRACTED = [f.name for f in dataclasses.fields(ArticleItem) if f.name not in NOT_EXTRACTED]
RULED = set(article_fields("extracted"))  # the fields whose rule goes to item.rules
KNOWN_RULES = {"label", "structure", "css", "meta", "title-tag", "largest-block", "none"}


def _cases(kind: str) -> list[str]:
    meta = PAGES / kind / "meta.json"
    if not meta.exists():
        return []
    return [f"{kind}/{case}" for case in sorted(json.loads(meta.read_text(encoding="utf-8")))]


ARTICLE_CASES = [case for kind in ARTICLE_KINDS for case in _cases(kind)]
LISTING_CASES = _cases("listing")


@lru_cache(maxsize=None)
def _meta(case: str) -> dict:
    kind, name = case.split("/")
    return json.loads((PAGES / kind / "meta.json").read_text(encoding="utf-8"))[name]


@lru_cache(maxsize=None)
def _expected(case: str) -> dict:
    return json.loads((PAGES / f"{case}.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _body(case: str) -> bytes:
    return (PAGES / f"{case}.html").read_bytes()


def article_page(case: str, body: bytes | None = None) -> ArticlePage:
    meta = _meta(case)
    return ArticlePage(meta["url"], _body(case) if body is None else body, content_type=meta.get("content_type"))


@lru_cache(maxsize=None)
def _item(case: str) -> ArticleItem:
    return article_page(case).to_item()


def as_json(field: str, value):
    """An item value in the fixtures' JSON shape."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if field == "similar_links":
        return [dataclasses.asdict(link) for link in value or []]
    return value


def _same(field: str, got, expected) -> bool:
    if field == "published_at" and got is not None and expected is not None:
        # equal instants, and shown in the site's offset (+03:00) as the fixture says
        parsed = datetime.fromisoformat(expected)
        return got == parsed and got.utcoffset() == parsed.utcoffset()
    return as_json(field, got) == expected


def _rerun_hint(case: str, field: str) -> str:
    return f"see the current output with: python -m tests.test_extraction_pages {case} {field}"


def _cases_fields():
    return [pytest.param(case, field, id=f"{case}:{field}") for case in ARTICLE_CASES for field in _expected(case)]


@pytest.mark.parametrize(("case", "field"), _cases_fields())
def test_article_field(case, field):
    item = _item(case)
    got = getattr(item, field, None)
    expected = _expected(case)[field]
    assert _same(field, got, expected), (
        f"{field} of {case} (rule {item.rules.get(field, 'url')!r}):\n"
        f"  got      {as_json(field, got)!r}\n  expected {expected!r}\n{_rerun_hint(case, field)}"
    )


@pytest.mark.parametrize("case", ARTICLE_CASES)
def test_article_has_no_extra_fields(case):
    expected = set(_expected(case))
    assert expected == set(EXTRACTED), (
        f"{case}.json keys differ from the item's extracted fields: "
        f"missing {sorted(set(EXTRACTED) - expected)}, extra {sorted(expected - set(EXTRACTED))}"
    )


@pytest.mark.parametrize("case", ARTICLE_CASES)
def test_article_rules_are_named(case):
    rules = _item(case).rules
    assert set(rules) == RULED
    assert set(rules.values()) <= KNOWN_RULES, f"{case}: unexpected rule names {rules}"


@pytest.mark.parametrize("case", [c for c in ARTICLE_CASES if c.startswith("markups/")])
def test_markups_prefer_labels_and_structure(case):
    """The hand-written markups must not need CSS hints: that is the point of having them."""
    rules = _item(case).rules
    css = sorted(field for field, rule in rules.items() if rule == "css")
    assert not css, f"{case}: {css} found only through CSS hints; the label/structure rules missed them"


def _without_classes(body: bytes, content_type: str | None) -> str:
    """The page with every class and id attribute removed: what a theme change could do."""
    page = ArticlePage("http://x/a/b", body, content_type=content_type)
    text = page.doc.root.getroottree()
    for el in text.iter():
        if isinstance(el.tag, str):
            el.attrib.pop("class", None)
            el.attrib.pop("id", None)
    return etree.tostring(text, encoding="unicode", method="html")


@pytest.mark.parametrize("case", ARTICLE_CASES)
def test_fields_survive_losing_every_class(case):
    """Class names are hints only: stripping them all keeps every field except an icon that
    carries its status in a class name alone (then the status may be lost, never wrong)."""
    meta = _meta(case)
    stripped = ArticlePage(meta["url"], _without_classes(_body(case), meta.get("content_type"))).to_item()
    original = _item(case)
    for field in EXTRACTED:
        got, want = getattr(stripped, field), getattr(original, field)
        if field in ("category_status", "category_status_text") and stripped.category_status is None and got is None:
            continue
        assert got == want, f"{field} of {case} changed when class/id attributes were removed: {got!r} != {want!r}"


@pytest.mark.parametrize("case", ARTICLE_CASES)
def test_status_without_its_icon_is_lost_never_wrong(case):
    """With every image, svg and empty element gone, the status is None (or still right):
    never the article photo's alt text or a neighbour's icon."""
    meta = _meta(case)
    root = ArticlePage(meta["url"], _body(case), content_type=meta.get("content_type")).doc.root
    for el in list(root.iter("img", "svg", "i", "span", "object")):
        if el.tag in ("img", "svg", "object") or not "".join(el.itertext()).strip():
            _drop(el)
    item = ArticlePage(meta["url"], etree.tostring(root, encoding="unicode", method="html")).to_item()
    assert item.category_status in (None, _expected(case)["category_status"]), f"{case}: {item.category_status!r}"


def _drop(el) -> None:
    """Remove an element but keep its tail text."""
    parent = el.getparent()
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


@pytest.mark.parametrize("case", ARTICLE_CASES)
def test_truncated_page_keeps_its_head(case):
    """A download cut off after the first body paragraph still yields title, status and date."""
    body = _body(case)
    expected = _expected(case)
    first_paragraph = expected["body"].split("\n\n")[0][:40] if expected["body"] else None
    meta = _meta(case)
    text = ArticlePage(meta["url"], body, content_type=meta.get("content_type")).doc.root
    source = etree.tostring(text, encoding="unicode", method="html")
    cut = source.find(first_paragraph) if first_paragraph else -1
    if cut == -1:
        pytest.skip("first paragraph not found verbatim in the markup")
    item = ArticlePage(meta["url"], source[: cut + 40]).to_item()
    for field in ("title", "category_status", "published_at"):
        assert _same(field, getattr(item, field), expected[field]), f"{field} of truncated {case}"


GARBAGE = [
    b"",
    b"   ",
    b"\x00\x01\x02\xff\xfe\xfd" * 100,
    bytes(range(256)) * 20,
    b"<html><body><h1>Unclosed <p>Category status: <img src=",
    b"<?xml version='1.0' encoding='utf-8'?><root><h1>x</h1></root>",
    "<p>Фото: кириллица в неверной кодировке</p>".encode("utf-16"),
    b"<div>" * 5000 + b"deep" + b"</div>" * 10,
    b"<h1>T</h1>" + b"<p>Category status: <img alt=negative></p>" * 300,
    b"<a href='http://[::1'>broken url</a><a href='javascript:void(0)'>js</a><base href='::'>",
]


@pytest.mark.parametrize("body", GARBAGE, ids=range(len(GARBAGE)))
@pytest.mark.parametrize("content_type", [None, "text/html; charset=windows-1251", "text/html; charset=bogus"])
def test_article_does_not_raise(body, content_type):
    item = ArticlePage("https://belarusinfocus.info/economy/x", body, content_type=content_type).to_item()
    assert item.url == "https://belarusinfocus.info/economy/x"
    assert "error" not in item.rules.values(), item.rules
    page = ListingPage("https://belarusinfocus.info/economy", body, content_type=content_type)
    assert isinstance(page.article_urls(), list)
    page.next_page_url()
    page.links()


@pytest.mark.parametrize("case", ARTICLE_CASES)
def test_fixture_does_not_raise(case):
    assert "error" not in _item(case).rules.values()


@pytest.mark.parametrize("url", ["http://[::1", "", "not a url", "about:blank", "https://belarusinfocus.info"])
def test_odd_page_urls_do_not_raise(url):
    page = ArticlePage(url, _body("markups/bare"))
    item = page.to_item()
    assert item.title == _expected("markups/bare")["title"]  # the page still yields its fields
    page.links()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.sampled_from(["<p>", "</p>", "<div>", "</div>", "<h1>", "</h1>", "<br>", "<a href='/economy/x'>", "</a>",
                             "<img alt='negative'>", "Category status:", "Похожие статьи", "Фото: X",
                             "September 18, 2017 10:50", "<time datetime='2017-13-99'>", "<table><tr><td>", "<!--", "-->"]),
            st.text(max_size=20),
        ),
        max_size=40,
    )
)
def test_any_markup_soup_yields_an_item(parts):
    item = ArticlePage("https://belarusinfocus.info/economy/x", "".join(parts)).to_item()
    assert "error" not in item.rules.values(), item.rules
    assert all(link.position == i for i, link in enumerate(item.similar_links, 1))


def test_article_links_equal_listing_links():
    """ArticlePage.links() lets the spider discover links without parsing the page twice."""
    case = "markups/drupal7-classic"
    meta = _meta(case)
    links = article_page(case).links()
    assert links == ListingPage(meta["url"], _body(case), content_type=meta["content_type"]).links()
    assert "https://belarusinfocus.info/economy/national-bank-eases-monetary-policy" in links
    assert not any("#" in url or "utm_" in url for url in links)


def test_links_resolve_against_each_page_whatever_was_resolved_before():
    # Resolved links are cached per site; a relative link still depends on the page (or its
    # <base href>), a root-relative one only on the site, and a link to another host is dropped.
    html = '<a href="next-piece">a</a> <a href="/politics/x/">b</a> <a href="https://other.example/y">c</a>'
    first = ListingPage("https://belarusinfocus.info/economy/one", html).links()
    second = ListingPage("https://belarusinfocus.info/ru/society/two", html).links()
    based = ListingPage("https://belarusinfocus.info/economy/one",
                        '<head><base href="https://belarusinfocus.info/ru/"></head>' + html).links()
    assert first == ["https://belarusinfocus.info/economy/next-piece", "https://belarusinfocus.info/politics/x"]
    assert second == ["https://belarusinfocus.info/ru/society/next-piece", "https://belarusinfocus.info/politics/x"]
    assert based == ["https://belarusinfocus.info/ru/next-piece", "https://belarusinfocus.info/politics/x"]


def test_from_response_reads_a_scrapy_response():
    from scrapy.http import HtmlResponse

    case = "markups/ru-windows1251"
    meta = _meta(case)
    response = HtmlResponse(url=meta["url"], body=_body(case), headers={"Content-Type": meta["content_type"]})
    item = ArticlePage.from_response(response).to_item()
    assert item.title == _expected(case)["title"]
    assert item.language == "ru"


def test_markups_agree_with_each_other():
    """Same seed content in every English markup of the dated rendering → identical items
    (but for the status's text: each markup shows its icon differently)."""
    english = [c for c in ARTICLE_CASES if c.startswith("markups/") and _expected(c)["language"] == "en"
               and _expected(c)["published_at"]]
    shared = [f for f in EXTRACTED if f != "category_status_text"]
    first = {f: as_json(f, getattr(_item(english[0]), f)) for f in shared}
    for case in english[1:]:
        assert {f: as_json(f, getattr(_item(case), f)) for f in shared} == first, case


# ---- a teaser box between the title and the body (synthetic markup)
# Some themes put "Similar articles" right under the headline. The region steps over such a box,
# so every rule, the CSS and largest-block fallbacks too, must leave its teasers' fields alone.

_TEASER_URL = "https://belarusinfocus.info/economy/minsk-hedges-its-bets"
_PROSE = "Minsk keeps balancing between Moscow and Brussels on the supply of weapons and parts. " * 3
_TEASER_BOX = """<div class="box">
<h2>Similar articles</h2>
<div class="teaser"><a href="/economy/belarusian-defence-industry-looks-new-markets">Belarusian defence industry looks for new markets</a>
<div class="teaser-meta"><span class="status"><img src="/img/status/positive.png" alt="positive"></span>
<span class="date">September 18, 2017 10:50</span> <span class="credit">Photo: BelTA</span></div>
<p>The lead of another article, long enough to pass for prose: the defence industry of Belarus keeps looking for new markets abroad, in Asia and Africa first of all.</p></div>
</div>"""
_RECENT = """<div class="sidebar-box"><h3>Recent trends</h3><ul><li><span class="date">October 1, 2017</span>
<a href="/security/what-military-police-service-means-belarus">What the military police service means for Belarus</a></li></ul></div>"""


def _teaser_page(own_meta: str = "", body: bool = True) -> str:
    paragraphs = f"<p>{_PROSE}</p><p>{_PROSE}</p>" if body else ""
    return (
        "<html><head><title>Minsk hedges its bets | Belarus in Focus</title></head><body><div class='content'>"
        f"<h1>Minsk hedges its bets</h1>{_TEASER_BOX}{own_meta}{paragraphs}</div>{_RECENT}"
        "<div class='footer'><p class='copyright'>© 2016–2018 Belarus in Focus</p></div></body></html>"
    )


@pytest.mark.parametrize("strip", [False, True], ids=["with-classes", "classes-stripped"])
def test_teaser_box_before_the_body_lends_no_fields(strip):
    html = _teaser_page()
    if strip:
        html = _without_classes(html.encode(), None)
    item = ArticlePage(_TEASER_URL, html).to_item()
    assert (item.published_at, item.photo_credit, item.category_status) == (None, None, None), item.rules
    assert item.body == f"{_PROSE.strip()}\n\n{_PROSE.strip()}", item.rules["body"]
    assert [link.title for link in item.similar_links] == ["Belarusian defence industry looks for new markets"]


def test_teaser_box_before_the_article_meta_yields_the_articles_own():
    meta = (
        "<p>Category status: <img src='/img/status/negative.png' alt='negative'></p>"
        "<p class='submitted'>October 2, 2017 11:57</p><p>Photo: Reuters</p>"
    )
    item = ArticlePage(_TEASER_URL, _teaser_page(meta)).to_item()
    assert item.category_status == "negative"
    assert item.published_at == datetime.fromisoformat("2017-10-02T11:57:00+03:00")
    assert item.photo_credit == "Reuters"
    assert item.body.startswith("Minsk keeps balancing") and "BelTA" not in item.body


def test_page_with_only_title_and_teasers_has_no_body():
    """The article block lost: no body (the pipeline records the page as invalid), and no
    teaser's, sidebar's or footer's date, credit or status standing in for the article's."""
    item = ArticlePage(_TEASER_URL, _teaser_page(body=False)).to_item()
    assert item.title == "Minsk hedges its bets"
    assert item.body is None, (item.body, item.rules["body"])
    assert (item.published_at, item.photo_credit, item.category_status) == (None, None, None), item.rules


# ---- listings


def _listing(case: str) -> ListingPage:
    meta = _meta(case)
    return ListingPage(meta["url"], _body(case), content_type=meta.get("content_type"))


@pytest.mark.parametrize(
    ("case", "field"),
    [pytest.param(c, f, id=f"{c}:{f}") for c in LISTING_CASES for f in ("article_urls", "next_page_url")],
)
def test_listing_field(case, field):
    got = getattr(_listing(case), field)()
    expected = _expected(case)[field]
    assert got == expected, f"{field} of {case}:\n  got      {got!r}\n  expected {expected!r}\n{_rerun_hint(case, field)}"


@pytest.mark.parametrize("case", LISTING_CASES)
def test_listing_has_no_extra_fields(case):
    assert set(_expected(case)) == {"article_urls", "next_page_url"}, f"{case}.json keys"


@pytest.mark.parametrize("case", LISTING_CASES)
def test_listing_links_are_canonical_and_on_site(case):
    page = _listing(case)
    site = _meta(case)["url"].split("/")[2]
    for url in page.links():
        assert url.split("/")[2] == site and "#" not in url and "utm_" not in url, url


# ---- rerun helper


def main(argv: list[str]) -> int:
    """Print the current extraction of one fixture (optionally some fields); never writes."""
    if not argv:
        print(__doc__)
        return 2
    case, fields = argv[0], argv[1:]
    if case.startswith("listing/"):
        page = _listing(case)
        out = {"article_urls": page.article_urls(), "next_page_url": page.next_page_url()}
    else:
        item = article_page(case).to_item()
        out = {f: as_json(f, getattr(item, f)) for f in EXTRACTED}
        out["rules"] = item.rules
    if fields:
        out = {f: out.get(f) for f in fields}
    print(json.dumps(out, ensure_ascii=False, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
