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
from pathlib import Path

from warehouse.archive import completed_files, resolve_archive_dir
from warehouse.config import SQL_DIR, resolve_db_path
from warehouse.db import WarehouseError, WarehouseUsageError, connect
from warehouse.extract import POOL_MIN_BYTES, Task, parse_archived, start_pool_early
from warehouse.offline_run import OfflineRun
from warehouse.sqlfiles import run_sql_file


@dataclass
class ReparseResult:
    run_id: str
    pages: int
    new: int
    updated: int
    unchanged: int
    invalid: int
    errors: int
    selection: str = ""  # the filters given, in words
    unreadable: int = 0  # of the errors: archived records that could not be read

    def summary(self) -> str:
        text = (f"reparsed {self.pages} archived page(s) (run {self.run_id}): {self.updated} changed (new version), "
                f"{self.unchanged} unchanged, {self.invalid} no longer parse (kept as stored), "
                f"{self.errors} unreadable")
        if not self.pages:
            text += "; nothing to reparse: no stored article has an archived page" + (
                f" {self.selection}" if self.selection else " (crawls archive their pages unless ARCHIVE_ENABLED=0)")
        return text


def parse_since(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise WarehouseUsageError(f"--since {text!r} is not a date: give it as YYYY-MM-DD") from None


def reparse(db_path=None, since: date | None = None, url_like: str | None = None, archive_dir=None,
            workers: int | None = None) -> ReparseResult:
    if _archive_bytes(resolve_archive_dir(archive_dir, db_path=resolve_db_path(db_path))) >= POOL_MIN_BYTES:
        start_pool_early()  # its fork server loads the extraction while the run starts
    with OfflineRun(db_path, "reparse", archive_dir) as run:
        archive = run.warehouse.archive_dir
        leftovers_changed = bool(run.total.new or run.total.updated or run.total.moved)
        with connect(run.db_path, read_only=True) as con:
            bodies_before = _bodies_fingerprint(con)
            rows = run_sql_file(con, SQL_DIR / "archive" / "newest_captures.sql",
                                {"since": since, "url_like": url_like})
        tasks, sites = [], set()
        for url, fetched_at, warc_file, offset, length, original_file, original_offset, site, last_changed in rows:
            original = (original_file, original_offset) if original_file is not None else None
            tasks.append(Task(warc_file, offset, length, stamp=max(fetched_at, last_changed),
                              original=original, url=url))
            sites.add(site)
        _check_archive(archive, tasks)
        # Every stored article is on the current host (a move moves them all): one site.
        site = max(sites) if sites else "https://belarusinfocus.pro"
        for outcome in parse_archived(archive, tasks, site, label="reparse", workers=workers):
            run.add(outcome)
        loaded = run.load()
        if loaded.new or loaded.updated:
            with connect(run.db_path, read_only=True) as con:
                if not leftovers_changed and _bodies_fingerprint(con) == bodies_before:
                    # The similarity tables read only urls, languages and bodies: those of a fix of
                    # another field need no refresh (the next one counts the terms of these
                    # articles again, by their new content hashes).
                    run.refresh_needed = False
        selection = " and ".join(part for part in (
            f"captured on or after {since}" if since else "", f"with a url like {url_like!r}" if url_like else "") if part)
        return ReparseResult(run.run_id, len(tasks), loaded.new, loaded.updated, loaded.unchanged,
                             run.invalid, run.errors, selection, run.unreadable)


def _check_archive(archive: Path, tasks: list[Task]) -> None:
    """Refuse at once a reparse whose archive files are all missing (the folder moved, or
    ARCHIVE_DIR naming another one): every page would only become an error row."""
    files = {task.warc_file for task in tasks}
    if files and not any((archive / name).is_file() for name in files):
        raise WarehouseError(f"none of the {len(files)} archive file(s) the captures name is in {archive}: "
                             "set ARCHIVE_DIR to the folder the archive was moved to, and run reparse again")


def _bodies_fingerprint(con) -> tuple:
    return tuple(run_sql_file(con, SQL_DIR / "archive" / "bodies_fingerprint.sql", {})[0])


def _archive_bytes(archive: Path) -> int:
    total = 0
    for name in completed_files(archive):
        try:
            total += (archive / name).stat().st_size
        except OSError:
            continue  # moved away meanwhile: the run itself says what is wrong, if anything
    return total
