"""The spider's navigation, callback by callback, on Scrapy responses built in the test: the
current host and the move, discovery on the weekly rendering (listings, paging, feeds, sitemaps
through robots.txt), and the incremental stop with WordPress paging."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from scrapy import Request
from scrapy.exceptions import UsageError
from scrapy.http import HtmlResponse, TextResponse, XmlResponse
from scrapy.utils.test import get_crawler

from crawler.items import ArticleItem, SiteMoved
from crawler.recrawl import RecrawlPolicy
from crawler.spiders.belarusinfocus import BelarusInFocusSpider
from warehouse.loader import KnownArticle

OLD = "http://127.0.0.1:8017"
NEW = "http://127.0.0.2:8018"
SEEN = datetime(2024, 1, 1, tzinfo=timezone.utc)


def make_spider(base_url: str = OLD, known=(), full: bool = False, site_hosts: str = "127.0.0.1:8017,127.0.0.2:8018"):
    crawler = get_crawler(BelarusInFocusSpider, {"SITE_HOSTS": site_hosts})
    spider = crawler._create_spider(base_url=base_url, **({"full": "1"} if full else {}))
    stored = {url: KnownArticle(None, SEEN, None, None, None) for url in known}
    spider.policy = RecrawlPolicy(stored, full=full, refetch_days=14, walk_all_listings=full,
                                  now=datetime(2024, 6, 1, tzinfo=timezone.utc))
    return spider


def html(url: str, body: str, redirected_from: str | None = None) -> HtmlResponse:
    request = Request(url, meta={"redirect_urls": [redirected_from]} if redirected_from else {})
    return HtmlResponse(url=url, body=body.encode(), encoding="utf-8", request=request)


def split(outputs):
    outputs = list(outputs)
    return [o for o in outputs if isinstance(o, Request)], [o for o in outputs if not isinstance(o, Request)]


HOME = """<html><head>
<link rel="alternate" type="application/rss+xml" title="Feed" href="/feed/">
<link rel="alternate" type="application/rss+xml" title="Off-site" href="https://feeds.example.org/bif">
</head><body>
<nav><a href="/analytics/">All trends</a> <a href="/analytics/the-ruling-elite/">The ruling elite</a>
<a href="/ru/">Русский</a> <a href="/be/">Беларуская</a> <a href="http://127.0.0.1:8017/about-monitoring">About</a></nav>
<main>
<article><h2><a href="/the-ruling-elite/first-piece/">First piece</a></h2><p>March 18 – March 24</p></article>
<article><h2><a href="http://127.0.0.1:8017/security-issues/second-piece/">Second</a></h2><p>March 11 – March 17</p></article>
<article><h2><a href="https://www.belarusinfocus.info/society-and-political-parties/third">Third</a></h2></article>
</main>
<footer><a href="http://localhost:8018/">Mirror</a> <a href="https://twitter.com/bif">Twitter</a></footer>
</body></html>"""


def test_the_home_page_after_a_redirect_makes_its_host_current_and_says_so_first():
    spider = make_spider(known=[OLD + "/the-ruling-elite/first-piece"])
    requests, items = split(spider.parse_home(html(NEW + "/", HOME, redirected_from=OLD + "/")))
    assert spider.hosts.current == NEW
    moved = items[0]
    assert isinstance(moved, SiteMoved) and moved.to_site == NEW
    assert {OLD, "https://127.0.0.1:8017", "https://belarusinfocus.pro", "http://www.belarusinfocus.info",
            "https://127.0.0.2:8018"} <= set(moved.from_sites)
    assert NEW not in moved.from_sites
    urls = [r.url for r in requests]
    # Every request on the current host, links of other site hosts moved there, others dropped.
    assert all(url.startswith(NEW + "/") for url in urls), urls
    assert NEW + "/security-issues/second-piece/" in urls
    assert NEW + "/society-and-political-parties/third" in urls
    # The stored article, known under the old host, is recognised on the new one.
    assert not any("first-piece" in url for url in urls)
    assert not any("localhost" in url or "twitter" in url or "example.org" in url for url in urls)


def test_discovery_from_the_home_page_robots_feeds_listings_and_languages():
    spider = make_spider(base_url=NEW)
    requests, _ = split(spider.parse_home(html(NEW + "/", HOME)))
    by_callback = {}
    for request in requests:
        by_callback.setdefault(request.callback.__name__, []).append(request.url)
    assert by_callback["parse_robots"] == [NEW + "/robots.txt"]
    assert by_callback["parse_feed"] == [NEW + "/feed/"], "the announced feed only, and not the off-site one"
    # Asked for in the form the page writes (WordPress redirects the slash-less one).
    assert set(by_callback["parse_listing"]) == {NEW + "/analytics/", NEW + "/analytics/the-ruling-elite/",
                                                 NEW + "/ru/", NEW + "/be/"}
    assert "about-monitoring" not in " ".join(by_callback["parse_listing"])


def test_without_announced_feeds_the_usual_feed_addresses_are_tried_quietly():
    spider = make_spider(base_url=NEW)
    requests, _ = split(spider.parse_home(html(NEW + "/", "<html><body><p>Nothing</p></body></html>")))
    feeds = [r for r in requests if r.callback == spider.parse_feed]
    assert [r.url for r in feeds] == [NEW + "/feed/", NEW + "/rss.xml"]
    assert all(r.errback == spider.ignore_failure for r in feeds)


def test_sitemaps_come_from_robots_txt_and_indexes_are_followed():
    spider = make_spider(base_url=NEW)
    robots = TextResponse(NEW + "/robots.txt", body=(
        "User-agent: *\nDisallow: /wp-admin/\nSitemap: http://127.0.0.1:8017/wp-sitemap.xml\n"
        "Sitemap: https://elsewhere.example/sitemap.xml\n").encode(), encoding="utf-8")
    requests, _ = split(spider.parse_robots(robots))
    assert [(r.url, r.callback.__name__) for r in requests] == [(NEW + "/wp-sitemap.xml", "parse_sitemap")]
    index = XmlResponse(NEW + "/wp-sitemap.xml", body=b"""<?xml version="1.0"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>http://127.0.0.2:8018/wp-sitemap-posts-post-1.xml</loc></sitemap></sitemapindex>""")
    requests, _ = split(spider.parse_sitemap(index))
    assert [r.url for r in requests] == [NEW + "/wp-sitemap-posts-post-1.xml"]
    posts = XmlResponse(NEW + "/wp-sitemap-posts-post-1.xml", body=b"""<?xml version="1.0"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://belarusinfocus.pro/the-ruling-elite/a-piece/</loc></url>
<url><loc>http://127.0.0.2:8018/analytics/</loc></url></urlset>""")
    requests, _ = split(spider.parse_sitemap(posts))
    assert [(r.url, r.callback.__name__) for r in requests] == [(NEW + "/the-ruling-elite/a-piece/", "parse_article")]


def test_robots_without_sitemap_lines_falls_back_to_sitemap_xml():
    spider = make_spider(base_url=NEW)
    robots = TextResponse(NEW + "/robots.txt", body=b"User-agent: *\nCrawl-delay: 2\n", encoding="utf-8")
    requests, _ = split(spider.parse_robots(robots))
    assert [(r.url, r.errback.__name__) for r in requests] == [(NEW + "/sitemap.xml", "ignore_failure")]


def listing(page: int, articles: list[str], form: str = "path") -> HtmlResponse:
    url = NEW + "/analytics/security-issues/" + ("" if page == 1 else (f"page/{page}/" if form == "path" else f"?paged={page}"))
    nxt = f"/analytics/security-issues/page/{page + 1}/" if form == "path" else f"/analytics/security-issues/?paged={page + 1}"
    teasers = "".join(f'<div><h3><a href="/security-issues/{slug}/">{slug}</a></h3><span>May 6 – May 12</span></div>'
                      for slug in articles)
    pager = (f'<a class="page-numbers" href="/analytics/security-issues/page/7/">7</a>'
             f'<a class="page-numbers" href="/analytics/security-issues/?paged=8">8</a>'
             f'<a class="next page-numbers" href="{nxt}">Older posts »</a>')
    return html(url, f"<html><body><main><h1>All trends</h1>{teasers}<nav>{pager}</nav></main></body></html>")


@pytest.mark.parametrize("form", ["path", "query"])
def test_wordpress_paging_follows_next_until_a_page_of_stored_articles(form):
    spider = make_spider(base_url=NEW, known=[NEW + "/security-issues/old-1", NEW + "/security-issues/old-2"])
    requests, _ = split(spider.parse_listing(listing(1, ["new-1", "old-1"], form)))
    paging = [r.url for r in requests if r.callback == spider.parse_listing]
    expected_next = NEW + ("/analytics/security-issues/page/2/" if form == "path" else "/analytics/security-issues/?paged=2")
    # The next page only: numbered pager links would bypass the incremental stop.
    assert paging == [expected_next]
    # Asked for as the listing links it (WordPress would redirect the slash-less form).
    assert [r.url for r in requests if r.callback == spider.parse_article] == [NEW + "/security-issues/new-1/"]
    requests, _ = split(spider.parse_listing(listing(2, ["old-1", "old-2"], form)))
    assert [r for r in requests if r.callback == spider.parse_listing] == [], "paged past a page of stored articles"


def test_a_full_crawl_walks_every_listing_page_even_numbered_ones():
    spider = make_spider(base_url=NEW, known=[NEW + "/security-issues/old-1"], full=True)
    requests, _ = split(spider.parse_listing(listing(2, ["old-1"])))
    paging = {r.url for r in requests if r.callback == spider.parse_listing}
    assert paging == {NEW + "/analytics/security-issues/page/3/", NEW + "/analytics/security-issues/page/7/",
                      NEW + "/analytics/security-issues/?paged=8"}


ARTICLE = """<html><body><main><article>
<p>by <a href="/author/jo/">Jo Smith</a></p><p>June 12 – June 18, 2023</p><p>The ruling elite</p>
<h1>A weekly piece</h1><p>The situation has not changed</p>
<p>A lead paragraph of the piece with enough words to be a body paragraph for any extractor.</p>
<p>A second paragraph of the piece, also long enough to count as part of the article's body text.</p>
</article>
<section><h2>Read more</h2>
<a href="https://belarusinfocus.info/the-ruling-elite/another-piece/">Another piece</a><p>June 5 – June 11</p>
<a href="/the-ruling-elite/third-piece/">Third piece</a></section></main></body></html>"""


def test_article_items_and_their_links_are_on_the_current_host():
    spider = make_spider(base_url="https://belarusinfocus.info", site_hosts="")
    spider.hosts.move_to("https://belarusinfocus.pro/")
    response = html("https://belarusinfocus.info/the-ruling-elite/a-weekly-piece/", ARTICLE)
    requests, items = split(spider.parse_article(response))
    item = next(i for i in items if isinstance(i, ArticleItem))
    assert (item.url, item.site) == ("https://belarusinfocus.pro/the-ruling-elite/a-weekly-piece", "https://belarusinfocus.pro")
    assert all(link.url.startswith("https://belarusinfocus.pro/") for link in item.similar_links)
    urls = {r.url for r in requests}
    assert {"https://belarusinfocus.pro/the-ruling-elite/another-piece",
            "https://belarusinfocus.pro/the-ruling-elite/third-piece"} <= urls
    assert all(url.startswith("https://belarusinfocus.pro/") for url in urls)


def test_site_hosts_setting_errors_are_one_usage_line():
    with pytest.raises(UsageError, match="SITE_HOSTS entry 'http://127.0.0.2:8018/' is not a host or host:port"):
        make_spider(site_hosts="http://127.0.0.2:8018/")


def test_the_default_base_url_is_the_pro_host():
    spider = get_crawler(BelarusInFocusSpider)._create_spider()
    assert spider.base_url == "https://belarusinfocus.pro"
    assert spider.hosts.current == "https://belarusinfocus.pro"


def test_a_dated_listing_is_asked_for_without_slashes_until_the_site_redirects_to_them():
    spider = make_spider(base_url=NEW)
    dated = html(NEW + "/economy", '<html><body><main><a href="/economy/one">One</a>'
                                   '<a href="/economy?page=1">next ›</a><a href="/society">Society</a></main></body></html>')
    requests, _ = split(spider.parse_listing(dated))
    assert {r.url for r in requests} == {NEW + "/economy/one", NEW + "/economy?page=1", NEW + "/society"}
    # A redirect from a slash-less address to the slashed one teaches the site's form.
    redirected = html(NEW + "/society/", '<html><body><main><a href="/society/two">Two</a></main></body></html>',
                      redirected_from=NEW + "/society")
    requests, _ = split(spider.parse_listing(redirected))
    assert [r.url for r in requests] == [NEW + "/society/two"], "a link's own form wins"
    # Links whose written form is unknown (canonical URLs from article pages) take the site's form.
    page = html(NEW + "/society/two/", '<html><body><main><article><h1>Two</h1><p>A paragraph long enough to be '
                "an article's body text for the extractor.</p></article>"
                '<aside><a href="/society/three">Three</a> <a href="/security">Security</a></aside></main></body></html>')
    requests, _ = split(spider.parse_article(page))
    assert [r.url for r in requests] == [NEW + "/society/three/", NEW + "/security/"]


def test_a_home_page_error_still_starts_discovery_from_robots_and_feeds():
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.python.failure import Failure

    spider = make_spider(base_url=NEW)
    response = html(NEW + "/", "<html><body>Server error</body></html>")
    response.status = 500
    failure = Failure(HttpError(response, "HTTP 500"))
    failure.request = response.request
    requests, items = split(spider.home_failed(failure))
    assert items[0].kind == "http" and items[0].url == NEW + "/"
    assert isinstance(items[1], SiteMoved)
    assert {r.callback.__name__ for r in requests} == {"parse_robots", "parse_feed"}
