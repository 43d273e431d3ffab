"""What a URL says about its page on both renderings, and the site's hosts (crawler/hosts.py)."""

from __future__ import annotations

import pytest

from crawler.extraction.urls import (
    category_from_url, is_article_url, is_language_home, is_section_url, is_weekly_listing_url,
    language_from_url, listing_page_number, same_site,
)
from crawler.hosts import BadSiteHosts, SiteHosts, is_loopback, netloc_of, parse_site_hosts

PRO = "https://belarusinfocus.pro"

ARTICLES = {
    # url: (category, language)
    f"{PRO}/the-ruling-elite/unity-coerced-repression-authorities-repeat-covid-19-mistakes-spring-2020/":
        ("the-ruling-elite", "en"),
    f"{PRO}/society-and-political-parties/civil-society-resists-pressure-and-repressions-authorities-political":
        ("society-and-political-parties", "en"),
    f"{PRO}/ru/security-issues/some-slug/": ("security-issues", "ru"),
    f"{PRO}/be/belarus-russia-relations/slug": ("belarus-russia-relations", "be"),
    "https://belarusinfocus.info/economy/national-bank-eases-monetary-policy": ("economy", "en"),
}

NOT_ARTICLES = [
    f"{PRO}/analytics/", f"{PRO}/analytics/society-and-political-parties/",
    f"{PRO}/analytics/society-and-political-parties/?paged=7", f"{PRO}/analytics/the-ruling-elite/page/3/",
    f"{PRO}/ru/analytics/security-issues/", f"{PRO}/page/2/", f"{PRO}/feed/", f"{PRO}/the-ruling-elite/feed/",
    f"{PRO}/tag/protests/", f"{PRO}/author/jo-smith/", f"{PRO}/category/news/", f"{PRO}/wp-content/uploads/a.jpg",
    f"{PRO}/wp-json/wp/v2/posts", f"{PRO}/wp-admin/edit.php", f"{PRO}/the-ruling-elite/page/2/", f"{PRO}/",
    f"{PRO}/ru/", f"{PRO}/be/", f"{PRO}/about-monitoring", f"{PRO}/the-ruling-elite/slug/embed/",
    f"{PRO}/the-ruling-elite/slug/amp/", f"{PRO}/sitemap.xml", f"{PRO}/wp-sitemap-posts-post-1.xml",
]


@pytest.mark.parametrize("url", list(ARTICLES))
def test_article_urls_of_both_renderings(url):
    assert is_article_url(url)
    assert (category_from_url(url), language_from_url(url)) == ARTICLES[url]


@pytest.mark.parametrize("url", NOT_ARTICLES)
def test_listings_paging_feeds_and_system_paths_are_not_articles(url):
    assert not is_article_url(url)


@pytest.mark.parametrize(("url", "weekly", "page"), [
    (f"{PRO}/analytics/", True, None),
    (f"{PRO}/analytics/security-issues/", True, None),
    (f"{PRO}/analytics/security-issues/?paged=7", True, 7),
    (f"{PRO}/analytics/security-issues/page/3/", True, 3),
    (f"{PRO}/analytics/page/2", True, 2),
    (f"{PRO}/be/analytics/security-issues", True, None),
    ("https://belarusinfocus.info/economy", False, None),
    ("https://belarusinfocus.info/economy?page=2", False, 2),
    ("https://belarusinfocus.info/ru/economy?page=0", False, 0),
])
def test_listing_urls_and_their_page_numbers(url, weekly, page):
    assert is_section_url(url)
    assert is_weekly_listing_url(url) is weekly
    assert listing_page_number(url) == page


@pytest.mark.parametrize("url", [f"{PRO}/analytics/security-issues/slug/", f"{PRO}/analytics/tag/",
                                 f"{PRO}/feed", f"{PRO}/wp-content", f"{PRO}/economy/slug", f"{PRO}/"])
def test_not_listings(url):
    assert not is_section_url(url)


def test_language_homes():
    assert is_language_home(f"{PRO}/ru/") and is_language_home(f"{PRO}/be")
    assert not is_language_home(f"{PRO}/") and not is_language_home(f"{PRO}/ru/economy")


def test_the_sites_builtin_hosts_are_one_site_and_others_are_not():
    assert same_site(f"{PRO}/a/b", "https://www.belarusinfocus.info/c")
    assert same_site("http://belarusinfocus.info/a", f"{PRO}/")
    assert not same_site(f"{PRO}/a/b", "https://example.com/a/b")
    assert not same_site("http://127.0.0.1:8017/a", "http://127.0.0.2:8018/a")
    assert same_site("http://127.0.0.1:8017/a", "http://127.0.0.2:8018/a", frozenset({"127.0.0.1:8017", "127.0.0.2:8018"}))
    assert not same_site("http://127.0.0.1:8017/a", f"{PRO}/a", frozenset({"127.0.0.2:8018"}))


def test_site_hosts_setting_accepts_a_list_or_a_comma_separated_string():
    assert parse_site_hosts("127.0.0.1:8017, 127.0.0.2:8018") == ("127.0.0.1:8017", "127.0.0.2:8018")
    assert parse_site_hosts(["Mirror.Example.org"]) == ("mirror.example.org",)
    assert parse_site_hosts(None) == () and parse_site_hosts("") == ()
    for bad in ("http://127.0.0.2:8018", "host/path", "a b"):
        with pytest.raises(BadSiteHosts, match="is not a host or host:port"):
            parse_site_hosts(bad)


def test_hosts_move_urls_onto_the_current_host():
    hosts = SiteHosts("http://127.0.0.1:8017", ("127.0.0.2:8018",))
    assert hosts.current == "http://127.0.0.1:8017"
    assert hosts.on_current("https://www.belarusinfocus.info/economy/x/?utm_source=t#c") == "http://127.0.0.1:8017/economy/x"
    assert hosts.on_current("https://example.org/economy/x") is None
    assert not hosts.move_to("https://example.org/")
    assert hosts.move_to("http://127.0.0.2:8018/") and hosts.current == "http://127.0.0.2:8018"
    assert not hosts.move_to("http://127.0.0.2:8018/ru")  # already there
    assert hosts.on_current("http://127.0.0.1:8017/feed/", as_written=True) == "http://127.0.0.2:8018/feed/"
    others = hosts.other_sites()
    assert "http://127.0.0.2:8018" not in others
    assert {"http://127.0.0.1:8017", "https://127.0.0.1:8017", "https://127.0.0.2:8018",
            "http://belarusinfocus.pro", "https://www.belarusinfocus.info"} <= set(others)
    assert hosts.extra() == {"127.0.0.1:8017", "127.0.0.2:8018"}
    assert "127.0.0.2" in hosts.domains() and all(":" not in d for d in hosts.domains())


def test_default_ports_do_not_make_another_host():
    assert netloc_of("https://Belarusinfocus.PRO:443/x") == "belarusinfocus.pro"
    assert SiteHosts(PRO).on_current("https://belarusinfocus.pro:443/economy/x") == f"{PRO}/economy/x"


@pytest.mark.parametrize(("url", "loopback"), [
    ("http://127.0.0.1:8017", True), ("http://127.3.4.5", True), ("http://[::1]:8080/", True),
    ("http://localhost:8000", True), ("https://belarusinfocus.pro", False), ("http://10.0.0.5", False),
])
def test_loopback_urls(url, loopback):
    assert is_loopback(url) is loopback


def test_article_links_to_a_site_host_named_in_site_hosts_are_kept():
    from crawler.extraction import ArticlePage

    html = ("<h1>Title</h1><p>Category status: <img alt=negative></p><p>September 18, 2017 10:50</p>"
            "<p>Body text of the article.</p>"
            '<a href="http://127.0.0.2:8018/economy/moved-article">moved</a>'
            '<a href="https://elsewhere.example/economy/other">other</a>'
            '<a href="/economy/local-article">local</a>')
    url = "http://127.0.0.1:8017/economy/page"
    alone = ArticlePage(url, html).links()
    # the spider passes SITE_HOSTS and the base URL's own host
    told = ArticlePage(url, html, site_hosts=frozenset({"127.0.0.1:8017", "127.0.0.2:8018"})).links()
    assert "http://127.0.0.1:8017/economy/local-article" in alone and "http://127.0.0.1:8017/economy/local-article" in told
    assert not any("127.0.0.2" in link for link in alone)
    assert "http://127.0.0.2:8018/economy/moved-article" in told
    assert not any("elsewhere.example" in link for link in told)
