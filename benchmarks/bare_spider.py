"""The ceiling for benchmarks/crawl.py: a bare Scrapy spider, not a project spider.

    scrapy runspider benchmarks/bare_spider.py -a base_url=http://127.0.0.1:8017   (from a folder
    without scrapy.cfg, so that no project settings, pipelines or extensions are loaded)

It walks the same site the same way as far as pages go (home pages, section listings and their
next pages, every article they list), with the project's download settings (concurrency,
robots.txt, user agent, size limits, retries), but does nothing else: listing pages are parsed
for links with Scrapy's selectors, article callbacks are empty, there are no items, pipelines or
extensions. What the project spider spends beyond this is its own work.
"""

from __future__ import annotations

import importlib
from urllib.parse import urlsplit, urlunsplit

import scrapy

# Download behaviour is copied from the project's settings, so both crawl the same way.
_SAME_AS_PROJECT = (
    "USER_AGENT", "ROBOTSTXT_OBEY", "CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN", "DOWNLOAD_DELAY",
    "AUTOTHROTTLE_ENABLED", "DOWNLOAD_TIMEOUT", "RETRY_ENABLED", "RETRY_TIMES", "DOWNLOAD_MAXSIZE",
    "DOWNLOAD_WARNSIZE", "TELNETCONSOLE_ENABLED",
)
_project = importlib.import_module("crawler.settings")
# First path segments that are neither sections nor articles (robots.txt forbids some anyway).
_SYSTEM = {"user", "search", "print", "node", "rss.xml", "sitemap.xml"}


def _classify(url: str, host: str) -> tuple[str | None, str]:
    """("article" | "listing" | None, the URL without fragment, tracking query or trailing slash)."""
    parts = urlsplit(url)
    if parts.netloc != host:
        return None, url
    segments = [s for s in parts.path.split("/") if s]
    if segments[:1] == ["ru"]:
        segments = segments[1:]
    if not segments or segments[0] in _SYSTEM:
        kind = "listing" if not segments and not parts.query else None
        return kind, urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/") or "/", "", ""))
    path = parts.path.rstrip("/")
    if len(segments) == 2:
        return "article", urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    if len(segments) == 1:
        query = parts.query if parts.query.startswith("page=") else ""
        return "listing", urlunsplit((parts.scheme, parts.netloc, path, query, ""))
    return None, url


class BareSpider(scrapy.Spider):
    name = "bare"
    custom_settings = {name: getattr(_project, name) for name in _SAME_AS_PROJECT}

    def __init__(self, base_url: str, **kwargs):
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")
        self.host = urlsplit(self.base_url).netloc

    async def start(self):
        for path in ("/", "/ru"):
            yield scrapy.Request(self.base_url + path, callback=self.parse_listing)

    def parse_listing(self, response):
        for href in response.css("a::attr(href)").getall():
            kind, url = _classify(response.urljoin(href), self.host)
            if kind == "article":
                yield scrapy.Request(url, callback=self.parse_article)
            elif kind == "listing":
                yield scrapy.Request(url, callback=self.parse_listing)

    def parse_article(self, response):
        pass
