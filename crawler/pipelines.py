"""Item pipelines, one step each: validate → deduplicate → enrich → store (WarehousePipeline: into
the warehouse; StagingPipeline instead for a worker of a shared crawl: into the staging area).

Docs: https://docs.scrapy.org/en/latest/topics/item-pipeline.html
CrawlError items pass through the first three untouched and are stored as crawl_errors rows;
SiteMoved items likewise, spooled in their place among the articles for the loader to apply.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from abc import ABC, abstractmethod
from datetime import date, datetime, timezone
from pathlib import Path

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import CloseSpider, DropItem
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import threads
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from crawler.extraction.text import word_count
from crawler.extraction.urls import canonicalize_url
from crawler import exitcodes
from crawler.exitcodes import fail
from crawler.items import ArticleItem, CrawlError, Revisit, SiteMoved, article_fields
from warehouse import (LoadResult, Spool, Warehouse, WarehouseError, WarehouseLocked, resolve_db_path, resolve_spool_dir,
                       resolve_staging_dir, staging)

logger = logging.getLogger(__name__)

LANGUAGES = ("en", "ru", "be")
# The content fields every stored hash was made of before the weekly rendering's fields came:
# they enter the hash always, null included. Any other content field enters only when the page
# has it, so that an article of the dated rendering keeps the hash it was stored with (else every
# stored article would become a new version at the next crawl after an upgrade).
HASHED_ALWAYS = ("title", "published_at", "category_status", "photo_credit", "body")


class InvalidItem(DropItem):
    """A page that gave no usable article: recorded in crawl_errors."""


class DuplicateItem(DropItem):
    """The same article reached again in this run: only counted."""


def _is_article(item) -> bool:
    return isinstance(item, ArticleItem)


class ValidatePipeline:
    """Normalises an article item and drops it, with the reason, when it is not an article."""

    def process_item(self, item):
        if not _is_article(item):
            return item
        adapter = ItemAdapter(item)
        for name in ("title", "category_status", "category_status_text", "photo_credit", "body"):
            value = adapter.get(name)
            adapter[name] = value.strip() or None if isinstance(value, str) else None
        adapter["authors"] = [name.strip() for name in adapter.get("authors") or [] if name and name.strip()]
        if adapter["category_status"]:
            adapter["category_status"] = adapter["category_status"].lower()
        adapter["url"] = canonicalize_url(adapter["url"])
        for link in adapter["similar_links"]:
            link.url = canonicalize_url(link.url)

        missing = [name for name in ("title", "body") if not adapter.get(name)]
        if missing:
            raise InvalidItem(f"no {' and no '.join(missing)} found: not an article page or a markup the extractor does not know")
        if adapter["language"] not in LANGUAGES:
            raise InvalidItem(f"unknown language {adapter['language']!r}")
        published_at = adapter.get("published_at")
        if published_at is not None and published_at.tzinfo is None:
            raise InvalidItem("published_at has no time zone")
        return item


class DedupPipeline:
    """Drops an article already seen in this run under the same canonical URL."""

    def __init__(self):
        self.seen: set[str] = set()

    def process_item(self, item):
        if not _is_article(item):
            return item
        url = ItemAdapter(item)["url"]
        if url in self.seen:
            raise DuplicateItem(f"already scraped in this run: {url}")
        self.seen.add(url)
        return item


class EnrichPipeline:
    """Adds what is derived from the content: word count and the hash that decides versions."""

    def process_item(self, item):
        if not _is_article(item):
            return item
        adapter = ItemAdapter(item)
        adapter["word_count"] = word_count(adapter["body"] or "")
        adapter["content_hash"] = content_hash(adapter)
        return item


def content_hash(adapter: ItemAdapter) -> str:
    """The hash of the content fields (article_fields("content")) that decides versions.

    HASHED_ALWAYS enter as they are; the others only when the page has them, and the status's
    words only when they gave no status (then the words are all the status there is: a change of
    wording is a change of content; otherwise the status word already says it)."""
    content = {}
    for name in article_fields("content"):
        value = adapter.get(name)
        if name not in HASHED_ALWAYS:
            if value in (None, "", [], ()):
                continue
            if name == "category_status_text" and adapter.get("category_status") is not None:
                continue
        content[name] = value.isoformat() if isinstance(value, (date, datetime)) else value
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class _SpoolingPipeline(ABC):
    """Writes every record to a spool on disk (warehouse/spool.py), sealing a batch every
    `batch_size` records; a subclass says where sealed batches go (`deliver`)."""

    def __init__(self, crawler, spool_dir, batch_size: int):
        self.crawler = crawler
        self.stats = crawler.stats
        self.spool_dir = spool_dir
        self.batch_size = batch_size
        self.spool: Spool | None = None
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(self.spider_error, signal=signals.spider_error)

    @abstractmethod
    def deliver(self) -> None:
        """Take the spool's sealed batches where they go: the warehouse, or the staging area."""

    def process_item(self, item):
        if isinstance(item, CrawlError):
            self.add_error(item.url, item.kind, item.message)
        elif isinstance(item, Revisit):
            self.spool.append_revisit(item.url, item.outcome, fetched_at=utc_now())
            self.stats.inc_value(f"recrawl/{item.outcome}")
        elif isinstance(item, SiteMoved):
            self.spool.append_move(item.from_sites, item.to_site, occurred_at=utc_now())
            self.stats.set_value("warehouse/site_moved_to", item.to_site)
        elif _is_article(item):
            self.spool.append_article(item, fetched_at=utc_now())
            if item.published_at is None and item.period_end is None:
                self.stats.inc_value("warehouse/items_undated")
        if self.spool.pending >= self.batch_size:
            self.spool.seal()
            self.deliver()
        return item

    def add_error(self, url: str, kind: str, message: str):
        self.spool.append_error(url, kind, message, occurred_at=utc_now())
        self.stats.inc_value("warehouse/errors")
        self.stats.inc_value(f"warehouse/errors/{kind}")

    def item_dropped(self, item, response, exception, spider=None):
        if isinstance(exception, InvalidItem):
            self.stats.inc_value("warehouse/items_invalid")
            self.add_error(ItemAdapter(item).get("url") or response.url, "invalid", str(exception))

    def spider_error(self, failure, response, spider=None):
        if self.spool is not None:
            self.add_error(response.url, "parse", f"{failure.type.__name__}: {failure.getErrorMessage()}")


class WarehousePipeline(_SpoolingPipeline):
    """A single-process crawl: spools every record to disk and loads it into DuckDB in batches.

    A sealed batch loads in a thread while the crawl goes on: DuckDB works without holding the
    GIL, so the load runs on the other core (with one DuckDB thread: the crawl keeps a core busy),
    and batches sealed meanwhile go into the next load together. Each load opens the file and
    closes it again, so an analyst can open the file between flushes. The spool comes first: a
    batch sealed on disk survives a crash, and while another process holds the warehouse file the
    crawl goes on, keeping its batches for the next crawl or `warehouse load`, and exits with
    WAREHOUSE_BUSY.
    """

    def __init__(self, crawler, db_path, spool_dir, batch_size: int, memory_limit: str | None = None):
        super().__init__(crawler, spool_dir, batch_size)
        self.db_path = db_path
        self.memory_limit = memory_limit
        self.articles_changed = False
        self.busy: WarehouseLocked | None = None
        self.loading: Deferred | None = None  # the load running in a thread
        self.sealed_meanwhile = False  # batches sealed while it runs, for the next load

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        db_path = resolve_db_path(setting=settings.get("WAREHOUSE_PATH"))
        spool_dir = resolve_spool_dir(setting=settings.get("SPOOL_DIR"), db_path=db_path)
        return cls(crawler, db_path, spool_dir, settings.getint("WAREHOUSE_BATCH_SIZE", 500),
                   settings.get("WAREHOUSE_MEMORY_LIMIT"))

    def open_spider(self):
        self.run_id = new_run_id()
        self.stats.set_value("warehouse/run_id", self.run_id)
        self.stats.set_value("warehouse/path", str(self.db_path))
        self.spool = Spool(self.spool_dir, self.run_id)
        self.warehouse = Warehouse(self.db_path, memory_limit=self.memory_limit)
        self.background = Warehouse(self.db_path, memory_limit=self.memory_limit, threads=1)
        try:
            self.warehouse.init(refresh=False)
            # The crawl lock is held (crawler/commands/crawl.py): a run still open is a dead one's.
            self.warehouse.close_stale_runs(reason="interrupted")
            self.warehouse.start_run(self.run_id, self.crawler.spider.name, utc_now())
            self.stats.set_value("warehouse/run_started", True)
        except WarehouseLocked as exc:
            self.warehouse_busy(exc)
        # Batches an earlier, interrupted run left on disk go in first: nothing fetched is lost.
        self.load_sealed_batches()

    async def close_spider(self):
        while self.loading is not None:
            await maybe_deferred_to_future(self.loading)
        self.spool.seal()
        self.load_sealed_batches()
        self.spool.close()
        if self.articles_changed and not self.busy:
            try:
                self.warehouse.refresh()  # the similarity tables follow the articles
            except WarehouseLocked as exc:
                self.warehouse_busy(exc)
        left = self.stats.get_value("warehouse/batches_left", 0)
        if self.busy and left:
            fail(self.crawler, exitcodes.WAREHOUSE_BUSY,
                 f"{self.busy}; {left} batch(es) wait in {self.spool_dir} for the next crawl or `warehouse load`")

    def deliver(self):
        if self.loading is not None:
            self.sealed_meanwhile = True
            return
        self.sealed_meanwhile = False
        self.loading = threads.deferToThread(self._load_in_thread)
        self.loading.addBoth(self._load_ended)

    def _load_in_thread(self) -> LoadResult:
        """Load the sealed batches, then count the new articles' terms: the first part of the final
        refresh, done now, on the other core, so that the end of the crawl has less to wait for."""
        result = self.background.load_spool(self.spool_dir)
        if result.new or result.updated:
            try:
                self.background.count_terms()
            except WarehouseError as exc:  # the final refresh counts them instead
                logger.info("Terms not counted after this load (%s): the refresh at the end will", exc)
        return result

    def _load_ended(self, outcome):
        """Back in the reactor thread after a load in a thread."""
        self.loading = None
        if isinstance(outcome, Failure):
            self.load_failed(outcome.value)
        else:
            self.count(outcome)
        if self.sealed_meanwhile:
            self.deliver()

    def load_sealed_batches(self):
        """Load every sealed batch in the spool (this run's and any left by earlier runs), in order."""
        try:
            self.count(self.warehouse.load_spool(self.spool_dir))
        except WarehouseError as exc:
            self.load_failed(exc)

    def count(self, result: LoadResult):
        # a move rewrites the similarity tables' addresses, and drops those of articles merged
        self.articles_changed |= bool(result.new or result.updated or result.moved)
        for name in ("new", "updated", "unchanged"):
            self.stats.inc_value(f"warehouse/items_{name}", getattr(result, name))
        for batch, reason in result.failed:
            logger.error("Batch %s was not loaded and stays in the spool: %s", batch, reason)
        self.count_batches_left()

    def load_failed(self, exc: BaseException):
        if isinstance(exc, WarehouseLocked):
            self.warehouse_busy(exc)
        elif isinstance(exc, WarehouseError):  # e.g. the schema is gone: the batches wait in the spool
            logger.error("Loading the spool into the warehouse failed: %s", exc)
        else:
            raise exc
        self.count_batches_left()

    def count_batches_left(self):
        self.stats.set_value("warehouse/batches_left", len(list(Path(self.spool_dir).glob("*.jsonl"))))

    def warehouse_busy(self, exc: WarehouseLocked):
        if self.busy is None:
            logger.warning("%s: spooling items to %s instead", exc, self.spool_dir)
        self.busy = exc


class StagingPipeline(_SpoolingPipeline):
    """A worker of a shared crawl (crawler/frontier.py): never opens the warehouse. Each sealed
    spool batch is published to the staging area as a Parquet file (atomically), for
    `warehouse load --staging` to bring in exactly once; when the worker stops it writes its
    manifest there (warehouse/staging.py).

    The spool stays on this machine (SPOOL_DIR, default STAGING_DIR/spool/<host>): what a killed
    worker had fetched is published by the next worker started there.
    """

    def __init__(self, crawler, staging_dir, spool_dir, batch_size: int):
        super().__init__(crawler, spool_dir, batch_size)
        self.staging_dir = staging_dir
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        staging_dir = resolve_staging_dir(setting=settings.get("STAGING_DIR"))
        explicit = settings.get("SPOOL_DIR") or os.environ.get("SPOOL_DIR")
        spool_dir = Path(explicit).expanduser() if explicit else staging.default_spool_dir(staging_dir)
        return cls(crawler, staging_dir, spool_dir, settings.getint("WAREHOUSE_BATCH_SIZE", 500))

    def open_spider(self):
        self.started_at = utc_now()
        self.stats.set_value("staging/path", str(self.staging_dir))
        run_id, worker = self.stats.get_value("frontier/run"), self.stats.get_value("frontier/worker")
        self.manifest = {"run_id": run_id, "worker": worker, "spider": self.crawler.spider.name}
        try:
            published = staging.publish_spool(self.spool_dir, self.staging_dir)  # killed workers' leftovers
            if published:
                logger.info("Published %d batch(es) left in %s by earlier workers", published, self.spool_dir)
            self.spool = Spool(self.spool_dir, staging.spool_stem(run_id, worker))
        except (OSError, WarehouseError) as exc:
            fail(self.crawler, exitcodes.FAILED, f"cannot write to the staging area {self.staging_dir}: {exc}")
            raise CloseSpider("staging_failed") from None

    def close_spider(self):
        if self.spool is None:
            return
        self.spool.seal()
        self.deliver()
        self.spool.close()  # only now: once it is closed, a worker starting here may publish its batches

    def deliver(self):
        """Publish this worker's sealed batches; each spool file goes once its Parquet file is in place."""
        for batch in sorted(Path(self.spool_dir).glob(f"{self.spool.run_id}-*.jsonl")):
            staging.publish(batch, self.staging_dir)
            batch.unlink()
            self.stats.inc_value("staging/batches")

    def spider_closed(self, spider, reason):
        if self.spool is None:
            return
        get = lambda key: self.stats.get_value(key, 0)  # noqa: E731
        staging.write_manifest(self.staging_dir, {
            **self.manifest,
            "started_at": self.started_at,
            "finished_at": utc_now(),
            "reason": reason,
            "run_outcome": self.stats.get_value("frontier/run_outcome"),
            "pages_fetched": get("response_received_count"),
            "items_invalid": get("warehouse/items_invalid"),
            "items_undated": get("warehouse/items_undated"),
            "batches": get("staging/batches"),
        })


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def new_run_id() -> str:
    return f"{utc_now():%Y%m%dT%H%M%S%fZ}-{os.getpid()}"
