"""Turns request failures into CrawlError items, so every failed page ends as a crawl_errors row.

Used as the errback of every spider request (docs: topics/request-response.html#errbacks).
Robots.txt refusals and off-site links are policy, not failures: Scrapy's own stats count them.
"""

from __future__ import annotations

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

from crawler.items import CrawlError


def failure_to_error(failure) -> CrawlError | None:
    """Classify a request's failure; None for refusals that are not page failures."""
    request = getattr(failure, "request", None)
    url = request.url if request is not None else ""
    if failure.check(HttpError):
        response = failure.value.response
        return CrawlError(url=response.url, kind="http", message=f"HTTP {response.status}")
    if failure.check(IgnoreRequest):
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
