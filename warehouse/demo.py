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

from warehouse.config import DATA_DIR, SQL_DIR
from warehouse.db import connect
from warehouse.demo_import import import_old_captures
from warehouse.demo_site import DemoServer, build_site
from warehouse.output import render
from warehouse.report import write_report
from warehouse.sqlfiles import sql_text

DEMO_DB = DATA_DIR / "demo.duckdb"
DEMO_REPORT_NAME = "demo-report.html"
DEFAULT_THEME = "weekly"  # what the live site shows



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
        for query in sorted((SQL_DIR / "demo").glob("*.sql")):
            sql = sql_text(query)
            title = sql.splitlines()[0].removeprefix("--").strip()  # each file's first line names it
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
