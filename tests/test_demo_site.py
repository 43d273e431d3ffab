"""The bundled offline site: ground truth, the real HTTP server, its faults, and the fixtures."""

from __future__ import annotations

import http.client
import re
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from parsel import Selector

from tests.conftest import shared_file
from warehouse.demo_site import DemoServer, build_site
from warehouse.demo_site.content import MINSK, PAGE_SIZE
from warehouse.demo_site.pages import Origin, respond
from warehouse.demo_site.save_fixtures import fixture_files

FIXTURES = Path(__file__).parent / "fixtures" / "pages"
PROJECT = Path(__file__).parents[1]


@pytest.fixture(scope="module")
def site():
    return build_site()


@pytest.fixture(scope="module")
def server(site):
    with DemoServer(site) as running:
        yield running


def fetch(server: DemoServer, target: str, method: str = "GET", headers: dict | None = None):
    """One request, no redirect following: (status, headers, body)."""
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        conn.request(method, target, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def page(server: DemoServer, target: str) -> Selector:
    status, headers, body = fetch(server, target)
    assert status == 200, target
    return Selector(text=body.decode(headers["Content-Type"].split("charset=")[1]))


# --- ground truth -----------------------------------------------------------------------------

def test_ground_truth_counts_and_fields(site):
    english = [a for a in site.articles if a.language == "en"]
    russian = [a for a in site.articles if a.language == "ru"]
    belarusian = [a for a in site.articles if a.language == "be"]
    assert len(english) == 160
    assert len(russian) == round(0.3 * 160)
    assert len(belarusian) == round(0.1 * 160)
    assert [a.language for a in site.articles] == ["en"] * 160 + ["ru"] * len(russian) + ["be"] * len(belarusian)
    assert len(site.expected_articles()) == len(site.articles) - 1
    assert {a.category for a in english} == set(site.categories)
    assert len({a.path for a in site.articles}) == len(site.articles)
    for article in site.articles:
        assert article.category_status in {"positive", "negative", "neutral"}
        prefix = "" if article.language == "en" else f"/{article.language}"
        assert article.path.startswith(f"{prefix}/{article.category}/")
        if article.language != "en":
            assert site.article(article.translation).path == article.path.removeprefix(prefix)
        when = article.published_at
        if when is not None:
            assert when.tzinfo is MINSK and when.second == 0
            assert datetime(2016, 6, 1, tzinfo=MINSK) <= when < datetime(2018, 7, 1, tzinfo=MINSK)
        for path, _title, _position in article.similar_links:
            assert site.article(path) or path in site.faults.missing_paths, path
    undated = [a.path for a in site.articles if a.published_at is None]
    assert undated == [site.faults.undated_path]


def test_generated_text_is_sized_and_russian_where_it_should_be(site):
    for article in site.articles[:40] + site.articles[-40:]:
        if article.kind != "ordinary":
            continue
        assert 3 <= len(article.paragraphs) <= 8
        assert 300 <= len(article.body.split()) <= 750
        cyrillic = re.search("[а-я]", article.body) is not None
        assert cyrillic == (article.language != "en"), article.path
        if article.language == "be":  # Belarusian letters, not Russian ones
            assert re.search("[іў]", article.body) and not re.search("[иъщ]", article.body), article.path


def test_month_boundary_article_is_at_half_past_midnight_on_the_first(site):
    when = site.article(site.month_boundary_path).published_at
    assert (when.day, when.hour, when.minute) == (1, 0, 30)
    assert when.astimezone(timezone.utc).month == (when.month - 2) % 12 + 1  # the previous month in UTC


def test_seed_pair_link_each_other_first(site):
    seed, similar = site.article(site.seed_path), site.article(site.seed_similar_path)
    assert seed.path == "/security/minsk-seeks-reduce-military-technical-dependence-russia"
    assert (seed.published_at, seed.category_status, seed.photo_credit) == (
        datetime(2017, 9, 18, 10, 50, tzinfo=MINSK), "neutral", "Министерство обороны Республики Казахстан")
    assert seed.similar[0] == (similar.path, "Belarusian and Ukrainian Defence Ministries entangle in confrontation spiral")
    assert similar.similar[0].path == seed.path
    assert (similar.published_at, similar.photo_credit) == (datetime(2017, 10, 2, 11, 57, tzinfo=MINSK), "RFRM")


def test_seed_bodies_equal_the_shared_seed_page(site, server):
    text = shared_file("seed-page.txt").read_text(encoding="utf-8")
    head, rest = text.split("\nSimilar articles\n", 1)
    seed_paragraphs = [b.strip() for b in head.split("\n\n") if b.strip()][2:]
    similar_paragraphs = [b.strip() for b in rest.split("\nRecent trends")[0].split("\n\n") if b.strip()][1:]
    assert site.article(site.seed_path).body == "\n\n".join(seed_paragraphs)
    assert site.article(site.seed_similar_path).body == "\n\n".join(similar_paragraphs)
    for theme, selector in (("classic", ".field-name-body p::text"), ("modern", ".post__content p::text")):
        server.theme = theme
        try:
            assert page(server, site.seed_path).css(selector).getall() == seed_paragraphs
        finally:
            server.theme = "classic"


def test_scales_to_thousands_of_articles():
    big = build_site(seed=5, articles=2000)
    assert sum(a.language == "en" for a in big.articles) == 2000
    assert big.page_count("en", "economy") > 20


# --- determinism and themes -------------------------------------------------------------------

@pytest.mark.slow
def test_same_seed_gives_same_bytes_and_another_seed_differs():
    origin = Origin("http://127.0.0.1:1", "http://localhost:1")
    first, again, other = build_site(seed=7, articles=40), build_site(seed=7, articles=40), build_site(seed=8, articles=40)
    targets = ["/", "/ru", "/economy", "/sitemap.xml", "/rss.xml", first.seed_path, first.articles[3].path]
    for target in targets:
        for theme in ("classic", "modern", "weekly"):
            assert respond(first, theme, target, origin) == respond(again, theme, target, origin)
    assert respond(first, "classic", "/", origin).body != respond(other, "classic", "/", origin).body


def test_server_sends_the_rendered_bytes(site, server):
    origin = Origin(server.base_url, f"http://localhost:{server.port}")
    status, _, body = fetch(server, site.seed_similar_path)
    assert status == 200
    assert body == respond(site, "classic", site.seed_similar_path, origin).body


def test_themes_differ_in_markup_but_keep_labels_in_order(site, server):
    article = site.article(site.seed_path)
    markers = [article.title, "Category status:", "September 18, 2017 10:50",
               "Фото: Министерство обороны Республики Казахстан", article.paragraphs[0][:60],
               "Similar articles", "Recent trends"]
    bodies = {}
    for theme in ("classic", "modern"):
        server.theme = theme
        try:
            bodies[theme] = fetch(server, article.path)[2].decode()
        finally:
            server.theme = "classic"
        positions = [bodies[theme].index(marker, bodies[theme].index("<body")) for marker in markers]
        assert positions == sorted(positions), theme
    assert 'class="page-title"' in bodies["classic"] and 'class="page-title"' not in bodies["modern"]
    assert "trend-icon--neutral" in bodies["modern"] and "status/neutral.png" in bodies["classic"]


def test_russian_pages_use_russian_labels_and_dates(site, server):
    article = next(a for a in site.articles if a.language == "ru" and a.path != site.faults.cp1251_path)
    html = fetch(server, article.path)[2].decode()
    months = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split()
    when = article.published_at
    assert f"{when.day} {months[when.month - 1]} {when.year} {when:%H:%M}" in html
    for label in ("Статус категории:", "Похожие статьи", "Последние тренды", "Фото: "):
        assert label in html
    word = {"positive": "Позитивный", "negative": "Негативный", "neutral": "Нейтральный"}[article.category_status]
    assert f'status/{article.category_status}.png" alt="{word}" title="{word}"' in html


# --- site files -------------------------------------------------------------------------------

def test_robots_txt(server):
    status, headers, body = fetch(server, "/robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    assert body.decode().splitlines() == [
        "User-agent: *", "Disallow: /user/", "Disallow: /search", "Disallow: /print/", "",
        f"Sitemap: {server.base_url}/sitemap.xml"]


def test_disallowed_paths_are_linked_and_served(site, server):
    selector = page(server, site.seed_path)
    hrefs = selector.css("a::attr(href)").getall()
    assert "/user/login" in hrefs and "/print" + site.seed_path in hrefs
    assert any(h.startswith("/search?q=") for h in hrefs)
    for target in ("/user/login", "/search?q=belarus", "/print" + site.seed_path):
        assert fetch(server, target)[0] == 200


def test_sitemap_lists_exactly_the_expected_articles(site, server):
    status, _, body = fetch(server, "/sitemap.xml")
    assert status == 200
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = ET.fromstring(body).findall("s:url", ns)
    locs = [u.findtext("s:loc", namespaces=ns) for u in urls]
    assert Counter(locs) == Counter(server.base_url + a.path for a in site.expected_articles())
    assert server.base_url + site.faults.oversized_path not in locs
    assert all(datetime.fromisoformat(u.findtext("s:lastmod", namespaces=ns)).tzinfo for u in urls)


def test_rss_has_the_latest_twenty_english_articles(site, server):
    items = ET.fromstring(fetch(server, "/rss.xml")[2]).findall("channel/item")
    assert [i.findtext("link") for i in items] == [server.base_url + a.path for a in site.latest("en", 20)]


# --- navigation -------------------------------------------------------------------------------

def test_listing_pagination_reaches_every_article_once(site, server):
    seen = Counter()
    for prefix in ("", "/ru", "/be"):
        for category in site.categories:
            target, pages = f"{prefix}/{category}", 0
            while target:
                selector = page(server, target)
                hrefs = selector.css(".view-content .views-field-title a::attr(href)").getall()
                assert 0 < len(hrefs) <= PAGE_SIZE + 1
                seen.update(hrefs)
                target = selector.css('a[rel="next"]::attr(href)').get()
                pages += 1
            assert pages == site.page_count(prefix.strip("/") or "en", category)
    assert seen == Counter([a.path for a in site.articles] + [site.faults.missing_listing[1]])


def test_listing_page_zero_equals_the_section_page_and_bad_pages_are_404(server):
    assert fetch(server, "/economy")[2] == fetch(server, "/economy?page=0")[2]
    assert fetch(server, "/economy?page=999")[0] == 404
    assert fetch(server, "/economy?page=x")[0] == 404


def test_home_pages_link_sections_latest_and_the_russian_mirror(site, server):
    hrefs = page(server, "/").css("a::attr(href)").getall()
    assert "/ru" in hrefs and all(f"/{c}" in hrefs for c in site.categories)
    assert site.faults.redirect_from in hrefs
    assert site.latest("en", 1)[0].path + "/" in hrefs
    ru_hrefs = page(server, "/ru").css("a::attr(href)").getall()
    assert all(f"/ru/{c}" in ru_hrefs for c in site.categories)


# --- faults -----------------------------------------------------------------------------------

def test_transient_500_then_200(site):
    with DemoServer(site) as fresh:
        path = site.faults.transient_500_path
        assert fetch(fresh, path)[0] == 500
        assert fetch(fresh, path)[0] == 200
    with DemoServer(site) as another:  # per server instance
        assert fetch(another, path + "?utm_source=x")[0] == 500


def test_node_address_redirects_permanently(site, server):
    status, headers, _ = fetch(server, site.faults.redirect_from)
    assert status == 301
    assert headers["Location"] == server.base_url + site.faults.redirect_to
    assert fetch(server, "/node/999999")[0] == 404


def test_missing_articles_are_linked_and_answer_404(site, server):
    source, gone = site.faults.missing_similar
    assert gone in page(server, source).css(".block-similar a::attr(href)").getall()
    listing, ghost = site.faults.missing_listing
    assert ghost in page(server, listing).css(".view-content a::attr(href)").getall()
    for path in site.faults.missing_paths:
        assert fetch(server, path)[0] == 404


def test_aliases_serve_the_same_content_without_redirect(site, server):
    canonical = fetch(server, site.faults.alias_target)
    assert canonical[0] == 200
    for href in site.faults.alias_hrefs:
        status, _, body = fetch(server, href.split("#")[0])  # fragments never reach a server
        assert (status, body) == (200, canonical[2]), href
    own_page = canonical[2].decode()
    assert f'href="{site.faults.alias_hrefs[2]}"' in own_page
    assert f'href="{site.faults.alias_hrefs[1].replace("&", "&amp;")}"' in own_page


def test_cp1251_page_decodes_with_its_declared_charset(site, server):
    status, headers, body = fetch(server, site.faults.cp1251_path)
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=windows-1251"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    html = body.decode("windows-1251")
    assert 'charset=windows-1251"' in html
    article = site.article(site.faults.cp1251_path)
    assert article.title in html and article.paragraphs[0] in html


def test_undated_article_has_no_date_element(site, server):
    for theme, date_class in (("classic", "field-name-post-date"), ("modern", "post__date")):
        server.theme = theme
        try:
            html = fetch(server, site.faults.undated_path)[2].decode()
        finally:
            server.theme = "classic"
        assert date_class not in html
        assert "Category status:" in html


def test_offsite_and_other_host_links(site, server):
    hrefs = page(server, site.seed_path).css("a::attr(href)").getall()
    assert any(h.startswith("https://www.facebook.com/") for h in hrefs)
    assert any(h.startswith("https://twitter.com/") for h in hrefs)
    assert any(h.startswith("mailto:") for h in hrefs)
    assert f"http://localhost:{server.port}/" in hrefs


def test_oversized_page_is_over_10_mb_with_content_length(site, server):
    status, headers, body = fetch(server, site.faults.oversized_path)
    assert status == 200
    assert int(headers["Content-Length"]) == len(body) > 10 * 1024 * 1024
    listing = [f"/{site.article(site.faults.oversized_path).category}?page={n}" for n in range(10)]
    assert any(site.faults.oversized_path in fetch(server, target)[2].decode() for target in listing)


# --- HTTP behaviour ---------------------------------------------------------------------------

def test_conditional_requests_get_304(site, server):
    path = site.seed_path
    status, headers, body = fetch(server, path)
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert parsedate_to_datetime(modified) == site.article(path).published_at
    not_modified_status, _, not_modified_body = fetch(server, path, headers={"If-None-Match": etag})
    assert (not_modified_status, not_modified_body) == (304, b"")
    assert fetch(server, path, headers={"If-Modified-Since": modified})[0] == 304
    assert fetch(server, path, headers={"If-None-Match": '"stale"'})[0] == 200
    head_status, head_headers, head_body = fetch(server, path, method="HEAD")
    assert (head_status, head_body) == (200, b"")
    assert head_headers["Content-Length"] == str(len(body)) and head_headers["ETag"] == etag


def test_request_log_records_host_and_user_agent(site, tmp_path):
    log = tmp_path / "access.log"
    with DemoServer(site, log_path=log) as logged:
        fetch(logged, "/robots.txt", headers={"Host": f"localhost:{logged.port}", "User-Agent": "probe/1"})
        fetch(logged, "/economy?page=1")
        first, second = logged.requests
    assert (first.method, first.path, first.host, first.status, first.user_agent) == (
        "GET", "/robots.txt", f"localhost:{logged.port}", 200, "probe/1")
    assert first.bytes_sent > 0 and second.path == "/economy?page=1"
    assert second.host == f"127.0.0.1:{logged.port}"
    # A line is written once its answer is sent, so two quick requests may log in either order.
    lines = log.read_text(encoding="utf-8").splitlines()
    (robots,) = [line for line in lines if '"GET /robots.txt"' in line]
    assert len(lines) == 2 and f'"localhost:{logged.port}"' in robots and "probe/1" in robots


def test_concurrent_requests(site, server):
    targets = [a.path for a in site.expected_articles()[:24]
               if a.path != site.faults.transient_500_path]
    statuses = []

    def worker(target):
        statuses.append(fetch(server, target)[0])

    threads = [threading.Thread(target=worker, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert statuses == [200] * len(targets)


def test_only_loopback():
    with pytest.raises(ValueError):
        DemoServer(build_site(articles=20), host="0.0.0.0")


@pytest.mark.slow
def test_command_line_serves_and_rejects_bad_input(tmp_path):
    bad = subprocess.run([sys.executable, "-m", "warehouse.demo_site", "--articles", "5"], cwd=PROJECT,
                         capture_output=True, text=True, timeout=30)
    assert bad.returncode == 2 and bad.stderr.strip().count("\n") == 0 and "at least 20" in bad.stderr
    proc = subprocess.Popen([sys.executable, "-m", "warehouse.demo_site", "--articles", "20", "--theme", "modern"],
                            cwd=PROJECT, stdout=subprocess.PIPE, text=True)
    try:
        base_url = proc.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", base_url)
        conn = http.client.HTTPConnection(base_url.removeprefix("http://"), timeout=10)
        conn.request("GET", "/")
        response = conn.getresponse()
        assert response.status == 200 and b"site-header__brand" in response.read()
        conn.close()
    finally:
        proc.terminate()
        proc.wait(10)


# --- fixtures ---------------------------------------------------------------------------------

def test_saved_fixtures_are_current():
    """Regenerate with: python -m warehouse.demo_site.save_fixtures tests/fixtures/pages"""
    files = fixture_files()
    stale = [name for name, content in files.items()
             if not (FIXTURES / name).is_file() or (FIXTURES / name).read_bytes() != content]
    assert not stale, f"fixtures differ from the generator; rerun save_fixtures: {stale}"
    meta = (FIXTURES / "article" / "meta.json").read_text(encoding="utf-8")
    assert "windows-1251" in meta


def test_stop_ends_kept_alive_connections(site):
    running = DemoServer(site).start()
    conn = http.client.HTTPConnection(running.host, running.port, timeout=5)
    conn.request("GET", "/robots.txt")
    assert conn.getresponse().read()
    running.stop()
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        conn.request("GET", "/robots.txt")
        conn.getresponse()
    conn.close()


def test_small_sites_of_any_seed_hold_every_fault():
    origin = Origin("http://127.0.0.1:1", "http://localhost:1")
    for seed in range(15):
        small = build_site(seed=seed, articles=20)
        faults = small.faults
        paths = [faults.transient_500_path, faults.undated_path, faults.oversized_path, faults.redirect_to,
                 faults.missing_similar[0], faults.alias_target]
        assert len(set(paths)) == len(paths) and all(small.article(p) for p in paths)
        assert respond(small, "modern", faults.missing_listing[0], origin).body.count(
            faults.missing_listing[1].encode()) == 2  # title link and "Read more"
