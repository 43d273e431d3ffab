"""The recrawl policy: which stored articles a crawl fetches again, and how.

A default (incremental) crawl fetches an article it already holds only when it may have
changed: published within the last REFETCH_DAYS days, or listed in the sitemap with a lastmod
newer than when it was last seen. `full=1` revalidates every stored article. Every re-fetch is
a conditional request, so an unchanged page costs a 304 and no body.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from warehouse.loader import KnownArticle


class RecrawlPolicy:
    def __init__(self, known: dict[str, KnownArticle], *, full: bool, refetch_days: int,
                 now: datetime | None = None):
        self.known = known
        self.full = full
        self.recent_since = (now or datetime.now(timezone.utc)) - timedelta(days=refetch_days)

    def is_known(self, url: str) -> bool:
        return url in self.known

    def should_fetch(self, url: str, lastmod: datetime | None = None) -> bool:
        article = self.known.get(url)
        if article is None or self.full:
            return True
        if article.published_at is not None and article.published_at >= self.recent_since:
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
