"""The recrawl policy: which stored articles a crawl fetches again, and how.

A default (incremental) crawl stops paging a section at the first listing page that holds only
stored articles or pages that failed for good last time (unless the previous run was
interrupted), skips those failed pages, and fetches an article it already holds only when it may
have changed: published (or, on weekly pages, covering a week that ended) within the last
REFETCH_DAYS days, or listed in the sitemap with a lastmod newer than when it was last seen.
`full=1` (the spider's argument) revalidates every stored article. Every re-fetch is a
conditional request, so an unchanged page costs a 304 and no body.

RecrawlPolicy is an extension (EXTENSIONS): built from the crawler, it learns what is stored
when the engine starts, after every spider_opened handler (the run record has closed dead runs
by then, and the store has loaded batches they left), from the warehouse; for a worker of a
shared crawl from the snapshot `warehouse load --staging` writes into the staging area; and,
when the crawl stores nothing (`scrapy parse`, `shell`, `check`), from nowhere: it knows nothing
and every article is fetched. The spider looks it up with crawler.get_extension.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone

from scrapy import signals

from crawler.addons import storage_mode
from warehouse import Warehouse, WarehouseError, resolve_db_path, resolve_staging_dir
from warehouse.loader import KnownArticle
from warehouse.staging import read_known_state

logger = logging.getLogger(__name__)


class RecrawlPolicy:
    def __init__(self, known: dict[str, KnownArticle] | None = None, *, full: bool = False, refetch_days: int = 14,
                 failed: set[str] = frozenset(), walk_all_listings: bool = False, now: datetime | None = None):
        self.refetch_days = refetch_days
        self.now = now
        self.use(known or {}, failed=failed, full=full, walk_all_listings=walk_all_listings)

    def use(self, known: dict[str, KnownArticle], *, failed: set[str] = frozenset(), full: bool = False,
            walk_all_listings: bool = False) -> None:
        self.known = known
        self.failed = set(failed)
        self.full = full
        # After an interrupted run the older listing pages may hold articles never fetched.
        self.walk_all_listings = full or walk_all_listings
        self.recent_since = (self.now or datetime.now(timezone.utc)) - timedelta(days=self.refetch_days)

    @classmethod
    def from_crawler(cls, crawler):
        policy = cls(refetch_days=crawler.settings.getint("REFETCH_DAYS", 14))
        policy.crawler = crawler
        crawler.signals.connect(policy.engine_started, signal=signals.engine_started)
        return policy

    def engine_started(self):
        settings = self.crawler.settings
        full = bool(getattr(self.crawler.spider, "full", False))
        mode = storage_mode(settings)
        if mode == "worker":
            # A worker never opens the warehouse (none yet in the staging area: every article is fetched).
            state = read_known_state(resolve_staging_dir(setting=settings.get("STAGING_DIR")))
            self.use(state.articles, failed=state.failed, full=full, walk_all_listings=not state.last_run_finished)
        elif mode == "warehouse":
            known, extra = self.stored(resolve_db_path(setting=settings.get("WAREHOUSE_PATH")))
            self.use(known, full=full, **extra)
        else:
            self.use({}, full=full, walk_all_listings=True)
        self.crawler.stats.set_value("recrawl/known_articles", len(self.known))

    def stored(self, path) -> tuple[dict, dict]:
        known, extra = {}, {"failed": set(), "walk_all_listings": True}
        try:
            if path.exists():
                warehouse = Warehouse(path)
                known = warehouse.known_articles()
                since = datetime.now(timezone.utc) - timedelta(days=self.refetch_days)
                extra = {"failed": warehouse.known_failures(since=since),
                         "walk_all_listings": not warehouse.last_run_finished()}
        except WarehouseError as exc:  # locked or not initialised: then every article is fetched
            logger.warning("Cannot read the stored articles (%s): fetching every article", exc)
        return known, extra

    def match_on(self, rewrite: Callable[[str], str | None]) -> None:
        """Key the stored URLs by their address on the site's current host (``rewrite`` moves
        a URL there, or gives None off the site), so that after the site moved its stored
        articles are still recognised. Of two rows with one address, the last seen wins."""
        known: dict[str, KnownArticle] = {}
        for url, article in self.known.items():
            key = rewrite(url) or url
            if key not in known or known[key].last_seen_at < article.last_seen_at:
                known[key] = article
        self.known = known
        self.failed = {rewrite(url) or url for url in self.failed}

    def is_known(self, url: str) -> bool:
        return url in self.known

    def _seen_before(self, url: str) -> bool:
        return url in self.known or url in self.failed

    def should_walk_on(self, listed: list[str]) -> bool:
        """Whether to follow a listing's next page, given the article URLs it listed (newest
        first): a page of stored articles only means the older pages hold nothing new."""
        return self.walk_all_listings or not listed or not all(map(self._seen_before, listed))

    def should_fetch(self, url: str, lastmod: datetime | None = None) -> bool:
        if self.full:
            return True
        if url in self.failed:  # answered 404/410 or was oversized last time
            return False
        article = self.known.get(url)
        if article is None:
            return True
        if article.published_at is not None and article.published_at >= self.recent_since:
            return True
        period_end: date | None = getattr(article, "period_end", None)  # weekly pages show no time
        if period_end is not None and period_end >= self.recent_since.date():
            return True
        return lastmod is not None and lastmod > article.last_seen_at

    def conditional_headers(self, url: str) -> dict[str, str]:
        article = self.known.get(url)
        if article is None:
            return {}
        headers = {}
        if article.etag:
            headers["If-None-Match"] = article.etag
        if article.last_modified:
            headers["If-Modified-Since"] = article.last_modified
        return headers
