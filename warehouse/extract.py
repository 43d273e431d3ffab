"""An archived page through the crawl's own steps: extraction (crawler.extraction.ArticlePage),
then the validate and enrich pipelines (crawler/pipelines.py), so that `warehouse reparse` and
`warehouse import-warc` store exactly what a crawl of the same page would have stored.

`parse_archived` runs them over archived records in a process pool (both cores): each worker
reads its records by their place in the archive (one seek each) and returns picklable outcomes;
the parent only writes them to the spool. Progress goes to a terminal as one line.
"""

from __future__ import annotations

import multiprocessing
import os
import select
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from crawler.extraction import ArticlePage
from crawler.hosts import SiteHosts
from crawler.items import ArticleItem
from crawler.pipelines import EnrichPipeline, InvalidItem, ValidatePipeline
from warehouse.archive import ArchiveError, read_capture


@dataclass(frozen=True)
class Page:
    """One archived response to extract: where it was fetched, its payload, and its validators."""

    url: str  # the address fetched (any host of the site, any address form)
    body: bytes
    encoding: str | None
    fetched_at: datetime
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Outcome:
    """An article item ready for the spool, or why the page gave none (a crawl_errors row)."""

    url: str
    fetched_at: datetime
    item: ArticleItem | None = None
    kind: str | None = None  # 'invalid' (no usable article) or 'parse' (extraction failed)
    message: str | None = None


_validate = ValidatePipeline()
_enrich = EnrichPipeline()


def parse_page(page: Page, hosts: SiteHosts) -> Outcome:
    """What the spider's parse_article and the validate/enrich pipelines make of `page`, with the
    item's url moved onto the site's current host as the spider moves it."""
    moved = hosts.on_current(page.url) or page.url
    try:
        item = ArticlePage(page.url, page.body, page.encoding).to_item()
        item.url, item.site = hosts.on_current(item.url) or item.url, hosts.current
        for link in item.similar_links:
            link.url = hosts.on_current(link.url) or link.url
        item.etag, item.last_modified = page.etag, page.last_modified
        item = _enrich.process_item(_validate.process_item(item))
    except InvalidItem as exc:
        return Outcome(moved, page.fetched_at, kind="invalid", message=str(exc))
    except Exception as exc:  # noqa: BLE001 - a page the extractor chokes on is an error row, as in a crawl
        return Outcome(moved, page.fetched_at, kind="parse", message=f"{type(exc).__name__}: {exc}")
    return Outcome(item.url, page.fetched_at, item=item)


def parse_pages(pages: list[Page], site: str, extra_hosts: tuple[str, ...] = ()) -> list[Outcome]:
    """A chunk of pages, in a worker process."""
    hosts = SiteHosts(site, extra_hosts)
    return [parse_page(page, hosts) for page in pages]


@dataclass(frozen=True)
class Task:
    """One archived response to extract, by its place in the archive."""

    warc_file: str
    offset: int
    length: int | None
    stamp: datetime | None = None  # the time the result is loaded at; None: the capture's own
    original: tuple[str, int] | None = None  # where a revisit's payload lies, when it does not say
    url: str | None = None  # the article's url, for an error row
    captured_at: datetime | None = None  # when the record says it was captured (an import orders by it)


def parse_task(archive_dir: Path, task: Task, hosts: SiteHosts) -> Outcome:
    try:
        capture = read_capture(archive_dir, task.warc_file, task.offset, task.length,
                               locate=lambda url, digest: task.original)
    except ArchiveError as exc:
        return Outcome(task.url or f"{task.warc_file}@{task.offset}", task.stamp or datetime.now().astimezone(),
                       kind="archive", message=str(exc))
    stamp = max(capture.fetched_at, task.stamp) if task.stamp is not None else capture.fetched_at
    page = Page(capture.url, capture.body, capture.encoding, stamp,
                etag=capture.header("ETag"), last_modified=capture.header("Last-Modified"))
    return parse_page(page, hosts)


def parse_chunk(archive_dir: str, tasks: list[Task], site: str, extra_hosts: tuple[str, ...]) -> list[Outcome]:
    """A chunk of tasks, in a worker process."""
    hosts = SiteHosts(site, extra_hosts)
    return [parse_task(Path(archive_dir), task, hosts) for task in tasks]


# Below this many pages the pool costs more (starting its processes) than it saves.
POOL_MIN_TASKS = 200
# Archived bytes that likely hold that many pages (about 4 KB a page gzipped): worth starting the pool early.
POOL_MIN_BYTES = POOL_MIN_TASKS * 4096
CHUNK = 100


def parse_archived(archive_dir: str | Path, tasks: list[Task], site: str, extra_hosts: tuple[str, ...] = (),
                   label: str = "pages", workers: int | None = None) -> Iterator[Outcome]:
    """Every task's outcome, in chunks as the workers finish them (order within a chunk kept)."""
    progress = Progress(len(tasks), label)
    chunks = [tasks[i:i + CHUNK] for i in range(0, len(tasks), CHUNK)]
    workers = workers or min(os.cpu_count() or 1, 4)
    try:
        if len(tasks) < POOL_MIN_TASKS or workers < 2:
            for chunk in chunks:
                outcomes = parse_chunk(str(archive_dir), chunk, site, extra_hosts)
                progress.advance(len(outcomes))
                yield from outcomes
            return
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context(),
                                   initializer=exit_with, initargs=(os.getpid(),))
        try:
            futures = [pool.submit(parse_chunk, str(archive_dir), chunk, site, extra_hosts) for chunk in chunks]
            for future in futures:
                outcomes = future.result()
                progress.advance(len(outcomes))
                yield from outcomes
        finally:
            # stopped early (a signal, an error): the chunks not started yet are dropped, not waited for
            pool.shutdown(wait=True, cancel_futures=True)
    finally:
        progress.done()


def _pool_context():
    # forkserver: the workers do not inherit the parent's DuckDB threads or open files
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["warehouse.extract"])
    return context


def exit_with(command: int) -> None:
    """The pool's initializer: end this worker when the command that started the pool dies.

    A worker waits for its next chunk on a queue whose pipe it holds open itself, and its parent
    is the fork server, which lives as long as its workers do: after a `kill -9` of the command
    alone (the OOM killer, a service manager that kills the main process), the fork server and
    the workers would wait for ever. A thread waits for the command's end instead (a pidfd, else
    a poll each second) and ends the process."""

    def watch() -> None:
        try:
            handle = os.pidfd_open(command)
        except (AttributeError, OSError):  # no pidfd here, or the command is gone already
            while _alive(command):
                time.sleep(1)
        else:
            select.select([handle], [], [])
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-command", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def start_pool_early() -> None:
    """Start the pool's fork server now, so that it imports the extraction (about a second of
    CPU) while the caller does something else (an import scans its files meanwhile)."""
    from multiprocessing import forkserver

    _pool_context()
    forkserver.ensure_running()


class Progress:
    """`reparse: 1200/10000 pages, 410/s` on one line of stderr, redrawn at most 5 times a
    second; nothing when stderr is not a terminal (cron, a pipe, a test)."""

    def __init__(self, total: int, label: str, stream=None):
        self.stream = stream or sys.stderr
        self.shown = bool(getattr(self.stream, "isatty", lambda: False)())
        self.total, self.label, self.count = total, label, 0
        self.started = self.last = time.monotonic()

    def advance(self, n: int) -> None:
        self.count += n
        now = time.monotonic()
        if self.shown and (now - self.last >= 0.2 or self.count >= self.total):
            self.last = now
            rate = self.count / max(now - self.started, 1e-6)
            self.stream.write(f"\r{self.label}: {self.count}/{self.total}, {rate:.0f}/s ")
            self.stream.flush()

    def done(self) -> None:
        if self.shown and self.count:
            self.stream.write("\n")
            self.stream.flush()

