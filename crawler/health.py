"""SiteHealth: fails a crawl whose answers were not the site's pages.

A site that answers every request with a server error (503 during an outage), or with one same
page for every address (a maintenance page served with 200), gives a crawl that fetched plenty
and learned nothing: without a verdict it exits 0 and cron cannot tell. This extension watches
the final answer to each request (Scrapy's RetryMiddleware has already retried the transient
ones) and, when the spider closes, fails the crawl with exit code 6 (crawler/exitcodes.py) and
one line when

- more than CRAWL_ERROR_SHARE_MAX of the answers were server errors (5xx, or 429), or
- more than CRAWL_SAME_BODY_SHARE_MAX of them were one same 200 body served at different
  addresses (a hash of the body),

provided at least CRAWL_HEALTH_MIN_RESPONSES answers came: a short incremental run is not
judged by a few transient errors.

It comes before RunRecord (crawler/extensions.py) in EXTENSIONS, so its verdict is in when the
run's row is written: a failed verdict makes the row's finish_reason 'failed'.
Docs: https://docs.scrapy.org/en/latest/topics/extensions.html

RepeatedContentPipeline keeps such a page out of the articles: two different articles never have
the same content (title, date, body...: the content hash), so an article whose content this run
already stored under another address is dropped as invalid (a crawl_errors row naming that
address); only the first address is stored.
"""

from __future__ import annotations

import hashlib
from collections import Counter

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import UsageError

from crawler import exitcodes
from crawler.exitcodes import fail
from crawler.items import ArticleItem
from crawler.pipelines import InvalidItem

ERROR_STATUSES = frozenset({429})  # besides every 5xx: "too many requests" for everything is no answer either


def is_error(status: int) -> bool:
    return status >= 500 or status in ERROR_STATUSES


def checked_thresholds(settings) -> tuple[float, float, int]:
    """(error share, same-body share, minimum answers) from the settings; a bad value is a UsageError."""
    shares = {}
    for name in ("CRAWL_ERROR_SHARE_MAX", "CRAWL_SAME_BODY_SHARE_MAX"):
        try:
            shares[name] = settings.getfloat(name, 0.5)
        except ValueError:
            shares[name] = -1.0
        if not 0 < shares[name] <= 1:
            raise UsageError(f"{name} must be a share above 0 and at most 1 (e.g. 0.5), not {settings.get(name)!r}")
    try:
        minimum = settings.getint("CRAWL_HEALTH_MIN_RESPONSES", 5)
    except ValueError:
        minimum = 0
    if minimum < 1:
        raise UsageError("CRAWL_HEALTH_MIN_RESPONSES must be a whole number of answers, at least 1, "
                         f"not {settings.get('CRAWL_HEALTH_MIN_RESPONSES')!r}")
    return shares["CRAWL_ERROR_SHARE_MAX"], shares["CRAWL_SAME_BODY_SHARE_MAX"], minimum


class SiteHealth:
    def __init__(self, crawler, error_share_max: float, same_body_share_max: float, min_responses: int):
        self.crawler = crawler
        self.stats = crawler.stats
        self.error_share_max = error_share_max
        self.same_body_share_max = same_body_share_max
        self.min_responses = min_responses
        self.responses = 0
        self.errors: Counter[int] = Counter()  # status -> answers
        # body digest -> the addresses (their hashes: a few bytes each) that answered 200 with it
        self.addresses_by_body: dict[bytes, set[int]] = {}
        self.example_by_body: dict[bytes, str] = {}
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, *checked_thresholds(crawler.settings))

    def response_received(self, response, request, spider=None):
        self.responses += 1
        if is_error(response.status):
            self.errors[response.status] += 1
            self.stats.inc_value("health/error_responses")
        elif response.status == 200 and response.body:
            digest = hashlib.blake2b(response.body, digest_size=16).digest()
            self.addresses_by_body.setdefault(digest, set()).add(hash(response.url))
            self.example_by_body.setdefault(digest, response.url)

    def spider_closed(self, spider, reason):
        self.stats.set_value("health/responses", self.responses)
        if self.responses < self.min_responses:
            return
        site = getattr(spider, "base_url", "?")
        errors = sum(self.errors.values())
        if errors / self.responses > self.error_share_max:
            statuses = ", ".join(f"{count} × {status}" for status, count in self.errors.most_common(3))
            fail(self.crawler, exitcodes.SITE_FAILING,
                 f"the site at {site} answered {errors} of {self.responses} requests with a server error "
                 f"({statuses}): it is down or failing; nothing it said was trusted, crawl again later")
        if not self.addresses_by_body:
            return
        digest, addresses = max(self.addresses_by_body.items(), key=lambda entry: len(entry[1]))
        same = len(addresses)
        self.stats.set_value("health/same_body_max", same)
        if same > 1 and same / self.responses > self.same_body_share_max:
            fail(self.crawler, exitcodes.SITE_FAILING,
                 f"the site at {site} answered {same} of {self.responses} requests with one same page "
                 f"(as at {self.example_by_body[digest]}): a maintenance or error page, not its articles; "
                 "crawl again later")


class RepeatedContentPipeline:
    """Drops an article whose content hash this run already gave under another address (after
    EnrichPipeline, which computes the hash; before the store)."""

    def __init__(self, stats):
        self.stats = stats
        self.first_address: dict[str, str] = {}  # content hash -> the address that gave it first

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        if not isinstance(item, ArticleItem):
            return item
        adapter = ItemAdapter(item)
        digest, url = adapter.get("content_hash"), adapter["url"]
        if not digest:
            return item
        first = self.first_address.setdefault(digest, url)
        if first != url:
            self.stats.inc_value("health/repeated_content")
            raise InvalidItem(f"the same content as {first}: one page served at many addresses "
                              "(a maintenance or error page?), not an article")
        return item
