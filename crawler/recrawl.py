"""The recrawl policy: which stored articles a crawl fetches again, and how.

A default (incremental) crawl stops paging a section at the first listing page that holds only
stored articles or pages that failed for good last time (unless the previous run was
interrupted), skips those failed pages, and fetches an article it already holds only when it may have
changed: published (or, on weekly pages, covering a week that ended) within the last
REFETCH_DAYS days, or listed in the sitemap with a lastmod newer than when it was last seen. `full=1` revalidates every stored article. Every re-fetch is
a conditional request, so an unchanged page costs a 304 and no body.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone

from warehouse.loader import KnownArticle


class RecrawlPolicy:
    def __init__(self, known: dict[str, KnownArticle], *, full: bool, refetch_days: int,
                 failed: set[str] = frozenset(), walk_all_listings: bool = False, now: datetime | None = None):
        self.known = known
        self.failed = failed
        self.full = full
        # After an interrupted run the older listing pages may hold articles never fetched.
        self.walk_all_listings = full or walk_all_listings
        self.recent_since = (now or datetime.now(timezone.utc)) - timedelta(days=refetch_days)

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
