"""Spider `belarusinfocus`: navigation only. Extraction lives in crawler.extraction.

Articles are discovered three ways, so that none is missed when one source is incomplete:
section listings (newest first, `?page=N`), the sitemap (and RSS feed), and links between
articles (the "Similar articles" block, the sidebar). Every URL is canonicalised before it is
requested, so an article reached through several addresses is fetched once.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import UsageError
from scrapy.utils.sitemap import Sitemap

from crawler.extraction import ArticlePage, ListingPage
from crawler.extraction.urls import canonicalize_url, is_article_url, is_section_url
from crawler.middlewares import failure_to_error

# Drupal's old addresses answer with a redirect to the article's current path.
LEGACY_NODE_PATH = re.compile(r"^(/ru)?/node/\d+/?$")


class BelarusInFocusSpider(scrapy.Spider):
    name = "belarusinfocus"
    default_base_url = "https://belarusinfocus.info"
    # Entry points besides the home pages; listings are found from their links.
    feed_paths = ("/sitemap.xml", "/rss.xml")
    home_paths = ("/", "/ru")

    def __init__(self, base_url: str | None = None, full: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.base_url = (base_url or self.default_base_url).rstrip("/")
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"base_url must be an http(s) address like https://belarusinfocus.info, got {base_url!r}")
        self.allowed_domains = [parts.hostname]
        self.full = str(full or "").lower() in ("1", "true", "yes")

    async def start(self):
        for path in self.home_paths:
            yield self._request(self.base_url + path, self.parse_listing)
        yield self._request(self.base_url + "/sitemap.xml", self.parse_sitemap)
        yield self._request(self.base_url + "/rss.xml", self.parse_feed)

    # -- callbacks -------------------------------------------------------------------------

    def parse_listing(self, response):
        """Home page or a section listing: articles, the next page, other sections."""
        page = ListingPage(response.url, response.body, _encoding(response))
        for url in page.article_urls():
            yield self._request(url, self.parse_article)
        next_url = page.next_page_url()
        if next_url:
            yield self._request(next_url, self.parse_listing)
        yield from self._follow_links(page.links())

    def parse_article(self, response):
        page = ArticlePage(response.url, response.body, _encoding(response))
        yield page.to_item()
        yield from self._follow_links(ListingPage(response.url, response.body, _encoding(response)).links())

    def parse_sitemap(self, response):
        sitemap = Sitemap(response.body)
        for entry in sitemap:
            url = entry.get("loc", "")
            if sitemap.type == "sitemapindex":
                yield self._request(url, self.parse_sitemap)
            elif is_article_url(url):
                yield self._request(url, self.parse_article)

    def parse_feed(self, response):
        for url in response.xpath("//item/link/text()").getall():
            if is_article_url(url.strip()):
                yield self._request(url.strip(), self.parse_article)

    def record_failure(self, failure):
        error = failure_to_error(failure)
        if error is not None:
            yield error

    # -- helpers ---------------------------------------------------------------------------

    def _follow_links(self, urls):
        for url in urls:
            if is_article_url(url) or LEGACY_NODE_PATH.match(urlsplit(url).path):
                yield self._request(url, self.parse_article)
            elif is_section_url(url):
                yield self._request(url, self.parse_listing)

    def _request(self, url: str, callback) -> scrapy.Request:
        return scrapy.Request(canonicalize_url(url), callback=callback, errback=self.record_failure)


def _encoding(response) -> str | None:
    # Binary responses (no TextResponse) still go to extraction, which then finds nothing.
    return getattr(response, "encoding", None)
