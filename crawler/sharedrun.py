"""The shared run of a crawl's workers, as kept in Redis: joining it, the heartbeat, busy and
idle, and the end of the run, each one Lua script (atomic on the one Redis server). No Scrapy
here: crawler/frontier.py is the Scrapy side. Keys, under `<spider>:<site host:port>`:

    :run                  the current run's id
    :<run>:requests       scrapy-redis priority queue
    :<run>:dupefilter     scrapy-redis dupefilter
    :<run>:started        exists while the run lasts: a Redis without it has lost the run
    :<run>:workers        hash: worker -> busy | idle | left | failed | lost
    :<run>:alive:<worker> heartbeat, expires after REDIS_WORKER_TTL seconds
    :<run>:outcome        finished | interrupted (kept a day, with :started and :workers)
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import redis
from scrapy.exceptions import UsageError

from warehouse.clock import new_run_id

REDIS_ERRORS = (redis.RedisError, OSError)


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
        return f"cannot reach Redis at {redacted(url)} ({one_line(exc)}): start it, or fix REDIS_URL"
    finally:
        client.close()
    return None


def one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


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
