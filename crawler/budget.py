"""CrawlBudget: the bounds that keep a hostile or broken site from running a crawl without end.

A spider middleware (docs: topics/spider-middleware.html) between the spider and the scheduler.
It bounds, from settings:

- CRAWL_MAX_LISTING_DEPTH: how many listing pages deep a chain of listings is followed from the
  home page (a pager's next link, a listing linked from a listing, a sitemap named by a sitemap
  index). Scrapy's DEPTH_LIMIT counts every hop, so it would also cut the chains of "Similar
  articles" links that a depth-first crawl follows through the whole archive; only listing hops
  count here. A request is a listing's when the spider marks it (meta LISTING_META);
- CRAWL_MAX_PAGE_TAGS: how much markup an HTML page may have to be read at all. Reading a page
  costs memory and CPU by its elements (a 5 MB page of 100,000 links: 170 MB for its parsed
  document, 13 s of CPU for its links), which DOWNLOAD_MAXSIZE bounds only loosely (10 MB of
  `<i></i>` is 1.4 million elements). The tags are counted as '<' in the body, without a parse.
  A page past it is refused before the spider reads it, as an 'oversized' crawl_errors row
  (PageTooBig, through the request's errback), and, like a page past DOWNLOAD_MAXSIZE, is not
  asked for again for REFETCH_DAYS;
- CRAWL_MAX_LINKS_PER_PAGE: how many requests one page may add; the page's later links are not
  even built (the spider yields its item before its links);
- CRAWL_MAX_QUEUED_REQUESTS: how many requests may wait in the scheduler; a page's requests past
  it are dropped;
- the pages of one run: Scrapy's own CLOSESPIDER_PAGECOUNT closes the crawl (cleanly: what was
  fetched is stored and the run recorded); this middleware records it and fails the crawl, since
  a crawl stopped there did not see the whole site.

Hitting a bound stops that branch only (except the pages of a run) and leaves a crawl_errors row
of kind 'budget' for the page where it was hit (CrawlError items, stored like any other), and a
stat `budget/<bound>` counting the pages that hit it. Items always pass.
"""

from __future__ import annotations

from scrapy import Request, signals
from scrapy.exceptions import IgnoreRequest

from crawler import exitcodes
from crawler.exitcodes import fail
from crawler.items import CrawlError

LISTING_META = "listing"  # set by the spider on the requests of listing pages
DEPTH_META = "listing_depth"  # listing pages between the home page and this request's page
PAGES_CLOSE_REASON = "closespider_pagecount"  # Scrapy's CloseSpider extension's reason


class PageTooBig(IgnoreRequest):
    """An HTML page with more markup than CRAWL_MAX_PAGE_TAGS: not read."""


class CrawlBudget:
    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.max_tags = settings.getint("CRAWL_MAX_PAGE_TAGS", 0)
        self.max_depth = settings.getint("CRAWL_MAX_LISTING_DEPTH", 0)
        self.max_links = settings.getint("CRAWL_MAX_LINKS_PER_PAGE", 0)
        self.max_queued = settings.getint("CRAWL_MAX_QUEUED_REQUESTS", 0)
        self.max_pages = settings.getint("CLOSESPIDER_PAGECOUNT", 0)
        self.pages_recorded = False
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    # -- the page's input ----------------------------------------------------------------------------

    def process_spider_input(self, response, spider=None):
        if not self.max_tags or b"html" not in (response.headers.get(b"Content-Type") or b"").lower():
            return  # sitemaps and feeds are read by a streaming XML parser, not into a page
        tags = response.body.count(b"<")  # every tag, comment and stray '<': C speed, no parse
        if tags > self.max_tags:
            self.stats.inc_value("budget/page_tags")
            raise PageTooBig(f"page of {tags:,} tags, more than CRAWL_MAX_PAGE_TAGS ({self.max_tags:,}): not read")

    # -- the page's output, sync and async (a universal spider middleware) -------------------------

    def process_spider_output(self, response, result, spider=None):
        page = _Page(self, response)
        for output in result:
            yield from page.take(output)
            if page.full:
                break
        yield from page.records()

    async def process_spider_output_async(self, response, result, spider=None):
        page = _Page(self, response)
        async for output in result:
            for taken in page.take(output):
                yield taken
            if page.full:
                break
        for record in page.records():
            yield record

    # -- the run's pages ---------------------------------------------------------------------------

    def pages_reached(self) -> bool:
        received = self.stats.get_value("response_received_count", 0)
        return bool(self.max_pages) and received >= self.max_pages and not self.pages_recorded

    def pages_record(self, url: str) -> CrawlError:
        self.pages_recorded = True
        self.stats.inc_value("budget/pages_per_run")
        self._fail_pages()
        return CrawlError(url=url, kind="budget",
                          message=f"pages per run: {self.max_pages} pages fetched (CLOSESPIDER_PAGECOUNT); "
                                  "the crawl was ended here")

    def spider_closed(self, spider, reason):
        if reason == PAGES_CLOSE_REASON:
            self._fail_pages()

    def _fail_pages(self) -> None:
        fail(self.crawler, exitcodes.FAILED,
             f"the crawl stopped at its budget of {self.max_pages} pages per run (CLOSESPIDER_PAGECOUNT) "
             "before it saw the whole site: a spider trap, or a site bigger than the budget "
             "(raise it with -s CLOSESPIDER_PAGECOUNT=N); see `warehouse status`")

    def queued(self) -> int:
        # Scrapy 2.19's engine.scheduler, else (2.18) its slot's; scrapy-redis's is the shared queue's length.
        engine = self.crawler.engine
        scheduler = getattr(engine, "scheduler", None) or getattr(getattr(engine, "_slot", None), "scheduler", None)
        try:
            return len(scheduler) if scheduler is not None else 0
        except TypeError:  # a scheduler that cannot tell its size
            return 0


class _Page:
    """What one response's output may add; the bounds it hit, as CrawlError records."""

    def __init__(self, budget: CrawlBudget, response):
        self.budget = budget
        self.response = response
        self.depth = response.meta.get(DEPTH_META, 0)
        self.links = 0
        self.queued = budget.queued() if budget.max_queued else 0
        self.too_deep: list[str] = []
        self.queue_dropped = 0
        self.full = False

    def take(self, output):
        if not isinstance(output, Request):
            yield output
            return
        budget = self.budget
        if budget.max_links and self.links >= budget.max_links:
            self.full = True  # the page's later links are left unbuilt
            return
        self.links += 1
        depth = self.depth + (1 if output.meta.get(LISTING_META) else 0)
        if budget.max_depth and depth > budget.max_depth:
            self.too_deep.append(output.url)
            return
        if budget.max_queued and self.queued >= budget.max_queued:
            self.queue_dropped += 1
            return
        self.queued += 1
        output.meta[DEPTH_META] = depth
        yield output

    def records(self):
        budget, url, stats = self.budget, self.response.url, self.budget.stats
        if self.too_deep:
            stats.inc_value("budget/listing_depth")
            yield CrawlError(url=url, kind="budget",
                             message=f"listing depth: {self.too_deep[0]} not followed, more than {budget.max_depth} "
                                     "listing pages deep (CRAWL_MAX_LISTING_DEPTH)")
        if self.full:
            stats.inc_value("budget/links_per_page")
            yield CrawlError(url=url, kind="budget",
                             message=f"links per page: the first {budget.max_links} followed, the rest left "
                                     "(CRAWL_MAX_LINKS_PER_PAGE)")
        if self.queue_dropped:
            stats.inc_value("budget/queued_requests")
            stats.inc_value("budget/requests_dropped", self.queue_dropped)
            yield CrawlError(url=url, kind="budget",
                             message=f"requests queued: {self.queue_dropped} links not followed, {budget.max_queued} "
                                     "requests already waiting (CRAWL_MAX_QUEUED_REQUESTS)")
        if budget.pages_reached():
            yield budget.pages_record(url)
