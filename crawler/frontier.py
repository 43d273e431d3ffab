"""Worker mode: several crawl processes, on one machine or many, share one frontier on Redis.

With REDIS_URL set (a Scrapy setting, or the environment variable) a crawl is one worker of the
shared crawl on that Redis (the CrawlStorage add-on, crawler/addons.py, installs what is here);
without it nothing here is used. The frontier is scrapy-redis's: its
scheduler (a priority queue in Redis) and its dupefilter (a Redis set of request fingerprints), so
each URL is requested once, by whichever worker pops it. Workers write items to the staging area
(crawler/pipelines.py StagingPipeline, warehouse/staging.py), never to the warehouse. This module
adds what scrapy-redis leaves open: which queue and dupefilter a worker joins, when the crawl is
over, and what happens when a worker or Redis is lost.

Runs. The first worker to arrive starts a run (its id is a UTC timestamp); every worker arriving
while it lasts joins it, from any machine. A run is over when its queue is empty and no live
worker holds a request; the worker that sees this first records the outcome and deletes the queue
and the dupefilter, so the next crawl (the next cron start) is a new run with an empty dupefilter
and visits the listings again (the keys: crawler/sharedrun.py).

Busy and idle. A worker marks itself busy before it pops a request, and idle only when Scrapy
finds it idle (nothing downloading or being parsed, its output all in the queue), so a request is
always either in the queue or held by a busy worker; the end check reads the queue and all states
in one Lua script. A busy worker whose heartbeat expired was killed: it is marked lost, its
in-flight requests are gone, and the run ends 'interrupted', so the next run walks every listing
(crawler/recrawl.py) and fetches what is missing. A worker that leaves cleanly (Ctrl-C: Scrapy
finishes the requests it holds, their links go to the queue) loses nothing.

Redis lost. A worker that cannot reach Redis, or finds it restarted (its run_id changed) or
without the run, stops at once with exit code 5 and one line: going on could crawl again from
scratch (an empty dupefilter) or stop early (an empty queue) without anyone noticing.

The Lua scripts touch keys they derive from the run id, so this needs one Redis server (not a
Redis Cluster). Requests are pickled into Redis (scrapy-redis's default): only the workers may
reach that Redis.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from crawler import exitcodes
from crawler.extraction.urls import canonicalize_url
from crawler.exitcodes import fail
from crawler.sharedrun import REDIS_ERRORS, SharedRun, one_line, redacted
from warehouse.staging import worker_id

logger = logging.getLogger(__name__)


class CanonicalDupeFilter(RFPDupeFilter):
    """scrapy-redis's dupefilter on the canonical URL: workers request an article in the form the
    site writes it (``/slug/`` or ``/slug``), which one worker may not have learnt yet."""

    def request_fingerprint(self, request):
        try:
            url = canonicalize_url(request.url)
        except ValueError:
            url = request.url
        return super().request_fingerprint(request.replace(url=url))


# -- the Scrapy side -----------------------------------------------------------------------------

class SharedScheduler(Scheduler):
    """scrapy-redis's scheduler on the current run's queue and dupefilter, with the run's
    bookkeeping: busy/idle, heartbeat, the end of the run, and a clear stop when Redis is lost."""

    @classmethod
    def from_crawler(cls, crawler):
        scheduler = super().from_crawler(crawler)
        settings = crawler.settings
        scheduler.crawler = crawler
        # scrapy-redis passes spider= to inc_value, deprecated since Scrapy 2.13: counted here instead.
        scheduler.stats, scheduler.crawl_stats = None, crawler.stats
        scheduler.url = settings.get("REDIS_URL")
        scheduler.ttl = settings.getint("REDIS_WORKER_TTL", 30)
        scheduler.poll = settings.getfloat("REDIS_POLL_INTERVAL", 1.0)
        scheduler.run = None
        scheduler.lost = None  # the problem that stopped this worker
        scheduler.outcome = None  # the run's, once this worker saw it end
        scheduler.handed, scheduler.handing_over = [], None  # requests popped by _wake, not yet taken
        scheduler.heartbeat = task.LoopingCall(scheduler._beat)
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler

    def open(self, spider):
        host = urlsplit(getattr(spider, "base_url", "") or "").netloc or "site"
        self.run = SharedRun(self.server, f"{spider.name}:{host}", worker_id(), ttl=self.ttl, url=self.url)
        try:
            run_id = self.run.join()
        except REDIS_ERRORS as exc:
            self._fail(self._unreachable(exc))
            raise CloseSpider("frontier_lost") from None
        self.queue_key, self.dupefilter_key = self.run.key("requests"), self.run.key("dupefilter")
        self.df = CanonicalDupeFilter(self.server, key=self.dupefilter_key, debug=spider.settings.getbool("DUPEFILTER_DEBUG"))
        super().open(spider)
        self.crawl_stats.set_value("frontier/run", run_id)
        self.crawl_stats.set_value("frontier/worker", self.run.worker)
        logger.info("Worker %s joined run %s on %s", self.run.worker, run_id, redacted(self.url))
        self.heartbeat.start(self.poll, now=False)

    def close(self, reason):
        if self.heartbeat.running:
            self.heartbeat.stop()
        if self.run is None or self.run.run_id is None or self.lost:
            return
        try:  # clean ends lose nothing: Scrapy finished every request this worker held
            self.run.mark("left" if reason in ("finished", "shutdown") else "failed", leaving=True)
        except REDIS_ERRORS as exc:
            logger.warning("could not tell Redis that this worker left: %s", one_line(exc))

    def enqueue_request(self, request):
        if self.lost:
            return False
        if request is self.handing_over:  # popped from the shared queue by _wake: kept here
            self.handed.append(request)
            return True
        try:
            problem = self.run.check()
            if problem is None:
                queued = super().enqueue_request(request)
                self.crawl_stats.inc_value("scheduler/enqueued/redis" if queued else "dupefilter/filtered")
                return queued
        except REDIS_ERRORS as exc:
            problem = self._unreachable(exc)
        self._lose(problem)
        return False

    def next_request(self):
        if self.lost:
            return None
        if self.handed:
            return self.handed.pop(0)
        try:
            if not len(self.queue):
                return None
            self.run.mark("busy")  # before the pop: a popped request always has a busy holder
            request = super().next_request()
            if request is not None:
                self.crawl_stats.inc_value("scheduler/dequeued/redis")
            return request
        except REDIS_ERRORS as exc:
            self._lose(self._unreachable(exc))
            return None

    def has_pending_requests(self):
        if self.lost:
            return False
        if self.handed:
            return True
        try:
            return len(self.queue) > 0
        except REDIS_ERRORS as exc:
            self._lose(self._unreachable(exc))
            return False

    def spider_idle(self, spider):
        if self.lost:
            raise CloseSpider("frontier_lost")
        try:
            outcome, problem = self.run.settle()
        except REDIS_ERRORS as exc:
            outcome, problem = None, self._unreachable(exc)
        if problem:
            self._lose(problem)
            raise CloseSpider("frontier_lost")
        if outcome is None:
            raise DontCloseSpider  # requests wait in the queue, or other workers may add some
        self.outcome = outcome
        self.crawl_stats.set_value("frontier/run_outcome", outcome)
        logger.info("Run %s is over (%s)", self.run.run_id, outcome)

    def _beat(self):
        if self.lost:
            return
        try:
            problem = self.run.beat()
        except REDIS_ERRORS as exc:
            problem = self._unreachable(exc)
        if problem:
            self._lose(problem)
        else:
            self._wake()

    def _wake(self):
        """Scrapy asks an idle engine's scheduler for requests only every 5 s; a worker waiting for
        its peers' links takes one as soon as its heartbeat sees it, handing it to the engine's
        crawl(), which schedules it here (enqueue_request keeps it) and wakes the engine."""
        engine = self.crawler.engine
        if engine.spider is None or self.handed or engine.downloader.active or not engine.scraper.slot.is_idle():
            return  # busy: the engine asks again when a download ends
        request = self.next_request()
        if request is None:
            return
        self.handing_over = request
        try:
            engine.crawl(request)
        finally:
            self.handing_over = None

    def _unreachable(self, exc: BaseException) -> str:
        return (f"lost the connection to Redis at {redacted(self.url)} ({one_line(exc)}): this worker "
                "stopped; start the workers again when Redis is back")

    def _fail(self, problem: str) -> None:
        self.lost = problem
        logger.error(problem)
        fail(self.crawler, exitcodes.FRONTIER_LOST, problem)

    def _lose(self, problem: str) -> None:
        if self.lost:
            return
        self._fail(problem)
        if self.heartbeat.running:
            self.heartbeat.stop()
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="frontier_lost"))
