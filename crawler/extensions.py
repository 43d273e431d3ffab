"""CrawlRunRecorder: writes each run's outcome and counts to crawl_runs (signal-driven, like corestats).

Docs: https://docs.scrapy.org/en/latest/topics/extensions.html
The run row is opened by WarehousePipeline.open_spider; this closes it when the spider closes,
after the pipelines have flushed, so the counts are final.
"""

from __future__ import annotations

from scrapy import signals

from crawler import exitcodes
from crawler.exitcodes import fail
from crawler.pipelines import utc_now
from warehouse import Warehouse, WarehouseLocked


class CrawlRunRecorder:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_closed(self, spider, reason):
        run_id = self.stats.get_value("warehouse/run_id")
        if run_id is None:  # the warehouse never opened: nothing to close
            return
        get = lambda key: self.stats.get_value(key, 0)  # noqa: E731
        warehouse = Warehouse(self.stats.get_value("warehouse/path"))
        try:
            if not self.stats.get_value("warehouse/run_started"):  # the warehouse was busy at the start
                warehouse.start_run(run_id, spider.name, self.stats.get_value("start_time"))
            warehouse.finish_run(
                run_id,
                finished_at=utc_now(),
                finish_reason=reason,
                pages_fetched=get("response_received_count"),
                # new/updated/unchanged and errors: counted by the warehouse from what it loaded.
                items_invalid=get("warehouse/items_invalid"),
                items_undated=get("warehouse/items_undated"),
            )
        except WarehouseLocked as exc:
            # The next crawl closes the run (close_stale_runs); say so now.
            fail(self.crawler, exitcodes.WAREHOUSE_BUSY, f"{exc}; the run {run_id} could not be recorded")
