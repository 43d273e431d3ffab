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

STAT_CODE = "crawl/exit_code"
STAT_REASONS = "crawl/exit_reasons"


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
