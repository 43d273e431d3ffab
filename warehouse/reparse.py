"""`warehouse reparse`: extract every stored article again from its newest archived page, with
the current extractor, fetching nothing.

Each article's newest capture with a page (status 200; sql/archive/newest_captures.sql) is read
back from the archive and goes through the crawl's own extraction, validation and enrichment
(warehouse/extract.py), in a process pool; the results are spooled and merged like a crawl's
(warehouse/offline_run.py). So a changed result is a new version, an unchanged one changes
nothing, and a page that no longer parses is a crawl_errors row while its article keeps the
version stored. A result is stamped with its capture's time, or with its stored version's when
that is later (the version it corrects came from this very page): a reparse never rolls an
article's history back, and a rerun of the same extractor finds nothing to change, so a killed
reparse is simply run again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from warehouse.config import SQL_DIR
from warehouse.db import WarehouseUsageError, connect
from warehouse.extract import Task, parse_archived
from warehouse.offline_run import OfflineRun


@dataclass
class ReparseResult:
    run_id: str
    pages: int
    new: int
    updated: int
    unchanged: int
    invalid: int
    errors: int

    def summary(self) -> str:
        return (f"reparsed {self.pages} archived page(s) (run {self.run_id}): {self.updated} changed (new version), "
                f"{self.unchanged} unchanged, {self.invalid} no longer parse (kept as stored), "
                f"{self.errors} unreadable")


def parse_since(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise WarehouseUsageError(f"--since {text!r} is not a date: give it as YYYY-MM-DD") from None


def reparse(db_path=None, since: date | None = None, url_like: str | None = None, archive_dir=None,
            workers: int | None = None) -> ReparseResult:
    with OfflineRun(db_path, "reparse", archive_dir) as run:
        archive = run.warehouse.archive_dir
        with connect(run.db_path, read_only=True) as con:
            rows = con.execute((SQL_DIR / "archive" / "newest_captures.sql").read_text(encoding="utf-8"),
                               {"since": since, "url_like": url_like}).fetchall()
        tasks, sites = [], set()
        for url, fetched_at, warc_file, offset, length, original_file, original_offset, site, last_changed in rows:
            original = (original_file, original_offset) if original_file is not None else None
            tasks.append(Task(warc_file, offset, length, stamp=max(fetched_at, last_changed),
                              original=original, url=url))
            sites.add(site)
        # Every stored article is on the current host (a move moves them all): one site.
        site = max(sites) if sites else "https://belarusinfocus.pro"
        for outcome in parse_archived(archive, tasks, site, label="reparse", workers=workers):
            run.add(outcome)
        loaded = run.load()
        return ReparseResult(run.run_id, len(tasks), loaded.new, loaded.updated, loaded.unchanged,
                             run.invalid, run.errors)
