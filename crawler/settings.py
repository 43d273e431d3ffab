"""Scrapy settings for the belarusinfocus crawler.

Docs: https://docs.scrapy.org/en/latest/topics/settings.html
Polite by default: the live site is a small analysis outlet, not a CDN.
"""

BOT_NAME = "crawler"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = "belarus-focus-warehouse/0.1 (+analysts' archive; contact via project README)"
ROBOTSTXT_OBEY = True

# One site, fetched gently; AutoThrottle backs off when the site slows down.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 8
DOWNLOAD_DELAY = 0
AUTOTHROTTLE_ENABLED = False
DOWNLOAD_TIMEOUT = 30

# Transient failures (5xx, timeouts) are retried by Scrapy's RetryMiddleware.
RETRY_ENABLED = True
RETRY_TIMES = 2

# No article page is anywhere near 10 MB; a bigger answer is a fault, refused and recorded.
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024

ITEM_PIPELINES = {
    "crawler.pipelines.ValidatePipeline": 100,
    "crawler.pipelines.DedupPipeline": 200,
    "crawler.pipelines.EnrichPipeline": 300,
    "crawler.pipelines.WarehousePipeline": 900,
}

EXTENSIONS = {
    "crawler.extensions.CrawlRunRecorder": 500,
}

# Warehouse file; None → WAREHOUSE_PATH environment variable → data/warehouse.duckdb.
WAREHOUSE_PATH = None
# Items are spooled to disk and loaded into DuckDB in batches of this many records.
WAREHOUSE_BATCH_SIZE = 500

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"

# An unattended cron crawl opens no listening ports.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# Our `crawl` command: Scrapy's, plus an exit code that says whether the crawl succeeded.
COMMANDS_MODULE = "crawler.commands"
