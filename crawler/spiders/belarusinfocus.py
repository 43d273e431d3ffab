"""Spider `belarusinfocus`: navigation only. Extraction lives in crawler.extraction.

The crawl starts at the base URL's home page: where it ends up after redirects is the site's
current host (crawler/hosts.py), and every URL requested or stored is moved onto it. When other
hosts of the site exist the spider first yields SiteMoved, so the loader moves rows stored under
them before merging what follows.

Articles are discovered several ways, so that none is missed when one source is incomplete:
listings (newest first: the dated rendering's /{category}?page=N, the weekly rendering's
/analytics/{category}/ paged /page/N/ or ?paged=N), sitemaps (those robots.txt lists, indexes
included; /sitemap.xml when it lists none), feeds (those the home page announces; /feed/ and
/rss.xml when it announces none), and links between articles ("Similar articles", "Read more",
the sidebar). Every URL is canonicalised before it is requested, so an article reached through
several addresses or hosts is fetched once.

Incremental by default (crawler/recrawl.py): listings are newest first, so paging a listing
stops at the first page that holds only stored articles (numbered pager links are not followed
for that reason), and a stored article is fetched again only when the recrawl policy says so,
with a conditional request. `-a full=1` walks every listing page and revalidates every stored
article.

The spider navigates only: what it yields is stored by the pipelines, the run is recorded by an
extension, and the recrawl policy is an extension it looks up; which ones a crawl uses (a
single-process crawl into the warehouse, one worker of a shared crawl on Redis, or nothing
stored for `scrapy parse` and `shell`) is chosen by the settings (crawler/addons.py).

Its callbacks carry Scrapy contracts (`@path` is on the base URL, crawler/contracts.py): `scrapy
check belarusinfocus -s BASE_URL=http://127.0.0.1:8017` runs them against the offline site
(`python -m warehouse.demo_site --port 8017`; tests/test_spider_unit.py does it).
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cached_property
from urllib.parse import urlsplit

import scrapy
from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.budget import LISTING_META
from crawler.extraction import ArticlePage, ListingPage
from crawler.extraction.urls import (
    canonicalize_url, is_article_url, is_language_home, is_section_url, is_weekly_listing_url, listing_page_number,
)
from crawler.hosts import DEFAULT_BASE_URL, AddressStyle, SiteHosts, checked_base_url, checked_site_hosts
from crawler.items import Revisit, SiteMoved
from crawler.middlewares import failure_to_error
from crawler.recrawl import RecrawlPolicy
from crawler.spiders.discovery import (
    GUESSED_FEEDS, GUESSED_SITEMAPS, announced_feeds, feed_links, robots_sitemaps, sitemap_entries,
)

# Drupal's old addresses answer with a redirect to the article's current path.
LEGACY_NODE_PATH = re.compile(r"^(/ru|/be)?/node/\d+/?$")


class BelarusInFocusSpider(scrapy.Spider):
    name = "belarusinfocus"
    default_base_url = DEFAULT_BASE_URL

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        if not kwargs.get("base_url"):  # `-a base_url=` wins over the BASE_URL setting
            kwargs["base_url"] = crawler.settings.get("BASE_URL")
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.hosts = SiteHosts(spider.base_url, checked_site_hosts(crawler.settings.get("SITE_HOSTS")))
        # A redirect between the site's hosts is followed (Scrapy's offsite filter reads this).
        spider.allowed_domains = spider.hosts.domains()
        return spider

    def __init__(self, base_url: str | None = None, full: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.base_url = checked_base_url(base_url or self.default_base_url)
        self.hosts = SiteHosts(self.base_url)
        self.addresses = AddressStyle()
        self.home_seen = False
        self.full = str(full or "").lower() in ("1", "true", "yes")
        # URLs already requested by this process. Scrapy's dupefilter would drop the repeats too,
        # but every page links dozens of known articles and every section: building a Request
        # for each and taking it through the spider middlewares and the scheduler cost more CPU
        # than the page's extraction (benchmarks/README.md).
        self.requested: set[str] = set()

    @cached_property
    def policy(self) -> RecrawlPolicy:
        """The crawl's recrawl policy (an extension, crawler/recrawl.py); without it, one that
        knows no stored article."""
        return self.crawler.get_extension(RecrawlPolicy) or RecrawlPolicy(walk_all_listings=True)

    async def start(self):
        home = canonicalize_url(self.base_url + "/")
        self.requested.add(home)
        # Everything else waits for the home page: it says which host is current.
        yield scrapy.Request(home, callback=self.parse_home, errback=self.home_failed, dont_filter=True)

    # -- callbacks -------------------------------------------------------------------------

    def parse_home(self, response):
        """The home page: the current host (and a SiteMoved naming the site's other hosts, whose
        stored rows move to it), discovery (robots.txt, feeds), the listings it links.

        @path /
        @returns items 1 1
        @returns requests 5
        """
        self._arrived(response)
        yield from self._settle_host(response.url)
        yield from self._discovery_starts(response)
        yield from self.parse_listing(response)

    def home_failed(self, failure):
        yield from self.record_failure(failure)
        response = getattr(failure.value, "response", None) if failure.check(HttpError) else None
        if response is not None:  # the site answers, only not its home page: discover the rest
            yield from self._settle_host(response.url)
            yield from self._discovery_starts(None)

    def parse_listing(self, response):
        """Home page or a listing: articles, the next page, other listings.

        @path /domestic-policy
        @returns items 0 0
        @returns requests 5
        """
        self._arrived(response)
        page = ListingPage(response.url, response.body, _encoding(response), site_hosts=self.hosts.extra())
        self.addresses.trailing_slash = self.addresses.trailing_slash or page.writes_trailing_slashes
        articles = []
        for listed in page.article_urls():  # canonical already, like every URL extraction returns
            url = self.hosts.on_current(listed)
            if url is not None:
                articles.append(url)
                yield from self._article_request(url, address=self.hosts.on_current(page.address_of(listed), True))
        next_url = self.hosts.on_current(page.next_page_url() or "")
        if next_url and self.policy.should_walk_on(articles):
            yield from self._listing_request(self.addresses.address(next_url))
        yield from self._follow_links(page.links())

    def parse_article(self, response):
        """An article page: its item (a Revisit for a 304), and the articles and listings it links.

        @path /domestic-policy/authorities-reconsider-media-law-amendment
        @returns items 1 1
        @returns requests 1
        @scrapes url site language category title published_at body content_hash
        """
        if response.status == 304:
            yield Revisit(url=self._moved(response.url), outcome="seen")
            return
        self._arrived(response)
        page = ArticlePage(response.url, response.body, _encoding(response), site_hosts=self.hosts.extra())
        item = page.to_item()
        item.url, item.site = self._moved(item.url), self.hosts.current
        for link in item.similar_links:
            link.url = self._moved(link.url)
        item.etag = _header(response, b"ETag")
        item.last_modified = _header(response, b"Last-Modified")
        yield item
        yield from self._follow_links(page.links())

    def parse_old_address(self, response):
        """An old /node/N address: its redirect target goes through the recrawl policy like any
        article link (a stored article is not downloaded again just because of its old address)."""
        location = _header(response, b"Location")
        if response.status in (301, 302, 307, 308):
            target = self.hosts.on_current(response.urljoin(location)) if location else None
            if target and is_article_url(target):
                yield from self._article_request(target)
        else:
            yield from self.parse_article(response)

    def parse_robots(self, response):
        """robots.txt: the sitemaps it names (or the usual address).

        @path /robots.txt
        @returns items 0 0
        @returns requests 1 1
        """
        yield from self._sitemaps(self._on_site(robots_sitemaps(response.body, response.url), as_written=True))

    def robots_failed(self, failure):
        yield from self._sitemaps([])

    def parse_sitemap(self, response):
        for entry in sitemap_entries(response.body):
            address = self.hosts.on_current(entry.loc, as_written=True)
            if address is None:
                continue
            if entry.is_sitemap:
                # A sitemap index's sitemaps are listings too: the budget bounds a chain of them.
                yield from self._request(address, self.parse_sitemap, meta={LISTING_META: True})
            elif is_article_url(address):
                yield from self._article_request(canonicalize_url(address), entry.lastmod, address)

    def parse_feed(self, response):
        if not isinstance(response, TextResponse):
            return
        for address in self._on_site(feed_links(response.selector), as_written=True):
            if is_article_url(address):
                yield from self._article_request(canonicalize_url(address), address=address)

    def ignore_failure(self, failure):
        """A guessed address (a sitemap or feed the site did not name) that is not there."""
        self.logger.debug("Not there: %s (%s)", getattr(failure.request, "url", "?"), failure.getErrorMessage())
        return []

    def record_failure(self, failure):
        error = failure_to_error(failure)
        if error is None:
            return
        error.url = self._moved(error.url)
        yield error
        # A stored article that now answers 404/410 is marked gone (never deleted).
        if error.kind == "http" and error.message in ("HTTP 404", "HTTP 410") and self.policy.is_known(error.url):
            yield Revisit(url=error.url, outcome="gone")

    # -- helpers ---------------------------------------------------------------------------

    def _settle_host(self, home_url: str):
        """The home page's final address makes its host current; stored URLs are matched there,
        and the loader is told to move rows stored under the site's other hosts."""
        previous, self.home_seen = self.hosts.current, True
        self.requested.add(canonicalize_url(home_url))
        if self.hosts.move_to(home_url):
            self.logger.info("The site's home page %s is now at %s: crawling %s", previous, home_url,
                             self.hosts.current)
        self.policy.match_on(self.hosts.on_current)
        others = self.hosts.other_sites()
        if others:
            yield SiteMoved(from_sites=others, to_site=self.hosts.current)

    def _arrived(self, response) -> None:
        """What a response's final address teaches: the site's address form, and, to a worker of
        a shared crawl that never saw the home page (another worker took it), the current host."""
        redirects = response.meta.get("redirect_urls")
        self.addresses.learn(response.url, redirects)
        if redirects and not self.home_seen and self.hosts.move_to(response.url):
            self.policy.match_on(self.hosts.on_current)

    def _sitemaps(self, named: list[str]):
        """The sitemaps robots.txt names, or the usual address when it names none."""
        for url in named or [self.hosts.current + path for path in GUESSED_SITEMAPS]:
            yield from self._request(url, self.parse_sitemap, guessed=not named)

    def _discovery_starts(self, home):
        """robots.txt (for its sitemaps) and the feeds the home page announces."""
        current = self.hosts.current
        robots = current + "/robots.txt"
        self.requested.add(robots)
        yield scrapy.Request(robots, callback=self.parse_robots, errback=self.robots_failed,
                             meta={"dont_obey_robotstxt": True})
        feeds = []
        if isinstance(home, TextResponse):
            feeds = self._on_site(map(home.urljoin, announced_feeds(home.selector)), as_written=True)
        for url in feeds or [current + path for path in GUESSED_FEEDS]:
            yield from self._request(url, self.parse_feed, guessed=not feeds)

    def _on_site(self, urls, as_written: bool = False) -> list[str]:
        """The URLs that are on the site, moved onto its current host, in order."""
        moved = (self.hosts.on_current(url, as_written) for url in urls)
        return [url for url in moved if url is not None]

    def _moved(self, url: str) -> str:
        return self.hosts.on_current(url) or url

    def _follow_links(self, urls):
        urls = self._on_site(urls)
        # A page of the weekly rendering links its listings under /analytics/: its one-segment
        # links (/about-monitoring) are pages, not the dated rendering's section listings.
        weekly = any(map(is_weekly_listing_url, urls))
        for url in urls:
            if is_article_url(url):
                yield from self._article_request(url)
            elif LEGACY_NODE_PATH.match(urlsplit(url).path):
                yield scrapy.Request(url, callback=self.parse_old_address, errback=self.record_failure,
                                     meta={"dont_redirect": True, "handle_httpstatus_list": [301, 302, 307, 308]})
            elif is_language_home(url):
                yield from self._listing_request(self.addresses.address(url))
            elif is_section_url(url) and (self.policy.walk_all_listings or listing_page_number(url) is None) \
                    and (not weekly or is_weekly_listing_url(url)):
                # A pager's numbered links would bypass the incremental stop: deeper pages are
                # reached through parse_listing's next link unless every listing is walked.
                yield from self._listing_request(self.addresses.address(url))

    def _article_request(self, url: str, lastmod: datetime | None = None, address: str | None = None):
        """Ask for the article `url` (canonical) at `address` (the form the site links, with
        its trailing slash: asking for another form costs a redirect), unless the recrawl
        policy says it is stored and unchanged."""
        if url in self.requested:
            return
        if not self.policy.should_fetch(url, lastmod):
            self.crawler.stats.inc_value("recrawl/skipped_known")
            return
        self.requested.add(url)
        yield scrapy.Request(address or self.addresses.address(url), callback=self.parse_article,
                             errback=self.record_failure, headers=self.policy.conditional_headers(url),
                             meta={"handle_httpstatus_list": [304]})

    def _listing_request(self, url: str):
        # Marked as a listing's: the crawl's budget bounds how deep chains of listings go
        # (crawler/budget.py).
        yield from self._request(url, self.parse_listing, meta={LISTING_META: True})

    def _request(self, url: str, callback, guessed: bool = False, meta: dict | None = None):
        # Requested as given (a guessed "/feed/" keeps its slash), known by its canonical form.
        key = canonicalize_url(url)
        if key not in self.requested:
            self.requested.add(key)
            errback = self.ignore_failure if guessed else self.record_failure
            yield scrapy.Request(url, callback=callback, errback=errback, meta=meta)


def _header(response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _encoding(response) -> str | None:
    # Binary responses (no TextResponse) still go to extraction, which then finds nothing.
    return getattr(response, "encoding", None)
