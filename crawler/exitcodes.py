"""Exit codes of `scrapy crawl belarusinfocus`, and how a component reports a failed crawl.

Scrapy itself exits 0 whenever the spider ran; cron needs to know when a crawl failed. A
component calls `fail(crawler, code, reason)`; the project's `crawl` command
(crawler/commands/crawl.py) prints the reason as one line and exits with the code.
"""

OK = 0
FAILED = 1  # the crawl ran but its result cannot be trusted: site unreachable, coverage collapsed, warehouse unusable
USAGE = 2  # bad arguments
WAREHOUSE_BUSY = 3  # the warehouse file was locked by another process: items wait in the spool
ALREADY_RUNNING = 4  # another crawl holds the crawl lock; nothing was done
FRONTIER_LOST = 5  # a worker of a shared crawl lost its Redis frontier (unreachable or restarted)
SITE_FAILING = 6  # the site answered, but almost only with errors or one same page for every URL (crawler/health.py)
# Stopped by a signal: 128 + its number, as a shell reports a process the signal ended. Scrapy
# shuts down gracefully on the first and forcibly on the second (crawler/commands/crawl.py).
INTERRUPTED = 130  # SIGINT (Ctrl-C), once or twice
TERMINATED = 143  # SIGTERM

STAT_CODE = "crawl/exit_code"
STAT_REASONS = "crawl/exit_reasons"
STAT_SIGNALS = "crawl/stop_signals"  # the stop signals received, by number, in order


def fail(crawler, code: int, reason: str) -> None:
    """Record a failure; the highest code wins, every reason is printed."""
    stats = crawler.stats
    stats.set_value(STAT_CODE, max(code, stats.get_value(STAT_CODE, OK)))
    reasons = stats.get_value(STAT_REASONS) or []
    if reason not in reasons:
        stats.set_value(STAT_REASONS, [*reasons, reason])


def code(crawler) -> int:
    """The crawl's exit code so far."""
    return crawler.stats.get_value(STAT_CODE, OK)


def reasons(crawler) -> list[str]:
    """Every reason given so far, in order."""
    return list(crawler.stats.get_value(STAT_REASONS) or [])


def signal_received(crawler, signum: int) -> None:
    """Note a stop signal (crawler/commands/crawl.py watches them): the run's record reads it."""
    crawler.stats.set_value(STAT_SIGNALS, [*stop_signals(crawler), int(signum)])


def stop_signals(crawler) -> list[int]:
    return list(crawler.stats.get_value(STAT_SIGNALS) or [])


def signal_code(signum: int) -> int:
    """The exit code of a crawl a signal stopped: 128 + its number (SIGINT 130, SIGTERM 143)."""
    return 128 + int(signum)
