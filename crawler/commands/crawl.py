"""`scrapy crawl`, with the crawl lock taken first (a worker of a shared crawl takes none: it checks
that Redis answers instead) and exit codes that say whether the crawl succeeded
(crawler/exitcodes.py). Registered through COMMANDS_MODULE; the crawling itself is Scrapy's own
crawl command.

The crawl's speed is chosen here, before the crawler exists: against a loopback base URL (a local
copy of the site) LOOPBACK_SETTINGS replace the remote manners at 'spider' priority, so that
project settings give way to them and `-s` options still win; LOOPBACK_IS_REMOTE=1 keeps the
remote manners.
"""

from __future__ import annotations

import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from crawler import exitcodes
from crawler.frontier import check_redis, redis_url
from crawler.hosts import checked_base_url, checked_site_hosts, is_loopback
from crawler.lock import AlreadyRunning, CrawlLock
from crawler.spiders.belarusinfocus import BelarusInFocusSpider
from warehouse import resolve_db_path
from warehouse.db import WarehouseUsageError, checked_memory_limit


class Command(ScrapyCrawlCommand):
    def _create_crawler(self, spname):
        self.crawler = super()._create_crawler(spname)
        return self.crawler

    def run(self, args, opts):
        try:
            base_url = checked_base_url(opts.spargs.get("base_url") or BelarusInFocusSpider.default_base_url)
            checked_site_hosts(self.settings.get("SITE_HOSTS"))
            checked_memory_limit(self.settings.get("WAREHOUSE_MEMORY_LIMIT"))
        except (UsageError, WarehouseUsageError) as exc:
            print(f"crawl: error: {exc}", file=sys.stderr)
            self.exitcode = exitcodes.USAGE
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
                print(f"crawl: error: {exc}", file=sys.stderr)
                self.exitcode = exitcodes.USAGE
                return
            if problem:
                print(f"crawl: error: {problem}", file=sys.stderr)
                self.exitcode = exitcodes.FRONTIER_LOST
                return
            lock = None
        else:
            # Before anything else: a second crawl must not touch the warehouse, the spool or the site.
            lock = CrawlLock(resolve_db_path(setting=self.settings.get("WAREHOUSE_PATH")))
            try:
                lock.acquire()
            except AlreadyRunning as exc:
                print(f"crawl: error: {exc}", file=sys.stderr)
                self.exitcode = exitcodes.ALREADY_RUNNING
                return
        try:
            super().run(args, opts)
        finally:
            if lock is not None:
                lock.release()
        if self.crawler_process.bootstrap_failed:  # Scrapy logged why; its exit code stands
            return
        stats = self.crawler.stats
        for reason in stats.get_value(exitcodes.STAT_REASONS) or []:
            print(f"crawl: error: {reason}", file=sys.stderr)
        code = stats.get_value(exitcodes.STAT_CODE, exitcodes.OK)
        if code != exitcodes.OK:
            self.exitcode = code
