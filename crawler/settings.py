"""Scrapy settings for the belarusinfocus crawler.

Docs: https://docs.scrapy.org/en/latest/topics/settings.html
Polite by default: the live site is a small analysis outlet, not a CDN.
"""

BOT_NAME = "crawler"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = "belarus-focus-warehouse/0.1 (+analysts' archive; contact via project README)"

# -- Manners (CONTRACT.md): polite against a remote host ----------------------------------------
# robots.txt obeyed, its Crawl-delay too (crawler.middlewares.MannersMiddleware); at most 2
# requests in flight per host and at least DOWNLOAD_DELAY seconds between two (no jitter: a
# random ±50% would go below it); AutoThrottle slows down further when the site slows down.
ROBOTSTXT_OBEY = True
ROBOTSTXT_OBEY_CRAWL_DELAY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30

# Transient failures (5xx, timeouts) are retried by Scrapy's RetryMiddleware. A 429 or 503 also
# holds the host for its Retry-After (at most RETRY_AFTER_MAX seconds; without one, for the
# host's doubled delay) before the retry (MannersMiddleware).
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
BACKOFF_HTTP_CODES = [429, 503]
RETRY_AFTER_MAX = 120
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.MannersMiddleware": 560,  # sees a 429/503 before RetryMiddleware (550) retries it
    "crawler.middlewares.RedirectGuard": 650,  # sees a redirect before RedirectMiddleware (600) follows it
    "crawler.middlewares.MetaRefreshGuard": 585,  # after HttpCompression (590), before MetaRefresh (580)
}

# A loopback base URL (127.0.0.0/8, ::1, localhost: a local copy of the site) is crawled at
# full speed: our crawl command (crawler/commands/crawl.py) applies these at 'spider' priority,
# so `-s` still overrides each. LOOPBACK_IS_REMOTE=1 keeps the remote manners on loopback.
LOOPBACK_SETTINGS = {
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "ROBOTSTXT_OBEY_CRAWL_DELAY": False,
}
LOOPBACK_IS_REMOTE = False

# -- The site's hosts (crawler/hosts.py) ----------------------------------------------------------
# belarusinfocus.pro, belarusinfocus.info and their www. forms are the site, and so is the base
# URL's host; SITE_HOSTS adds others: a list, or with -s one comma-separated string, of host or
# host:port (e.g. "127.0.0.1:8017,127.0.0.2:8018"). A redirect between them is followed; what
# the home page ends up on is the current host, where every URL is requested and stored.
SITE_HOSTS = []

# No article page is anywhere near 10 MB; a bigger answer is a fault, refused and recorded.
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024

# -- The crawl's budget (crawler/budget.py): a spider trap or a flood of links ends in rows ----------
# The site's whole archive is a few thousand articles a language and at most a few hundred listing
# pages, so a crawl that goes past these is in a trap (or the site grew: raise them with -s). Each
# bound hit leaves a crawl_errors row of kind 'budget' ('oversized' for a page past the tags bound,
# which is not read) and a stat budget/<bound>; the listing depth, links and queue bounds stop that
# branch only, the pages of a run end the crawl (cleanly, then exit code 1). 0 turns a bound off.
# Scrapy's DEPTH_LIMIT stays off: it counts every hop, and a depth-first crawl follows "Similar
# articles" chains through the whole archive.
CRAWL_MAX_LISTING_DEPTH = 400  # the longest listing (all trends of a language) is ~300 pages of 10
CRAWL_MAX_LINKS_PER_PAGE = 2000  # a page has a few hundred; WordPress and Drupal sitemaps hold 2000
CRAWL_MAX_PAGE_TAGS = 50000  # the site's pages have ~400 '<'; the most of ~1,000 web pages, 19,000
CRAWL_MAX_QUEUED_REQUESTS = 20000  # more than the whole archive, a few KB each in memory
CLOSESPIDER_PAGECOUNT = 20000  # Scrapy's CloseSpider extension: responses in one run
SPIDER_MIDDLEWARES = {
    "crawler.budget.CrawlBudget": 950,  # next to the spider: sees its requests before Scrapy's own
}
# Redirects: a loop, a chain longer than REDIRECT_MAX_TIMES (Scrapy's setting; browsers stop at
# 20, search engines' crawlers at 5 to 10) or a redirect off the site is refused with a
# crawl_errors row of kind 'redirect' for the URL asked for (crawler/middlewares.py), whether the
# redirect is an HTTP one or a <meta http-equiv="refresh">.
REDIRECT_MAX_TIMES = 10

# A page gives one item (and a few requests), and every pipeline is synchronous: processing a
# page's outputs in parallel gains nothing, while Scrapy starts CONCURRENT_ITEMS asyncio tasks
# per response (100 by default: a tenth of the crawl's CPU, benchmarks/README.md).
CONCURRENT_ITEMS = 1

ITEM_PIPELINES = {
    "crawler.pipelines.ValidatePipeline": 100,
    "crawler.pipelines.DedupPipeline": 200,
    "crawler.pipelines.EnrichPipeline": 300,
    "crawler.health.RepeatedContentPipeline": 350,  # one body at many addresses is no article
    # the store pipeline (900) comes from the CrawlStorage add-on below
}

EXTENSIONS = {
    "crawler.recrawl.RecrawlPolicy": 100,
    "crawler.health.SiteHealth": 450,  # before the run record: its verdict is in the run's row
    # the run record (crawler.extensions.RunRecord, 500) comes from the CrawlStorage add-on below
    "crawler.archiving.WarcArchiver": 600,
}

# What the crawl does with what it finds, chosen from these settings (crawler/addons.py): the
# warehouse (WarehousePipeline, RunRecord), or with REDIS_URL the staging area of a shared crawl;
# nothing at all with CRAWL_STORAGE_ENABLED = False, which `scrapy parse`, `shell`, `check`,
# `fetch` and `view` set (crawler/commands/; left unset here so that they can). A feed export
# (-o/-O) holds articles only.
ADDONS = {
    "crawler.addons.CrawlStorage": 0,
    "crawler.addons.ArticleFeeds": 0,
}

# Layout drift (RunRecord, crawler/fieldcoverage.py): a run's share of articles having each field is compared with the
# median share of the last COVERAGE_BASELINE_RUNS earlier finished runs (five: one or two odd
# runs do not move a median). A field is flagged (crawl_errors kind 'coverage', exit code 1)
# when its share falls below COVERAGE_DROP_RATIO × that median AND more than
# COVERAGE_DROP_ABSOLUTE under it: the ratio alone would flag a rare field moving by chance
# (4% → 1%), the absolute drop alone a run whose mix of pages differs (90% → 60%). Runs with
# fewer than COVERAGE_MIN_ITEMS articles (an incremental run that found a few new ones) are
# neither checked nor used as a baseline: at 20 articles a share's chance spread (two standard
# deviations, at most 0.22) stays under the 0.25 drop. A first run has no baseline and is never
# flagged. Flagged runs never become a baseline, so a broken field fails every crawl until it is
# fixed; if the site really stopped showing a field, leave it out of COVERAGE_FIELDS.
# COVERAGE_FIELDS unset (empty): every field warehouse/coverage.py judges (the extracted fields,
# the date as one field published_on, not the authors); every extracted field is recorded.
COVERAGE_MIN_ITEMS = 20
COVERAGE_BASELINE_RUNS = 5
COVERAGE_DROP_RATIO = 0.5
COVERAGE_DROP_ABSOLUTE = 0.25
COVERAGE_FIELDS: list[str] = []

# A site that answers but not with its pages (crawler/health.py): a crawl fails with exit code 6
# when more than CRAWL_ERROR_SHARE_MAX of its final answers (after retries) were server errors
# (5xx or 429: an outage), or more than CRAWL_SAME_BODY_SHARE_MAX were one same 200 body at
# different addresses (a maintenance page). A healthy crawl of this site has a handful of errors
# and no body repeated at two addresses, so half is far from both; a run with fewer than
# CRAWL_HEALTH_MIN_RESPONSES answers (home page, robots.txt, sitemap, feeds: a small incremental
# run has more) is not judged, so two transient 503s cannot fail it.
CRAWL_ERROR_SHARE_MAX = 0.5
CRAWL_SAME_BODY_SHARE_MAX = 0.5
CRAWL_HEALTH_MIN_RESPONSES = 5

# Warehouse file; None → WAREHOUSE_PATH environment variable → data/warehouse.duckdb.
WAREHOUSE_PATH = None
# Items are spooled to disk and loaded into DuckDB in batches of this many records.
WAREHOUSE_BATCH_SIZE = 500
# DuckDB's memory budget in the crawl process (loads and the final refresh spill to disk under it):
# with it a crawl's peak RSS stays near 300 MB whatever the archive's size, up to the size where the
# refresh needs more (it then runs without the limit and logs a warning). None: DuckDB's default.
WAREHOUSE_MEMORY_LIMIT = "128MB"

# Every response the crawl downloads is kept in WARC files (crawler/archiving.py). ARCHIVE_DIR:
# None → ARCHIVE_DIR environment variable → archive/ beside the warehouse file. A file is
# closed and a new one begun past ARCHIVE_MAX_BYTES.
ARCHIVE_ENABLED = True
ARCHIVE_DIR = None
ARCHIVE_MAX_BYTES = 100 * 1024 * 1024

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"

# An unattended cron crawl opens no listening ports.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# Our `crawl` command: Scrapy's, plus an exit code that says whether the crawl succeeded.
COMMANDS_MODULE = "crawler.commands"

# The spider's base URL when no `-a base_url=` is given (None: https://belarusinfocus.pro); e.g.
# `scrapy check belarusinfocus -s BASE_URL=http://127.0.0.1:8017` runs the callbacks' contracts
# (crawler/contracts.py) against the offline site.
BASE_URL = None
SPIDER_CONTRACTS = {"crawler.contracts.PathContract": 10}

# Incremental crawling: a stored article is fetched again (conditionally) while it is younger
# than this many days; failed pages (404/410, oversized) are not asked for again for as long.
REFETCH_DAYS = 14

# -- Worker mode: a shared crawl on one Redis frontier (crawler/frontier.py) -------------------------
# With REDIS_URL (this setting, or the environment variable), e.g. redis://10.0.0.5:6379/0, a crawl
# is one worker of the shared crawl: scrapy-redis's scheduler and dupefilter, items written as
# Parquet batches under STAGING_DIR (setting or environment variable; default data/staging) for
# `warehouse load --staging` instead of the warehouse. Without it the crawl is single-process.
REDIS_URL = None
STAGING_DIR = None
# A worker refreshes its heartbeat (and looks at the shared queue when idle) every
# REDIS_POLL_INTERVAL seconds; one silent for REDIS_WORKER_TTL seconds is taken for dead, its
# in-flight requests for lost, and the run ends 'interrupted'. The TTL must outlast the longest
# stall of a busy machine (a worker taken for dead while alive stops with exit code 5).
REDIS_POLL_INTERVAL = 1.0
REDIS_WORKER_TTL = 30
