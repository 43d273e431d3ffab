"""Spider `belarusinfocus`: navigation only. Extraction lives in crawler.extraction.

Articles are discovered three ways, so that none is missed when one source is incomplete:
section listings (newest first, `?page=N`), the sitemap (and RSS feed), and links between
articles (the "Similar articles" block, the sidebar). Every URL is canonicalised before it is
requested, so an article reached through several addresses is fetched once.

Incremental by default (crawler/recrawl.py): listings are newest first, so paging a section
stops at the first page that holds only stored articles, and a stored article is fetched again
only when the recrawl policy says so, with a conditional request. `-a full=1` walks every
listing page and revalidates every stored article.

With REDIS_URL set the spider is one worker of a shared crawl (crawler/frontier.py): the same
navigation, on a frontier and dupefilter shared through Redis, with the recrawl policy fed from
the staging area's snapshot instead of the warehouse.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import UsageError
from scrapy.utils.sitemap import Sitemap

from crawler.extraction import ArticlePage, ListingPage
from crawler.extraction.urls import canonicalize_url, is_article_url, is_section_url
from crawler.frontier import apply_worker_settings, redis_url
from crawler.items import Revisit
from crawler.middlewares import failure_to_error
from crawler.recrawl import RecrawlPolicy
from warehouse import Warehouse, WarehouseError, resolve_db_path, resolve_staging_dir
from warehouse.staging import read_known_state

# Drupal's old addresses answer with a redirect to the article's current path.
LEGACY_NODE_PATH = re.compile(r"^(/ru)?/node/\d+/?$")


class BelarusInFocusSpider(scrapy.Spider):
    name = "belarusinfocus"
    default_base_url = "https://belarusinfocus.info"
    # The English and Russian home pages; the sections are found from their links.
    home_paths = ("/", "/ru")

    @classmethod
    def update_settings(cls, settings):
        super().update_settings(settings)
        apply_worker_settings(settings)  # REDIS_URL set: a worker of a shared crawl (crawler/frontier.py)

    def __init__(self, base_url: str | None = None, full: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.base_url = checked_base_url(base_url or self.default_base_url)
        self.allowed_domains = [urlsplit(self.base_url).hostname]
        self.full = str(full or "").lower() in ("1", "true", "yes")
        # URLs already requested by this process. Scrapy's dupefilter would drop the repeats too,
        # but every page links dozens of known articles and every section: building a Request
        # for each and taking it through the spider middlewares and the scheduler cost more CPU
        # than the page's extraction (benchmarks/README.md).
        self.requested: set[str] = set()

    async def start(self):
        self.policy = self._recrawl_policy()
        starts = [(self.base_url + path, self.parse_listing) for path in self.home_paths]
        starts += [(self.base_url + "/sitemap.xml", self.parse_sitemap), (self.base_url + "/rss.xml", self.parse_feed)]
        for url, callback in starts:
            for request in self._request(url, callback):
                yield request

    # -- callbacks -------------------------------------------------------------------------

    def parse_listing(self, response):
        """Home page or a section listing: articles, the next page, other sections."""
        page = ListingPage(response.url, response.body, _encoding(response))
        articles = page.article_urls()  # canonical already, like every URL extraction returns
        for url in articles:
            yield from self._article_request(url)
        next_url = page.next_page_url()
        if next_url and self.policy.should_walk_on(articles):
            yield from self._request(next_url, self.parse_listing)
        yield from self._follow_links(page.links())

    def parse_article(self, response):
        if response.status == 304:
            yield Revisit(url=canonicalize_url(response.url), outcome="seen")
            return
        page = ArticlePage(response.url, response.body, _encoding(response))
        item = page.to_item()
        item.etag = _header(response, b"ETag")
        item.last_modified = _header(response, b"Last-Modified")
        yield item
        yield from self._follow_links(page.links())

    def parse_old_address(self, response):
        """An old /node/N address: its redirect target goes through the recrawl policy like any
        article link (a stored article is not downloaded again just because of its old address)."""
        location = _header(response, b"Location")
        if response.status in (301, 302, 307, 308):
            if location and is_article_url(response.urljoin(location)):
                yield from self._article_request(canonicalize_url(response.urljoin(location)))
        else:
            yield from self.parse_article(response)

    def parse_sitemap(self, response):
        sitemap = Sitemap(response.body)
        for entry in sitemap:
            url = entry.get("loc", "")
            if sitemap.type == "sitemapindex":
                yield from self._request(url, self.parse_sitemap)
            elif is_article_url(url):
                yield from self._article_request(canonicalize_url(url), lastmod=_w3c_datetime(entry.get("lastmod")))

    def parse_feed(self, response):
        for url in response.xpath("//item/link/text()").getall():
            if is_article_url(url.strip()):
                yield from self._article_request(canonicalize_url(url.strip()))

    def record_failure(self, failure):
        error = failure_to_error(failure)
        if error is None:
            return
        yield error
        # A stored article that now answers 404/410 is marked gone (never deleted).
        if error.kind == "http" and error.message in ("HTTP 404", "HTTP 410") and self.policy.is_known(error.url):
            yield Revisit(url=error.url, outcome="gone")

    # -- helpers ---------------------------------------------------------------------------

    def _recrawl_policy(self) -> RecrawlPolicy:
        settings = self.crawler.settings
        refetch_days = settings.getint("REFETCH_DAYS", 14)
        if redis_url(settings):
            # A worker never opens the warehouse: it reads the snapshot `warehouse load --staging`
            # writes into the staging area (none yet: every article is fetched).
            state = read_known_state(resolve_staging_dir(setting=settings.get("STAGING_DIR")))
            return RecrawlPolicy(state.articles, full=self.full, refetch_days=refetch_days,
                                 failed=state.failed, walk_all_listings=not state.last_run_finished)
        path = resolve_db_path(setting=settings.get("WAREHOUSE_PATH"))
        known, failed, last_run_finished = {}, set(), False
        try:
            if path.exists():
                warehouse = Warehouse(path)
                known = warehouse.known_articles()
                failed = warehouse.known_failures(since=datetime.now(timezone.utc) - timedelta(days=refetch_days))
                last_run_finished = warehouse.last_run_finished()
        except WarehouseError as exc:  # locked or not initialised: then every article is fetched
            self.logger.warning("Cannot read the stored articles (%s): fetching every article", exc)
        return RecrawlPolicy(known, full=self.full, refetch_days=refetch_days,
                             failed=failed, walk_all_listings=not last_run_finished)

    def _follow_links(self, urls):
        for url in urls:
            if is_article_url(url):
                yield from self._article_request(url)
            elif LEGACY_NODE_PATH.match(urlsplit(url).path):
                yield scrapy.Request(url, callback=self.parse_old_address, errback=self.record_failure,
                                     meta={"dont_redirect": True, "handle_httpstatus_list": [301, 302, 307, 308]})
            elif is_section_url(url) and (self.policy.walk_all_listings or "page=" not in urlsplit(url).query):
                # A pager's numbered links would bypass the incremental stop: deeper pages are
                # reached through parse_listing's next link unless every listing is walked.
                yield from self._request(url, self.parse_listing)

    def _article_request(self, url: str, lastmod: datetime | None = None):
        if url in self.requested:
            return
        if not self.policy.should_fetch(url, lastmod):
            self.crawler.stats.inc_value("recrawl/skipped_known")
            return
        self.requested.add(url)
        yield scrapy.Request(url, callback=self.parse_article, errback=self.record_failure,
                             headers=self.policy.conditional_headers(url),
                             meta={"handle_httpstatus_list": [304]})

    def _request(self, url: str, callback):
        url = canonicalize_url(url)
        if url not in self.requested:
            self.requested.add(url)
            yield scrapy.Request(url, callback=callback, errback=self.record_failure)


def checked_base_url(base_url: str) -> str:
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"-a base_url must be an http(s) address like https://belarusinfocus.info, got {base_url!r}")
    return base_url.rstrip("/")


def _header(response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _w3c_datetime(text: str | None) -> datetime | None:
    """A sitemap <lastmod> (W3C datetime: a date, or a date and time with an offset)."""
    try:
        value = datetime.fromisoformat((text or "").strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _encoding(response) -> str | None:
    # Binary responses (no TextResponse) still go to extraction, which then finds nothing.
    return getattr(response, "encoding", None)
