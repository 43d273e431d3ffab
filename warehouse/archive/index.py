"""The `captures` index of the archive: every record of every completed file, exactly once.

`index_archive` finishes the files dead writers left open, then indexes each completed file not
in `captures` yet, one transaction per file (sql/archive/insert_captures.sql ignores a record
already there, so a crash between two files, or a rerun, adds nothing twice). A crawl runs it
whenever it loads its spool, and so does `warehouse load`. `collect_staged` brings a shared
crawl's workers' files from the staging area into the archive first.

The index's `url` is canonical and on the site's current host, like `articles.url`, so that a
page's captures are found by its article's url whichever host or address form was fetched.
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from warehouse.archive.quick_scan import index_rows
from warehouse.archive.reader import ArchiveError, completed_files, file_run_id
from warehouse.archive.writer import finish_leftovers
from warehouse.atomic import atomic_write
from warehouse.config import SQL_DIR
from warehouse.sqlfiles import run_sql_file

logger = logging.getLogger(__name__)

STAGED_ARCHIVE = "archive"  # the workers' files, under the staging area
IMPORTED = "imported"  # the archive's folder for the files import-warc copies in


@dataclass
class IndexResult:
    files: int = 0  # files indexed by this call
    captures: int = 0  # rows added
    damaged: list[str] = field(default_factory=list)  # one line per damaged file (its complete records are in)
    foreign: list[str] = field(default_factory=list)  # files no run of this warehouse wrote: left alone


def current_site(con: duckdb.DuckDBPyConnection) -> str | None:
    """The site of the stored articles (the most recently seen one, should a move be half-loaded)."""
    rows = run_sql_file(con, SQL_DIR / "archive" / "current_site.sql")
    return rows[0][0] if rows else None


class UrlMapper:
    """A fetched address -> its canonical url on the site's current host (other hosts: canonical)."""

    def __init__(self, site: str | None, extra_hosts: tuple[str, ...] = ()):
        from crawler.extraction.urls import canonicalize_url  # the crawl's own canonical form
        from crawler.hosts import SiteHosts

        self.canonicalize = canonicalize_url
        self.hosts = SiteHosts(site, extra_hosts) if site else None
        self._cache: dict[str, str] = {}

    def __call__(self, url: str) -> str:
        found = self._cache.get(url)
        if found is None:
            try:
                found = (self.hosts.on_current(url) if self.hosts else None) or self.canonicalize(url)
            except ValueError:
                found = url
            if len(self._cache) < 100_000:
                self._cache[url] = found
        return found


def index_file(con: duckdb.DuckDBPyConnection, archive_dir: str | Path, name: str, mapper: UrlMapper,
               sql_dir: Path = SQL_DIR) -> tuple[int, str | None]:
    """Index one completed file in one transaction: (rows added, why it is damaged or None).
    A damaged file's complete records are indexed all the same."""
    rows, damage = [], None
    try:
        rows.extend(index_rows(archive_dir, name))
    except ArchiveError as exc:
        damage = str(exc)
    return insert_captures(con, name, rows, mapper, sql_dir), damage


def insert_captures(con: duckdb.DuckDBPyConnection, name: str, rows: list[dict], mapper: UrlMapper,
                    sql_dir: Path = SQL_DIR) -> int:
    """The captures rows of one file (index_warc's) into `captures`, in one transaction: rows added."""
    if not rows:
        return 0
    run_ids = {row["run_id"] for row in rows}
    params = {
        "urls": [mapper(row["url"]) for row in rows],
        "fetched_at": [row["fetched_at"] for row in rows],
        "statuses": [row["status"] for row in rows],
        "warc_file": name,
        "offsets": [row["warc_offset"] for row in rows],
        "lengths": [row["warc_length"] for row in rows],
        "digests": [row["payload_digest"] for row in rows],
        "run_id": run_ids.pop() if len(run_ids) == 1 else None,
    }
    # one statement, so all or nothing; DuckDB answers with the rows it inserted
    return run_sql_file(con, sql_dir / "archive" / "insert_captures.sql", params)[0][0]


def index_archive(con: duckdb.DuckDBPyConnection, archive_dir: str | Path, *, site: str | None = None,
                  extra_hosts: tuple[str, ...] = (), sql_dir: Path = SQL_DIR) -> IndexResult:
    """Finish leftover `.open` files, then index every completed file not in `captures` yet."""
    result = IndexResult()
    archive_dir = Path(archive_dir)
    if not archive_dir.is_dir():
        return result
    finish_leftovers(archive_dir)
    indexed = {name for (name,) in run_sql_file(con, sql_dir / "archive" / "indexed_files.sql")}
    pending = [name for name in completed_files(archive_dir) if name not in indexed]
    if not pending:
        return result
    # Two warehouses side by side (data/warehouse.duckdb, data/demo.duckdb) share the default
    # archive/ folder: each indexes only the files its own runs wrote. Files of other tools are
    # indexed by the import-warc that copied them in (under imported/), never found by a scan.
    own_runs = {run_id for (run_id,) in run_sql_file(con, sql_dir / "runs" / "run_ids.sql")}
    mine = []
    for name in pending:
        owner = None if name.startswith(IMPORTED + "/") else file_run_id(archive_dir, name)
        (mine if owner in own_runs else result.foreign).append(name)
    if not mine:
        return result
    mapper = UrlMapper(site if site is not None else current_site(con), extra_hosts)
    for name in mine:
        added, damage = index_file(con, archive_dir, name, mapper, sql_dir)
        result.files += 1
        result.captures += added
        if damage:
            logger.warning("%s", damage)
            result.damaged.append(damage)
    return result


def collect_staged(staging_dir: str | Path, archive_dir: str | Path) -> int:
    """Move the completed files the workers of a shared crawl wrote under STAGING/archive into
    the archive (same relative path). Files a dead worker left open are finished first; a live
    worker's are left for the next load. Returns the files moved."""
    source = Path(staging_dir) / STAGED_ARCHIVE
    if not source.is_dir():
        return 0
    finish_leftovers(source)
    moved = 0
    for name in completed_files(source):
        moved += _move_into(source / name, Path(archive_dir) / name)
    return moved


def _move_into(path: Path, target: Path) -> int:
    """Move one file, so that the archive never holds a partial copy under a WARC name: a rename
    where it can, else a copy under a temporary name renamed when complete. A file already there
    (a move interrupted after its rename) is only removed from the staging area."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        if target.stat().st_size != path.stat().st_size:
            raise ArchiveError(f"{target} exists and differs from the staged {path}: move one of them aside")
        path.unlink()
        return 0
    try:
        os.rename(path, target)
    except OSError:  # another file system
        atomic_write(target, lambda tmp: shutil.copyfile(path, tmp))
        path.unlink()
    return 1
