"""`warehouse demo`: serve the bundled offline site on loopback, crawl it, print trend tables,
and write the trends report (data/demo-report.html) beside the demo warehouse.

The site renders in the weekly theme by default, as the live site does now; `--theme classic`
(or modern, broken) serves the older dated rendering of the same archive instead.

The crawl is a real `scrapy crawl belarusinfocus` process, exactly as cron would run it
against the live site; only base_url and the warehouse path differ. It runs in the current
directory with SCRAPY_SETTINGS_MODULE naming the installed crawler's settings, so the demo works
from any directory, with or without the project's scrapy.cfg there; its files go under the
current directory's data/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from warehouse.config import DATA_DIR
from warehouse.db import connect
from warehouse.demo_import import import_old_captures
from warehouse.demo_site import DemoServer, build_site
from warehouse.output import render
from warehouse.report import write_report

DEMO_DB = DATA_DIR / "demo.duckdb"
DEMO_REPORT_NAME = "demo-report.html"
DEFAULT_THEME = "weekly"  # what the live site shows

DEMO_QUERIES = {
    "Articles per language and category": """
        select language, category, count(*) as articles,
               min(published_on) as first, max(published_on) as last
        from stg_articles group by all order by language, category""",
    "Articles per month and category, last 6 months (trend_monthly)": """
        select strftime(month, '%Y-%m') as month, category, articles, share, change
        from trend_monthly
        where month > (select max(month) from trend_monthly) - interval 6 month
        order by month, category""",
    "Category status mix, last 3 months (trend_status_monthly)": """
        pivot (select strftime(month, '%Y-%m') as month, category, category_status, articles
               from trend_status_monthly
               where month > (select max(month) from trend_status_monthly) - interval 3 month)
        on category_status using sum(articles) order by month, category""",
    "The articles of each rendering: the web archive's dated pages and the crawl's weekly ones": """
        select case when period_end is null and authors = [] then 'dated (imported from the web archive)'
                    else 'weekly (crawled)' end as rendering,
               count(*) as articles, min(published_on) as first, max(published_on) as last,
               strftime(min(last_changed_at), '%Y-%m-%d') as captured_from,
               strftime(max(last_changed_at), '%Y-%m-%d') as captured_to
        from stg_articles group by all order by captured_from""",
    "The runs (crawl_runs)": """
        select run_id, finish_reason, pages_fetched, items_new, items_updated, items_unchanged,
               items_invalid, errors, items_undated
        from crawl_runs order by started_at""",
}


def main(args=None) -> int:
    db_path = Path(getattr(args, "db", None) or DEMO_DB)
    for stale in (db_path, Path(f"{db_path}.wal")):
        stale.unlink(missing_ok=True)
    theme = getattr(args, "theme", None) or DEFAULT_THEME
    site = build_site()
    # The demo's pages are archived apart from a real warehouse's (archive/ beside data/warehouse.duckdb).
    archive_dir = db_path.with_name(f"{db_path.stem}-archive")
    shutil.rmtree(archive_dir, ignore_errors=True)
    with DemoServer(site, theme=theme) as server:
        imported = import_old_captures(server, db_path, archive_dir)
        print(f"Imported a web archive's captures of the dated rendering (years ago, on the old host): "
              f"{imported.summary()}", flush=True)
        print(f"Serving the offline site ({theme} theme) at {server.base_url}; crawling it into {db_path} ...",
              flush=True)
        crawl = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "belarusinfocus",
             "-a", f"base_url={server.base_url}", "-s", f"WAREHOUSE_PATH={db_path}", "-s", "LOG_LEVEL=WARNING"],
            env={**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings", "ARCHIVE_DIR": str(archive_dir)},
        )
    if crawl.returncode != 0:
        print(f"warehouse: error: the demo crawl exited with {crawl.returncode}; see its log above", file=sys.stderr)
        return 1
    con = connect(db_path, read_only=True)
    try:
        for title, sql in DEMO_QUERIES.items():
            cursor = con.execute(sql)
            columns = [d[0] for d in cursor.description]
            print(f"\n== {title}")
            print(render(columns, cursor.fetchall(), "table"))
    finally:
        con.close()
    print(f"\nThe demo warehouse is {db_path}; try: warehouse query \"select * from trend_monthly limit 5\" --db {db_path}")
    # The report sits beside the warehouse: data/demo-report.html for the default data/demo.duckdb.
    report_path = write_report(db_path, db_path.parent / DEMO_REPORT_NAME)
    print(f"The trends report is {report_path.resolve()}; open it in a browser.")
    return 0
