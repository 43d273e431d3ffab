"""The offline site's weekly rendering, its Belarusian mirrors and the host move."""

from __future__ import annotations

import http.client
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from parsel import Selector

from warehouse.demo_site import DemoServer, build_site
from warehouse.demo_site.model import STATUS_SENTENCES, UNCLEAR_SENTENCE, normalize_path
from warehouse.demo_site.pages import Origin, respond
from warehouse.demo_site.truth import expected_fields
from warehouse.demo_site.weekly_views import LABELS
from warehouse.demo_site.weeks import format_week, week_of

PROJECT = Path(__file__).parents[1]
ORIGIN = Origin("http://127.0.0.1:1", "http://localhost:1")
SM = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(scope="module")
def site():
    return build_site()


@pytest.fixture(scope="module")
def server(site):
    with DemoServer(site, theme="weekly") as running:
        yield running


def fetch(server: DemoServer, target: str, host: str | None = None):
    conn = http.client.HTTPConnection(host or server.host, server.port, timeout=10)
    try:
        conn.request("GET", target)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def page(site, target: str) -> str:
    answer = respond(site, "weekly", target, ORIGIN)
    assert answer.status == 200, target
    return answer.body.decode("utf-8")


def visible_text(html: str) -> str:
    body = Selector(text=html).css("body").get()
    return re.sub(r"\s+", " ", "".join(Selector(text=body).xpath("//body//text()").getall()))


# --- weeks ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("start", "language", "with_year", "text"), [
    (date(2016, 8, 22), "en", True, "August 22 – August 28, 2016"),
    (date(2020, 12, 28), "en", True, "December 28, 2020 – January 3, 2021"),
    (date(2019, 10, 21), "en", False, "October 21 – October 27"),
    (date(2016, 8, 22), "ru", True, "22 – 28 августа 2016"),
    (date(2016, 8, 22), "be", True, "22 – 28 жніўня 2016"),
    (date(2016, 8, 29), "ru", True, "29 августа – 4 сентября 2016"),
    (date(2016, 8, 29), "be", False, "29 жніўня – 4 верасня"),
    (date(2016, 12, 26), "be", True, "26 снежня 2016 – 1 студзеня 2017"),
])
def test_weeks_are_printed_as_the_live_site_prints_them(start, language, with_year, text):
    assert week_of(start + (start - start)) == (start, date.fromordinal(start.toordinal() + 6))
    assert format_week(*week_of(start), language, with_year=with_year) == text


def test_every_article_covers_the_monday_to_sunday_week_of_its_date(site):
    for article in site.articles:
        start, end = article.period
        day = (article.published_at or article.sort_at).date()
        assert start.weekday() == 0 and (end - start).days == 6 and start <= day <= end


# --- Belarusian mirrors -----------------------------------------------------------------------

@pytest.mark.slow
def test_belarusian_mirrors_leave_english_and_russian_pages_unchanged():
    with_be, without = build_site(seed=7, articles=40), build_site(seed=7, articles=40, be_share=0)
    assert any(a.language == "be" for a in with_be.articles) and not any(a.language == "be" for a in without.articles)
    targets = ["/", "/ru", "/rss.xml", "/economy", "/ru/security"] + [a.path for a in without.articles[:60]]
    for theme in ("classic", "modern"):
        for target in targets:
            assert respond(with_be, theme, target, ORIGIN).body == respond(without, theme, target, ORIGIN).body


def test_dated_belarusian_pages_use_belarusian_labels(site):
    article = next(a for a in site.articles if a.language == "be")
    html = respond(site, "classic", article.path, ORIGIN).body.decode()
    when = article.published_at
    months = "студзеня лютага сакавіка красавіка мая чэрвеня ліпеня жніўня верасня кастрычніка лістапада снежня".split()
    assert f"{when.day} {months[when.month - 1]} {when.year} {when:%H:%M}" in html
    for label in ("Статус катэгорыі:", "Падобныя артыкулы", "Апошнія трэнды", f"Фота: {article.photo_credit}"):
        assert label in html
    word = expected_fields(article, "classic")["category_status_text"]
    assert word in {"Пазітыўны", "Негатыўны", "Нейтральны"} and f'alt="{word}"' in html
    assert respond(site, "classic", "/be", ORIGIN).status == 200
    assert respond(site, "classic", "/be/economy", ORIGIN).status == 200


# --- the weekly article page ------------------------------------------------------------------

def test_weekly_article_shows_the_fields_in_the_contract_order(site):
    for article in site.expected_articles():
        if article.kind == "oversized":
            continue
        fields = expected_fields(article, "weekly")
        html = page(site, article.permalink)
        text = visible_text(html)
        names = fields["authors"]
        week = format_week(*article.period, article.language)
        markers = [week, _section(article), article.title, fields["category_status_text"],
                   f"{article.weekly_credit_label}: {article.photo_credit}", article.paragraphs[0],
                   article.paragraphs[-1], LABELS[article.language]["situation"]]
        position = 0
        if names:
            byline = re.search("by " + "(?: and |, )".join(map(re.escape, names)), text)
            assert byline, (article.path, names)
            position = byline.end()
        for marker in markers:
            found = text.find(marker, position)
            assert found != -1, (article.path, marker, text[position:position + 300])
            position = found + len(marker)
        assert "<time" not in html and "datetime=" not in html and "published_time" not in html
        assert not re.search(r"\d{1,2}:\d{2}", text.split(article.paragraphs[-1])[0]), article.path


def _section(article) -> str:
    from warehouse.demo_site.vocabulary import SECTION_NAMES
    return SECTION_NAMES[article.language][article.category]


def test_weekly_pages_vary_where_the_live_site_does(site):
    articles = site.expected_articles()
    pages = {a.path: page(site, a.permalink) for a in articles[:60] + articles[-60:]}
    assert {"entry-title", "wp-block-post-title"} <= {m for html in pages.values()
                                                       for m in re.findall(r"entry-title|wp-block-post-title", html)}
    sentences = {expected_fields(a, "weekly")["category_status_text"] for a in articles}
    assert {s for by_status in STATUS_SENTENCES.values() for v in by_status.values() for s in v} | {UNCLEAR_SENTENCE} == sentences
    labels = Counter(a.weekly_credit_label for a in articles if a.language == "en")
    assert set(labels) == {"Photo", "Фота", "Фото"}
    assert {len(a.authors) for a in articles} == {0, 1, 2} and {a.author_links for a in articles} == {True, False}
    assert any(a.node_id % 5 == 0 for a in articles) and not all(a.weekly_slash for a in articles)


def test_title_again_bare_by_and_linked_authors(site):
    again = next(a for a in site.expected_articles() if a.node_id % 5 == 0 and a.kind == "ordinary")
    assert visible_text(page(site, again.permalink)).count(again.title) >= 2
    bare = next(a for a in site.expected_articles() if not a.authors and a.node_id % 3 != 2)
    assert re.search(r">by</span>", page(site, bare.permalink))
    linked = next(a for a in site.expected_articles() if len(a.authors) == 2 and a.author_links)
    hrefs = Selector(text=page(site, linked.permalink)).css("a[rel=author]::attr(href)").getall()
    assert hrefs == [f"{'' if linked.language == 'en' else '/' + linked.language}/author/{p.slug}/" for p in linked.authors]
    assert respond(site, "weekly", hrefs[0], ORIGIN).status == 200


def test_unclear_status_maps_to_none(site):
    article = site.article(site.faults.unclear_status_path)
    fields = expected_fields(article, "weekly")
    assert (fields["category_status"], fields["category_status_text"]) == (None, UNCLEAR_SENTENCE)
    assert UNCLEAR_SENTENCE in page(site, article.permalink)
    assert expected_fields(article, "classic")["category_status"] == article.category_status


def test_read_more_lists_the_similar_articles_in_order(site):
    for article in site.expected_articles()[:80]:
        html = Selector(text=page(site, article.permalink))
        heading = html.xpath("//*[self::h2 or self::h3][normalize-space()='Read more' or normalize-space()="
                             "'Читайте также' or normalize-space()='Чытайце таксама']")
        hrefs = heading.xpath("following-sibling::ul[1]//a/@href").getall()
        assert [normalize_path(h) for h in hrefs] == [p for p, _, _ in article.similar_links], article.path


def test_weekly_ground_truth_differs_from_dated_only_where_the_page_does(site):
    article = site.article(site.seed_path)
    weekly, classic = expected_fields(article, "weekly"), expected_fields(article, "classic")
    assert (weekly["published_at"], weekly["period_start"], weekly["period_end"]) == (None, date(2017, 9, 18), date(2017, 9, 24))
    assert (classic["period_start"], classic["authors"]) == (None, [])
    same = ("title", "body", "photo_credit", "similar_links", "language", "category")
    assert {k: weekly[k] for k in same} == {k: classic[k] for k in same}


# --- weekly navigation ------------------------------------------------------------------------

def test_weekly_listings_reach_every_article_once_in_both_paging_forms(site):
    seen = Counter()
    for language in ("en", "ru", "be"):
        prefix = "" if language == "en" else f"/{language}"
        for category in [*site.categories, None]:
            target, count = f"{prefix}/analytics/" + (f"{category}/" if category else ""), 0
            while target:
                html = page(site, target)
                selector = Selector(text=html)
                items = selector.css(".trend-list h2 a::attr(href)").getall()
                weeks = selector.css(".trend-list div::text").getall()
                assert 0 < len(items) <= 11 and all(not re.search(r"\d{4}", w) for w in weeks)
                if category:
                    seen.update(normalize_path(h) for h in items)
                nxt = selector.css("a.next::attr(href)").get()
                if nxt:
                    assert ("?paged=" in nxt) == bool(category) and ("/page/" in nxt) == (not category)
                    other = (nxt.replace("?paged=", "page/").rstrip("/") + "/" if category
                             else re.sub(r"page/(\d+)/", r"?paged=\1", nxt))
                    assert page(site, other) == page(site, nxt), other
                target, count = nxt, count + 1
            assert count >= 1
    assert seen == Counter([a.path for a in site.articles] + [site.faults.missing_listing[1]])
    assert respond(site, "weekly", "/analytics/economy/?paged=99", ORIGIN).status == 404
    assert respond(site, "weekly", "/analytics/economy/page/x/", ORIGIN).status == 404


def test_old_addresses_redirect_to_their_weekly_equivalents(site):
    article = site.article(site.faults.redirect_to)
    expected = {"/economy": "/analytics/economy/", "/economy?page=2": "/analytics/economy/?paged=3",
                "/ru/security": "/ru/analytics/security/", "/rss.xml": "/feed/", "/be/rss.xml": "/be/feed/",
                "/sitemap.xml": "/wp-sitemap.xml", site.faults.redirect_from: article.permalink, "/ru": "/ru/",
                "/analytics/economy?paged=2": "/analytics/economy/?paged=2", "/analytics/page/3": "/analytics/page/3/",
                "/be/feed": "/be/feed/", "/author/ihar-dubrouski": "/author/ihar-dubrouski/"}
    for old, new in expected.items():
        answer = respond(site, "weekly", old, ORIGIN)
        assert (answer.status, answer.location) == (301, ORIGIN.base + new), old


def test_articles_answer_at_their_permalink_and_redirect_from_the_other_slash_form(site):
    with_slash = next(a for a in site.expected_articles() if a.weekly_slash)
    without = next(a for a in site.expected_articles() if not a.weekly_slash)
    for article, other in ((with_slash, with_slash.path), (without, without.path + "/")):
        assert respond(site, "weekly", article.permalink, ORIGIN).status == 200
        answer = respond(site, "weekly", other + "?utm_source=x", ORIGIN)
        assert (answer.status, answer.location) == (301, ORIGIN.base + article.permalink + "?utm_source=x")
    for path in site.faults.missing_paths:
        assert respond(site, "weekly", path + "/", ORIGIN).status == 404


def test_robots_names_a_sitemap_index_covering_every_expected_article(site, server):
    robots = fetch(server, "/robots.txt")[2].decode()
    (index_url,) = [line.split(": ", 1)[1] for line in robots.splitlines() if line.startswith("Sitemap: ")]
    index = ET.fromstring(fetch(server, urlsplit(index_url).path)[2])
    locs = [loc.text for loc in index.findall("s:sitemap/s:loc", SM)]
    assert len(locs) >= 3 and locs[-1].endswith("taxonomies-category-1.xml")
    found = []
    for loc in locs[:-1]:
        found += [u.findtext("s:loc", namespaces=SM) for u in ET.fromstring(fetch(server, urlsplit(loc).path)[2])]
    assert Counter(found) == Counter(server.base_url + a.permalink for a in site.expected_articles())
    listings = [u.findtext("s:loc", namespaces=SM) for u in ET.fromstring(fetch(server, urlsplit(locs[-1]).path)[2])]
    assert server.base_url + "/be/analytics/society/" in listings


def test_feeds_list_the_latest_without_a_publication_date(site, server):
    for prefix, language in (("", "en"), ("/ru", "ru"), ("/be", "be")):
        feed = ET.fromstring(fetch(server, f"{prefix}/feed/")[2])
        links = [i.findtext("link") for i in feed.findall("channel/item")]
        assert links == [server.base_url + a.permalink for a in site.latest(language, 10)]
        assert feed.find("channel/item/pubDate") is None


def test_home_links_sections_all_trends_and_languages(site, server):
    hrefs = Selector(text=fetch(server, "/")[2].decode()).css("a::attr(href)").getall()
    assert {"/analytics/", "/ru/", "/be/"} <= set(hrefs)
    assert all(f"/analytics/{c}/" in hrefs for c in site.categories)
    assert site.latest("en", 1)[0].permalink in hrefs


# --- the move between two loopback hosts ------------------------------------------------------

def test_old_host_answers_301_to_the_same_path_on_the_new_host(site):
    with DemoServer(site, theme="weekly", host="127.0.0.2") as new, DemoServer(site, theme="weekly") as old:
        old.moved_to = new.base_url
        for target in ("/", "/analytics/economy/?paged=2", site.article(site.seed_path).permalink, "/robots.txt"):
            status, headers, body = fetch(old, target)
            assert (status, headers["Location"], body) == (301, new.base_url + target, b"")
            assert fetch(new, target)[0] == 200
        assert [r.status for r in old.requests] == [301] * 4
        assert {r.host for r in new.requests} == {f"127.0.0.2:{new.port}"}
        old.moved_to = None
        assert fetch(old, "/")[0] == 200
    with pytest.raises(ValueError):
        DemoServer(site, moved_to="127.0.0.2:80")


@pytest.mark.slow
def test_command_line_serves_weekly_on_another_loopback_and_plays_a_moved_host():
    proc = subprocess.Popen([sys.executable, "-m", "warehouse.demo_site", "--articles", "20", "--theme", "weekly",
                             "--host", "127.0.0.2", "--moved-to", "http://127.0.0.3:9"],
                            cwd=PROJECT, stdout=subprocess.PIPE, text=True)
    try:
        base_url = proc.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.2:\d+", base_url)
        conn = http.client.HTTPConnection(base_url.removeprefix("http://"), timeout=10)
        conn.request("GET", "/feed/?x=1")
        response = conn.getresponse()
        assert (response.status, response.getheader("Location")) == (301, "http://127.0.0.3:9/feed/?x=1")
        conn.close()
    finally:
        proc.terminate()
        proc.wait(10)
    bad = subprocess.run([sys.executable, "-m", "warehouse.demo_site", "--moved-to", "nowhere"], cwd=PROJECT,
                         capture_output=True, text=True, timeout=30)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "moved_to" in bad.stderr
