"""WarcArchiver: every HTTP response the crawl downloads goes into the WARC archive.

Driven by the `response_downloaded` signal, which Scrapy sends for each response as the download
handler returns it, before any downloader middleware: redirects, 304s, 404s and the 5xx a retry
hides are all seen, and the body is the one on the wire (still in its Content-Encoding; a
reader undoes it). robots.txt, the sitemap and the feed are kept too: every page fetched is.
A download refused for its size (DOWNLOAD_MAXSIZE) has no response and is not kept.

Settings: ARCHIVE_ENABLED (default on), ARCHIVE_DIR (setting or environment variable; default
`archive/` beside the warehouse file, for a worker of a shared crawl `archive/` in the staging
area), ARCHIVE_MAX_BYTES (a file is closed past it, ~100 MB).
Docs: https://docs.scrapy.org/en/latest/topics/signals.html#response-downloaded
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler import exitcodes
from warehouse.archive import (
    DEFAULT_MAX_BYTES,
    Exchange,
    finish_leftovers,
    known_payloads,
    resolve_archive_dir,
    writer_process,
)
from warehouse.clock import new_run_id, utc_now
from warehouse.config import resolve_db_path, resolve_staging_dir

logger = logging.getLogger(__name__)

# Exchanges handed to the writer process and not yet written, at most (each holds its page).
MAX_PENDING = 256
# Exchanges sent to the writer process together: one message per batch instead of per page.
BATCH = 8


class WarcArchiver:
    def __init__(self, crawler, archive_dir, db_path, max_bytes: int):
        self.crawler = crawler
        self.stats = crawler.stats
        self.archive_dir = archive_dir
        self.db_path = db_path
        self.max_bytes = max_bytes
        self.known = None
        self.process: ProcessPoolExecutor | None = None  # the writer, started when the spider opens
        self.batch: list[Exchange] = []
        self.failed = False
        self.seconds = 0.0  # the crawl thread's time in response_downloaded
        self.pending: deque[Future] = deque()
        for handler, event in ((self.spider_opened, signals.spider_opened),
                                (self.response_downloaded, signals.response_downloaded),
                                (self.spider_idle, signals.spider_idle),
                                (self.spider_closed, signals.spider_closed)):
            crawler.signals.connect(handler, signal=event)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("ARCHIVE_ENABLED", True):
            raise NotConfigured("ARCHIVE_ENABLED is off")
        db_path = resolve_db_path(setting=settings.get("WAREHOUSE_PATH"))
        archive_dir = resolve_archive_dir(setting=settings.get("ARCHIVE_DIR"), db_path=db_path)
        if settings.get("REDIS_URL"):
            # A worker of a shared crawl never opens the warehouse; its files wait in the staging
            # area (unless ARCHIVE_DIR says otherwise) for `warehouse load --staging`.
            if not (settings.get("ARCHIVE_DIR") or os.environ.get("ARCHIVE_DIR")):
                archive_dir = resolve_staging_dir(setting=settings.get("STAGING_DIR")) / "archive"
            db_path = None
        return cls(crawler, archive_dir, db_path, settings.getint("ARCHIVE_MAX_BYTES", DEFAULT_MAX_BYTES))

    def spider_opened(self, spider):
        self.stats.set_value("archive/path", str(self.archive_dir))
        finished = finish_leftovers(self.archive_dir)
        if finished:
            logger.info("Finished %d archive file(s) an interrupted crawl left open: %s",
                        len(finished), ", ".join(finished))
            self.stats.set_value("archive/leftovers_finished", len(finished))
        self.known = known_payloads(self.archive_dir, self.db_path)
        # Started now, not at the first response: the process takes a second to import warcio,
        # which the crawl would otherwise wait out with its first pages queued behind it.
        self.process = self._start_writer()
        self.pending.append(self.process.submit(writer_process.ready))

    def response_downloaded(self, response, request, spider):
        # Written by a process of its own, in order: building, digesting and gzipping records is
        # mostly Python, which a thread would run under the crawl's GIL, taking turns with the
        # crawl; a process runs it on the other core, and the crawl's thread only hands the
        # exchanges over. A crawl killed meanwhile takes the writer with it (PR_SET_PDEATHSIG),
        # losing the few exchanges not yet written, never a record in the file.
        if self.failed:
            return
        started = time.perf_counter()
        self.batch.append(exchange(request, response))
        if len(self.batch) >= BATCH:
            self._send()
        self.seconds += time.perf_counter() - started

    def _send(self):
        batch, self.batch = self.batch, []
        if batch and not self.failed:
            self.pending.append(self.process.submit(writer_process.write, batch))
        while self.pending and (self.pending[0].done() or len(self.pending) * BATCH > MAX_PENDING):
            self._settle(self.pending.popleft())  # past MAX_PENDING the crawl waits for the disk

    def _settle(self, future: Future):
        try:
            future.result()
        except (OSError, BrokenProcessPool) as exc:
            # The crawl goes on (its items are spooled apart) but fails: its pages from here on are
            # not archived, which cron sees only in the exit code and `warehouse status`.
            if self.failed:
                return  # said once
            self.failed = True
            self.stats.set_value("archive/failed", str(exc))
            reason = (f"archiving stopped: cannot write to {self.archive_dir}: {exc}; the articles are stored, "
                      "their pages from here on are not archived: give ARCHIVE_DIR a writable folder with room")
            logger.error(reason)
            exitcodes.fail(self.crawler, exitcodes.FAILED, reason)

    def spider_idle(self, spider):
        # Nothing in flight: close the file now, so the pipelines' close_spider, which runs before
        # spider_closed, already finds it complete. A later response opens the next file.
        self._close()

    def spider_closed(self, spider, reason):
        self._close()
        if self.process is not None:
            self.process.shutdown(wait=True)

    def _close(self):
        if self.process is None:
            return
        self._send()
        while self.pending:
            self._settle(self.pending.popleft())
        try:
            responses, revisits, files = self.process.submit(writer_process.close_file).result()
        except (OSError, BrokenProcessPool) as exc:
            logger.error("Cannot close the archive file in %s: %s", self.archive_dir, exc)
            return
        self.stats.set_value("archive/responses", responses)
        self.stats.set_value("archive/revisits", revisits)
        self.stats.set_value("archive/files", files)
        self.stats.set_value("archive/write_seconds", round(self.seconds, 3))  # what archiving cost the crawl

    def _start_writer(self) -> ProcessPoolExecutor:
        # The warehouse pipeline names the run in open_spider; a worker of a shared crawl also
        # has a worker name, since its run's other workers write files too.
        run_id = self.stats.get_value("warehouse/run_id") or self.stats.get_value("frontier/run") or new_run_id()
        worker = self.stats.get_value("frontier/worker")
        prefix = "bif-" + "-".join(_safe(part) for part in (run_id, worker) if part)
        info = {"robots": "obey" if self.crawler.settings.getbool("ROBOTSTXT_OBEY") else "ignore",
                "http-header-user-agent": self.crawler.settings.get("USER_AGENT") or ""}
        # spawn, not fork: a fork of a process running Twisted's and DuckDB's threads may hold
        # their locks forever.
        return ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=writer_process.start,
            initargs=(os.getpid(), str(self.archive_dir), prefix, run_id, self.max_bytes, self.known, info))


def exchange(request, response) -> Exchange:
    """A Scrapy request and its raw response (as the download handler returned it)."""
    return Exchange(
        url=request.url,
        method=request.method,
        request_headers=_headers(request.headers),
        status=response.status,
        response_headers=_headers(response.headers),
        body=response.body,
        fetched_at=utc_now(),
        protocol=response.protocol or "HTTP/1.1",
    )


def _headers(headers) -> list[tuple[str, str]]:
    return [(name.decode("latin-1"), value.decode("latin-1"))
            for name, values in headers.items() for value in values]


def _safe(part: str) -> str:
    return re.sub(r"[^\w.-]+", "_", str(part))

