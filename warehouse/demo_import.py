"""The demo's import: the offline site's dated rendering as a web archive captured it years ago.

It serves the dated (classic) theme for a moment, fetches some article pages with urllib, writes
them with warcio as a web archive's download would hold them (the old .info host, each page
captured a few days after it was published), and imports the file (warehouse/importer.py). The
crawl that follows meets the weekly rendering of the same articles: each imported article then
has the dated rendering's version first and the weekly one after it.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

from warehouse.archive.foreign import Snapshot, write_web_archive_warc
from warehouse.demo_site import DemoServer
from warehouse.importer import ImportResult, import_warcs
from warehouse.loader import Warehouse

OLD_HOST = "https://belarusinfocus.info"  # where the site lived when the dated rendering was captured
CAPTURED = 30
DATED_THEME = "classic"


def write_old_captures(server: DemoServer, warc: Path, count: int = CAPTURED) -> Path:
    """`count` dated article pages of the offline site as a web archive captured them."""
    dated = [a for a in server.site.articles if a.kind == "ordinary" and a.published_at is not None][:count]
    shown = server.theme
    server.theme = DATED_THEME
    try:
        snapshots = []
        for article in dated:
            try:
                answer = urllib.request.urlopen(server.base_url + article.path, timeout=30)
            except urllib.error.HTTPError:  # the offline site's transient 500: the archive missed that page
                continue
            with answer:
                snapshots.append(Snapshot(OLD_HOST + article.path, article.published_at + timedelta(days=3), answer.read(),
                                          headers=[("Content-Type", answer.headers.get("Content-Type"))]))
    finally:
        server.theme = shown
    return write_web_archive_warc(warc, snapshots)


def import_old_captures(server: DemoServer, db_path: Path, archive_dir: Path) -> ImportResult:
    Warehouse(db_path).init(refresh=False)
    warc = write_old_captures(server, db_path.with_name(f"{db_path.stem}-web-archive.warc.gz"))
    return import_warcs([warc], db_path, archive_dir=archive_dir)
