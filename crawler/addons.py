"""Scrapy add-ons (the ADDONS setting) that choose, from the settings alone, what a crawl does with
what it finds. Docs: https://docs.scrapy.org/en/latest/topics/addons.html

CrawlStorage: where records go, by `storage_mode`:
- "warehouse" (the default): WarehousePipeline spools and loads into the warehouse, and the
  RunRecord extension keeps the run's row and decides the exit code;
- "worker" (REDIS_URL set, as a setting or an environment variable): one worker of a shared crawl
  (crawler/frontier.py): scrapy-redis's scheduler and dupefilter on the shared run, and
  StagingPipeline into the staging area; the warehouse is never opened;
- None (CRAWL_STORAGE_ENABLED false, as `scrapy parse`, `shell`, `check`, `fetch` and `view` set
  it, crawler/commands/): nothing is stored or recorded, and the recrawl policy knows nothing.
ArticleFeeds: a feed export (`-o`/`-O`, FEEDS) holds articles only, unless a feed names its own
item_classes or item_filter: errors, revisits and the site's move are records for the store.
"""

from __future__ import annotations

import os

from scrapy.settings import SETTINGS_PRIORITIES

WAREHOUSE_PIPELINE, STAGING_PIPELINE = "crawler.storage.WarehousePipeline", "crawler.storage.StagingPipeline"
RUN_RECORD = "crawler.extensions.RunRecord"
STORE_ORDER = 900  # last: after validate, dedup and enrich
RECORD_ORDER = 500


def redis_url(settings) -> str | None:
    """The REDIS_URL setting, else the environment variable: set means worker mode."""
    return settings.get("REDIS_URL") or os.environ.get("REDIS_URL") or None


def storage_mode(settings) -> str | None:
    """'warehouse', 'worker', or None when the crawl stores nothing (CRAWL_STORAGE_ENABLED off)."""
    enabled = settings.get("CRAWL_STORAGE_ENABLED")
    if enabled is not None and not settings.getbool("CRAWL_STORAGE_ENABLED"):
        return None
    return "worker" if redis_url(settings) else "warehouse"


class CrawlStorage:
    def update_settings(self, settings) -> None:
        mode = storage_mode(settings)
        if mode is None:
            # Nor is anything archived (the archive lies beside the warehouse); `-s` still wins.
            settings.set("ARCHIVE_ENABLED", False, priority="project")
        elif mode == "warehouse":
            settings["ITEM_PIPELINES"][WAREHOUSE_PIPELINE] = STORE_ORDER
            settings["EXTENSIONS"][RUN_RECORD] = RECORD_ORDER
        elif mode == "worker":
            url = redis_url(settings)
            # The environment's URL for scrapy-redis's connection; at the priority of whatever set
            # REDIS_URL before (the project's None), so that it wins over it.
            settings.set("REDIS_URL", url, priority=max(settings.getpriority("REDIS_URL") or 0,
                                                         SETTINGS_PRIORITIES["addon"]))
            for name, value in {
                "SCHEDULER": "crawler.frontier.SharedScheduler",
                "DUPEFILTER_CLASS": "crawler.frontier.CanonicalDupeFilter",
                # scrapy-redis would empty the shared queue and dupefilter when any worker stops;
                # the run's last worker does it (crawler/frontier.py).
                "SCHEDULER_PERSIST": True,
            }.items():
                settings.set(name, value, priority="addon")
            settings["ITEM_PIPELINES"][STAGING_PIPELINE] = STORE_ORDER


class ArticleFeeds:
    def update_settings(self, settings) -> None:
        feeds = settings.getdict("FEEDS")
        if not feeds:
            return
        for options in feeds.values():
            if not (options.get("item_classes") or options.get("item_filter")):
                options["item_classes"] = ["crawler.items.ArticleItem"]
        settings.set("FEEDS", feeds, priority=settings.getpriority("FEEDS"))
