"""`scrapy crawl`, with the crawl lock taken first (a worker of a shared crawl takes none: it checks
that Redis answers instead) and exit codes that say whether the crawl succeeded
(crawler/exitcodes.py). Registered through COMMANDS_MODULE; the crawling itself is Scrapy's own
crawl command.

The crawl's speed is chosen here, before the crawler exists: against a loopback base URL (a local
copy of the site) LOOPBACK_SETTINGS replace the remote manners at 'spider' priority, so that
project settings give way to them and `-s` options still win; LOOPBACK_IS_REMOTE=1 keeps the
remote manners.

Stop signals: Scrapy shuts down gracefully on a first SIGINT or SIGTERM and at once on a second,
and exits 0 either way. StopSignals notes each one in the crawl's stats (the run's record turns it
into exit code 130 or 143 and the run's finish_reason); after a forced stop, which never closes
the spider, the command has the run's record end the run itself.
"""

from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from crawler import exitcodes
from crawler.addons import redis_url
from crawler.extensions import RunRecord
from crawler.fieldcoverage import FieldCoverage
from crawler.health import checked_thresholds
from crawler.sharedrun import check_redis
from crawler.hosts import checked_base_url, checked_site_hosts, is_loopback
from crawler.lock import AlreadyRunning, CrawlLock
from crawler.spiders.belarusinfocus import BelarusInFocusSpider
from warehouse import resolve_db_path
from warehouse.db import WarehouseUsageError, checked_memory_limit

logger = logging.getLogger(__name__)


class Command(ScrapyCrawlCommand):
    def _create_crawler(self, spname):
        self.crawler = super()._create_crawler(spname)
        return self.crawler

    def run(self, args, opts):
        try:
            base_url = checked_base_url(opts.spargs.get("base_url") or self.settings.get("BASE_URL")
                                        or BelarusInFocusSpider.default_base_url)
            checked_site_hosts(self.settings.get("SITE_HOSTS"))
            checked_memory_limit(self.settings.get("WAREHOUSE_MEMORY_LIMIT"))
            FieldCoverage.from_settings(self.settings)  # COVERAGE_FIELDS names known fields
            checked_thresholds(self.settings)  # the CRAWL_*_SHARE_MAX shares are shares
        except (UsageError, WarehouseUsageError) as exc:
            self.error(exitcodes.USAGE, exc)
            return
        if is_loopback(base_url) and not self.settings.getbool("LOOPBACK_IS_REMOTE"):
            self.settings.setdict(self.settings.getdict("LOOPBACK_SETTINGS"), priority="spider")
        url = redis_url(self.settings)
        if url:
            # A worker of a shared crawl (crawler/frontier.py) never opens the warehouse, so it takes
            # no crawl lock: any number of workers may run, on one machine or many.
            try:
                problem = check_redis(url)
            except UsageError as exc:
                self.error(exitcodes.USAGE, exc)
                return
            if problem:
                self.error(exitcodes.FRONTIER_LOST, problem)
                return
            lock = None
        else:
            # Before anything else: a second crawl must not touch the warehouse, the spool or the site.
            lock = CrawlLock(resolve_db_path(setting=self.settings.get("WAREHOUSE_PATH")))
            try:
                lock.acquire()
            except AlreadyRunning as exc:
                self.error(exitcodes.ALREADY_RUNNING, exc)
                return
        StopSignals(self).watch()
        try:
            super().run(args, opts)
            if not self.crawler_process.bootstrap_failed:
                record = self.crawler.get_extension(RunRecord)
                if record is not None:
                    record.end_after_forced_stop()  # nothing to do unless the spider was never closed
        finally:
            if lock is not None:
                lock.release()
        if self.crawler_process.bootstrap_failed:  # Scrapy logged why, with a traceback
            where = f" in {self.settings.get('LOG_FILE')}" if self.settings.get("LOG_FILE") else " above"
            self.error(exitcodes.FAILED, f"the crawl could not start: see the traceback{where}")
            return
        code = exitcodes.code(self.crawler)
        for reason in exitcodes.reasons(self.crawler):
            self.error(code, reason)

    def process_options(self, args, opts):
        super().process_options(args, opts)
        # Scrapy opens LOG_FILE as soon as this returns: a missing folder is made, or is one line.
        log_file = self.settings.get("LOG_FILE")
        if log_file:
            try:
                Path(log_file).expanduser().parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                print(f"crawl: error: cannot create the folder of LOG_FILE {log_file}: {exc.strerror}; "
                      "choose a LOG_FILE in a folder this user may write", file=sys.stderr)
                sys.exit(exitcodes.USAGE)

    def error(self, code: int, reason) -> None:
        """One line on stderr (cron mails it) and, with LOG_FILE, the same line in the log."""
        line = f"crawl: error: {reason}"
        print(line, file=sys.stderr)
        if self.settings.get("LOG_FILE"):
            logger.error(line)
        self.exitcode = max(self.exitcode, code)


class StopSignals:
    """Notes every SIGINT and SIGTERM the crawl receives (exitcodes.signal_received), then hands it
    to the handler Scrapy installed: a graceful stop the first time, a forced one the second.
    Scrapy installs its handlers once the reactor has started and replaces them on the first
    signal, so the watch wraps whichever handler is installed, again after each signal."""

    WATCHED = (signal.SIGINT, signal.SIGTERM)

    def __init__(self, command: Command):
        self.command = command

    def watch(self) -> None:
        from twisted.internet import reactor  # Scrapy's, installed by the crawler process already

        # Startup triggers run in the order added: Scrapy adds the one installing its handlers
        # later (when the process starts), so the wrapping waits for the reactor's first turn.
        reactor.addSystemEventTrigger("after", "startup", reactor.callLater, 0, self.wrap)

    def wrap(self) -> None:
        for signum in self.WATCHED:
            handler = signal.getsignal(signum)
            if callable(handler) and not getattr(handler, "watched", False):
                signal.signal(signum, self.watching(handler))

    def watching(self, handler):
        def noted(signum, frame):
            crawler = getattr(self.command, "crawler", None)
            if crawler is not None:
                exitcodes.signal_received(crawler, signum)  # only a stats update: safe in a handler
            handler(signum, frame)
            self.wrap()

        noted.watched = True
        return noted
