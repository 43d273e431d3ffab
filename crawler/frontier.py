"""Worker mode: several crawl processes, on one machine or many, share one frontier on Redis.

With REDIS_URL set (a Scrapy setting, or the environment variable) a crawl is one worker of the
shared crawl on that Redis; without it nothing here is used. The frontier is scrapy-redis's: its
scheduler (a priority queue in Redis) and its dupefilter (a Redis set of request fingerprints), so
each URL is requested once, by whichever worker pops it. Workers write items to the staging area
(crawler/pipelines.py StagingPipeline, warehouse/staging.py), never to the warehouse. This module
adds what scrapy-redis leaves open: which queue and dupefilter a worker joins, when the crawl is
over, and what happens when a worker or Redis is lost.

Runs. The first worker to arrive starts a run (its id is a UTC timestamp); every worker arriving
while it lasts joins it, from any machine. A run is over when its queue is empty and no live
worker holds a request; the worker that sees this first records the outcome and deletes the queue
and the dupefilter, so the next crawl (the next cron start) is a new run with an empty dupefilter
and visits the listings again. Keys, under `<spider>:<site host:port>` (two sites never share a
frontier):

    :run                  the current run's id
    :<run>:requests       scrapy-redis priority queue
    :<run>:dupefilter     scrapy-redis dupefilter
    :<run>:started        exists while the run lasts: a Redis without it has lost the run
    :<run>:workers        hash: worker -> busy | idle | left | failed | lost
    :<run>:alive:<worker> heartbeat, expires after REDIS_WORKER_TTL seconds
    :<run>:outcome        finished | interrupted (kept a day, with :started and :workers)

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
import os
from datetime import datetime, timezone
from urllib.parse import urlsplit, urlunsplit

import redis
from scrapy import signals
from scrapy.exceptions import CloseSpider, DontCloseSpider, UsageError
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from crawler import exitcodes
from crawler.extraction.urls import canonicalize_url
from crawler.exitcodes import fail
from warehouse.staging import worker_id

logger = logging.getLogger(__name__)

REDIS_ERRORS = (redis.RedisError, OSError)
WAREHOUSE_PIPELINE, STAGING_PIPELINE = "crawler.pipelines.WarehousePipeline", "crawler.pipelines.StagingPipeline"
WAREHOUSE_EXTENSIONS = ("crawler.extensions.CoverageGuard", "crawler.extensions.CrawlRunRecorder")


def redis_url(settings) -> str | None:
    """The REDIS_URL setting, else the environment variable: set means worker mode."""
    return settings.get("REDIS_URL") or os.environ.get("REDIS_URL") or None


def apply_worker_settings(settings) -> None:
    """Turn a crawl into a worker when REDIS_URL is set (called from the spider's update_settings,
    after the command line's -s options are in, at 'spider' priority)."""
    url = redis_url(settings)
    if not url:
        return
    for name, value in {
        "REDIS_URL": url,  # the environment's, for scrapy-redis's connection
        "SCHEDULER": "crawler.frontier.SharedScheduler",
        "DUPEFILTER_CLASS": "crawler.frontier.CanonicalDupeFilter",
        # scrapy-redis would empty the shared queue and dupefilter when any worker stops; the
        # run's last worker does it (see the module docstring).
        "SCHEDULER_PERSIST": True,
    }.items():
        settings.set(name, value, priority="spider")
    # Whole component dicts at 'spider' priority: Scrapy's crawler process merges its own (project)
    # settings into the crawler's afterwards, and would restore a dict left at project priority.
    pipelines = settings.getdict("ITEM_PIPELINES")
    order = pipelines.get(WAREHOUSE_PIPELINE) or 900
    settings.set("ITEM_PIPELINES", {**pipelines, WAREHOUSE_PIPELINE: None, STAGING_PIPELINE: order}, priority="spider")
    # Both write to the warehouse file, which a worker never opens. Layout drift is judged only in
    # single-process crawls; a worker's part of the run row comes from its manifest (warehouse/staging.py).
    settings.set("EXTENSIONS", {**settings.getdict("EXTENSIONS"), **dict.fromkeys(WAREHOUSE_EXTENSIONS)},
                 priority="spider")


def redacted(url: str) -> str:
    """The Redis address for messages, without its password."""
    parts = urlsplit(url)
    if parts.password:
        netloc = f"{parts.username or ''}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)


def check_redis(url: str) -> str | None:
    """Why a worker cannot start on `url` (one line), or None. A malformed URL is a UsageError."""
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=10, socket_timeout=10)
    except ValueError as exc:
        raise UsageError(f"REDIS_URL must look like redis://host:port/db, got {url!r} ({exc})") from None
    try:
        client.ping()
    except REDIS_ERRORS as exc:
        return f"cannot reach Redis at {redacted(url)} ({_one_line(exc)}): start it, or fix REDIS_URL"
    finally:
        client.close()
    return None


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def new_run_id() -> str:
    return f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S%fZ}"


# -- the shared run, in Redis (no Scrapy here) --------------------------------------------------

_JOIN = """
local prefix, run = ARGV[3], redis.call('GET', KEYS[1])
if run and redis.call('EXISTS', prefix .. run .. ':started') == 0 then run = false end
if not run then
  run = ARGV[1]
  redis.call('SET', KEYS[1], run)
  redis.call('SET', prefix .. run .. ':started', ARGV[5])
end
redis.call('HSET', prefix .. run .. ':workers', ARGV[2], 'busy')
redis.call('SET', prefix .. run .. ':alive:' .. ARGV[2], '1', 'EX', ARGV[4])
return run
"""
# KEYS: started, outcome, workers, alive. ARGV: worker, ttl.
_BEAT = """
if redis.call('EXISTS', KEYS[2]) == 1 then return 'ok' end
if redis.call('EXISTS', KEYS[1]) == 0 then return 'vanished' end
if redis.call('HGET', KEYS[3], ARGV[1]) == 'lost' then return 'evicted' end
redis.call('SET', KEYS[4], '1', 'EX', ARGV[2])
return 'ok'
"""
# KEYS: workers, alive. ARGV: worker, state, leaving (1: drop the heartbeat).
_MARK = """
if redis.call('HGET', KEYS[1], ARGV[1]) == 'lost' then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if ARGV[3] == '1' then redis.call('DEL', KEYS[2]) end
return 1
"""
# KEYS: started, outcome, workers, requests, dupefilter, pointer.
# ARGV: worker, alive-key prefix, run id, seconds to keep the run's record.
_SETTLE = """
local outcome = redis.call('GET', KEYS[2])
if outcome then return {'done', outcome} end
if redis.call('EXISTS', KEYS[1]) == 0 then return {'vanished', ''} end
if redis.call('HGET', KEYS[3], ARGV[1]) == 'lost' then return {'evicted', ''} end
redis.call('HSET', KEYS[3], ARGV[1], 'idle')
if redis.call('ZCARD', KEYS[4]) > 0 then return {'wait', ''} end
local states = redis.call('HGETALL', KEYS[3])
local busy, lost = false, false
for i = 1, #states, 2 do
  local state = states[i + 1]
  if state == 'busy' then
    if redis.call('EXISTS', ARGV[2] .. states[i]) == 1 then
      busy = true
    else
      redis.call('HSET', KEYS[3], states[i], 'lost')
      lost = true
    end
  elseif state == 'lost' or state == 'failed' then
    lost = true
  end
end
if busy then return {'wait', ''} end
outcome = lost and 'interrupted' or 'finished'
redis.call('SET', KEYS[2], outcome, 'EX', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[3], ARGV[4])
redis.call('DEL', KEYS[4], KEYS[5])
if redis.call('GET', KEYS[6]) == ARGV[3] then redis.call('DEL', KEYS[6]) end
return {'done', outcome}
"""


class CanonicalDupeFilter(RFPDupeFilter):
    """scrapy-redis's dupefilter on the canonical URL: workers request an article in the form the
    site writes it (``/slug/`` or ``/slug``), which one worker may not have learnt yet."""

    def request_fingerprint(self, request):
        try:
            url = canonicalize_url(request.url)
        except ValueError:
            url = request.url
        return super().request_fingerprint(request.replace(url=url))


class SharedRun:
    """One worker's view of the shared run (see the module docstring). Methods raise redis errors;
    `beat`, `check` and `settle` return a one-line problem when the run cannot go on."""

    KEEP_SECONDS = 86400

    def __init__(self, server: redis.Redis, prefix: str, worker: str, *, ttl: int, url: str):
        self.server, self.prefix, self.worker, self.ttl, self.url = server, prefix, worker, ttl, url
        self.run_id: str | None = None
        self.server_id: str | None = None
        self._join, self._beat, self._mark, self._settle = (
            server.register_script(lua) for lua in (_JOIN, _BEAT, _MARK, _SETTLE))

    def key(self, name: str) -> str:
        return f"{self.prefix}:{self.run_id}:{name}"

    def join(self) -> str:
        self.server_id = self.server.info("server")["run_id"]
        run_id = self._join(keys=[f"{self.prefix}:run"],
                            args=[new_run_id(), self.worker, f"{self.prefix}:", self.ttl, self.worker])
        self.run_id = _text(run_id)
        return self.run_id

    def beat(self) -> str | None:
        """Keep this worker alive; a problem if Redis restarted or lost the run."""
        if self.server.info("server")["run_id"] != self.server_id:
            return (f"Redis at {redacted(self.url)} restarted during run {self.run_id}: its frontier and "
                    "dupefilter cannot be trusted, so this worker stopped; start the workers again "
                    "(after `warehouse load --staging`, the new run walks every listing)")
        state = _text(self._beat(keys=[self.key("started"), self.key("outcome"), self.key("workers"),
                                       self.key(f"alive:{self.worker}")], args=[self.worker, self.ttl]))
        return self._problem(state)

    def check(self) -> str | None:
        """Whether the run is still in Redis (before adding to its queue and dupefilter)."""
        if self.server.exists(self.key("started"), self.key("outcome")):
            return None
        return self._problem("vanished")

    def mark(self, state: str, leaving: bool = False) -> None:
        self._mark(keys=[self.key("workers"), self.key(f"alive:{self.worker}")],
                   args=[self.worker, state, "1" if leaving else "0"])

    def settle(self) -> tuple[str | None, str | None]:
        """This worker is idle: (outcome, None) if the run is over, (None, None) while others work
        or requests wait, (None, problem) if the run cannot go on."""
        state, outcome = (_text(v) for v in self._settle(
            keys=[self.key("started"), self.key("outcome"), self.key("workers"), self.key("requests"),
                  self.key("dupefilter"), f"{self.prefix}:run"],
            args=[self.worker, self.key("alive:"), self.run_id, self.KEEP_SECONDS]))
        if state == "done":
            return outcome, None
        return None, self._problem(state)

    def _problem(self, state: str) -> str | None:
        if state == "vanished":
            return (f"run {self.run_id} is gone from Redis at {redacted(self.url)} (restarted or flushed): this "
                    "worker stopped rather than crawl again from scratch; start the workers again")
        if state == "evicted":
            return (f"the other workers of run {self.run_id} took this one for dead (no heartbeat for "
                    f"{self.ttl} s: an overloaded machine?), so it stopped; raise REDIS_WORKER_TTL")
        return None


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


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
        # Scrapy asks an idle engine's scheduler for requests every 5 s; a worker waiting for its
        # peers' links should look at the shared queue more often than that.
        self.crawler.engine._SLOT_HEARTBEAT_INTERVAL = self.poll
        self.heartbeat.start(self.poll, now=False)

    def close(self, reason):
        if self.heartbeat.running:
            self.heartbeat.stop()
        if self.run is None or self.run.run_id is None or self.lost:
            return
        try:  # clean ends lose nothing: Scrapy finished every request this worker held
            self.run.mark("left" if reason in ("finished", "shutdown") else "failed", leaving=True)
        except REDIS_ERRORS as exc:
            logger.warning("could not tell Redis that this worker left: %s", _one_line(exc))

    def enqueue_request(self, request):
        if self.lost:
            return False
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

    def _unreachable(self, exc: BaseException) -> str:
        return (f"lost the connection to Redis at {redacted(self.url)} ({_one_line(exc)}): this worker "
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
