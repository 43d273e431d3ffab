"""The crawl's manners where Scrapy has no setting for them, and failed requests as CrawlErrors.

MannersMiddleware (a downloader middleware): robots.txt's `Crawl-delay` becomes the least delay
of that host's download slot (AutoThrottle may slow the slot down further, never below it), and
an answer 429 or 503 holds the host's slot for its `Retry-After` (seconds or an HTTP date,
at most RETRY_AFTER_MAX) and doubles the slot's delay; Scrapy's RetryMiddleware then asks again.
The rest of the manners are Scrapy settings (crawler/settings.py).

RedirectGuard and MetaRefreshGuard (downloader middlewares, each just before the Scrapy
middleware that follows its kind of redirect): a redirect that loops back to an address of its own
chain, that would make the chain longer than REDIRECT_MAX_TIMES, or that leaves the site is
refused (RedirectRefused, a crawl_errors row) instead of being dropped silently by the
dupefilter, Scrapy's redirect limit or its offsite filter.

failure_to_error: the errback of every spider request (docs: topics/request-response.html#errbacks),
so every failed page ends as a crawl_errors row. Robots.txt refusals and off-site links are
policy, not failures: Scrapy's own stats count them.
"""

from __future__ import annotations

import logging
from time import monotonic
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError
from twisted.internet.error import ConnectError, DNSLookupError, TimeoutError as TxTimeoutError
from twisted.web._newclient import ResponseFailed
from scrapy.http import HtmlResponse
from scrapy.utils.response import get_meta_refresh
from w3lib.url import safe_url_string

from crawler.budget import PageTooBig
from crawler.items import CrawlError

logger = logging.getLogger(__name__)


class MannersMiddleware:
    """Crawl-delay and Retry-After, applied to Scrapy's download slots (one per host)."""

    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.obey_crawl_delay = settings.getbool("ROBOTSTXT_OBEY_CRAWL_DELAY", True)
        self.user_agent = settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT") or "*"
        self.backoff_codes = frozenset(settings.getlist("BACKOFF_HTTP_CODES", [429, 503]))
        self.max_wait = settings.getfloat("RETRY_AFTER_MAX", 120.0)
        self.max_delay = settings.getfloat("AUTOTHROTTLE_MAX_DELAY", 60.0)
        self.least_delay: dict[str, float] = {}  # slot key (host) -> its robots.txt Crawl-delay
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)
        # Connected after AutoThrottle's (an extension, built first): runs after its adjustment.
        crawler.signals.connect(self.response_downloaded, signal=signals.response_downloaded)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def robots_parsed(self, robotparser, request, **kwargs):
        delay = robotparser.crawl_delay(self.user_agent) if self.obey_crawl_delay else None
        if not delay or delay <= 0:
            return
        key = self._downloader.get_slot_key(request)
        self.least_delay[key] = delay
        # Slots made later (after an idle one was dropped) start from it too.
        self._downloader.per_slot_settings.setdefault(key, {})["delay"] = delay
        slot = self._downloader.slots.get(key)
        if slot is not None:
            slot.delay = max(slot.delay, delay)
        logger.info("robots.txt of %s asks for a Crawl-delay of %s s", key, delay)

    def response_downloaded(self, response, request, **kwargs):
        key = request.meta.get("download_slot")
        slot = self._downloader.slots.get(key)
        if slot is not None and key in self.least_delay:
            slot.delay = max(slot.delay, self.least_delay[key])

    def process_response(self, request, response, spider=None):
        if response.status in self.backoff_codes:
            self._back_off(request, response)
        return response

    def _back_off(self, request, response):
        key = request.meta.get("download_slot")
        slot = self._downloader.slots.get(key)
        if slot is None:
            return
        slot.delay = min(max(slot.delay * 2, 1.0), self.max_delay)
        wait = retry_after(response.headers.get(b"Retry-After"))
        wait = min(self.max_wait, slot.delay if wait is None else wait)
        logger.info("%s answered %s: no request to %s for %.1f s", request.url, response.status, key, wait)
        # The downloader starts a slot's next request once `delay` has passed since `lastseen`:
        # moving `lastseen` forward holds the slot for `wait`, through the downloader's own timer.
        slot.lastseen = max(slot.lastseen, monotonic() + wait - slot.delay)

    @property
    def _downloader(self):
        return self.crawler.engine.downloader


class RedirectRefused(IgnoreRequest):
    """A redirect not followed: a loop, too long a chain, or off the site. `url` is the address
    the spider asked for (the chain's first)."""

    def __init__(self, url: str, message: str):
        super().__init__(message)
        self.url = url


REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})


class RedirectGuard:
    """HTTP redirects (3xx with a Location), seen before Scrapy's RedirectMiddleware follows them."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.max_redirects = crawler.settings.getint("REDIRECT_MAX_TIMES", 20)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response, spider=None):
        if not _follows_redirects(request, response):
            return response
        target = self.target(request, response)
        if target is None:
            return response
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in chain:
            raise RedirectRefused(chain[0], f"redirect loop: {_chain(chain)} -> {target} again")
        if len(chain) > self.max_redirects:
            raise RedirectRefused(chain[0], f"more than {self.max_redirects} redirects (REDIRECT_MAX_TIMES): "
                                            f"{_chain(chain)} -> {target}")
        hosts = getattr(self.crawler.spider, "hosts", None)  # the site's hosts (crawler/hosts.py)
        if hosts is not None and not hosts.is_site(target):
            raise RedirectRefused(chain[0], f"redirected off the site: {_chain(chain)} -> {target}")
        return response

    def target(self, request, response) -> str | None:
        location = response.headers.get(b"Location")
        if response.status not in REDIRECT_CODES or not location:
            return None
        return safe_url_string(response.urljoin(location.decode("latin-1").strip()))


class MetaRefreshGuard(RedirectGuard):
    """<meta http-equiv="refresh"> redirects, seen after the body is decompressed and before
    Scrapy's MetaRefreshMiddleware follows them (by its own settings)."""

    def __init__(self, crawler):
        super().__init__(crawler)
        settings = crawler.settings
        self.enabled = settings.getbool("METAREFRESH_ENABLED")
        self.ignore_tags = settings.getlist("METAREFRESH_IGNORE_TAGS")
        self.max_delay = settings.getint("METAREFRESH_MAXDELAY")

    def target(self, request, response) -> str | None:
        if not self.enabled or request.method == "HEAD" or not isinstance(response, HtmlResponse):
            return None
        interval, url = get_meta_refresh(response, ignore_tags=self.ignore_tags)
        if not url or interval >= self.max_delay or urlsplit(url).scheme not in ("http", "https"):
            return None
        return safe_url_string(url)


def _follows_redirects(request, response) -> bool:
    """Whether Scrapy's RedirectMiddleware would follow this response's redirect."""
    meta = request.meta
    return not (meta.get("dont_redirect") or meta.get("handle_httpstatus_all")
                or response.status in meta.get("handle_httpstatus_list", ()))


def _chain(urls: list[str]) -> str:
    shown = urls if len(urls) <= 4 else [*urls[:2], f"... ({len(urls) - 3} more)", urls[-1]]
    return " -> ".join(shown)[:400]


def retry_after(value: bytes | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: a number of seconds or an HTTP date."""
    text = (value or b"").decode("latin-1").strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def failure_to_error(failure) -> CrawlError | None:
    """Classify a request's failure; None for refusals that are not page failures."""
    request = getattr(failure, "request", None)
    url = request.url if request is not None else ""
    if failure.check(HttpError):
        response = failure.value.response
        return CrawlError(url=response.url, kind="http", message=f"HTTP {response.status}")
    if failure.check(PageTooBig):
        return CrawlError(url=url, kind="oversized", message=str(failure.value))
    if failure.check(RedirectRefused):
        return CrawlError(url=failure.value.url, kind="redirect", message=str(failure.value)[:500])
    if failure.check(IgnoreRequest):
        # Scrapy's HttpCompressionMiddleware refuses a body that decompresses past
        # DOWNLOAD_MAXSIZE (a decompression bomb) with a plain IgnoreRequest that names the setting.
        if "DOWNLOAD_MAXSIZE" in str(failure.value):
            return CrawlError(url=url, kind="oversized", message=_one_line(failure))
        return None
    if failure.check(DownloadCancelledError, CancelledError):
        # Scrapy cancels a download past DOWNLOAD_MAXSIZE, announced or streamed.
        message = str(failure.value) or "response larger than DOWNLOAD_MAXSIZE"
        return CrawlError(url=url, kind="oversized", message=message)
    if failure.check(CannotResolveHostError, DownloadConnectionRefusedError, DownloadTimeoutError, DownloadFailedError,
                     DNSLookupError, ConnectError, TxTimeoutError, TimeoutError, ResponseFailed):
        return CrawlError(url=url, kind="network", message=_one_line(failure))
    return CrawlError(url=url, kind="download", message=_one_line(failure))


def _one_line(failure) -> str:
    text = f"{failure.type.__name__}: {failure.getErrorMessage()}"
    return " ".join(text.split())[:500]
