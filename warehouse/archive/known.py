"""Payloads archived before this crawl: the `captures` index, plus any completed file it lacks."""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb

from warehouse.archive.quick_scan import index_rows
from warehouse.archive.reader import ArchiveError, completed_files
from warehouse.archive.writer import PayloadIndex
from warehouse.config import SQL_DIR
from warehouse.db import WarehouseError, connect
from warehouse.sqlfiles import run_sql_file, sql_text

logger = logging.getLogger(__name__)



def known_payloads(archive_dir: str | Path, db_path: str | Path | None) -> PayloadIndex:
    """What a crawl may write as revisits: the warehouse's `captures` (when it has them) and the
    rows of every completed file under `archive_dir` not indexed there yet."""
    index = PayloadIndex()
    indexed: set[str] = set()
    if db_path is not None and Path(db_path).exists():
        try:
            with connect(db_path, read_only=True) as con:
                cursor = con.execute(sql_text(SQL_DIR / "archive" / "first_captures.sql"))
                names = [d[0] for d in cursor.description]
                for values in cursor.fetchall():
                    index.add(dict(zip(names, values)))
                indexed = {name for (name,) in run_sql_file(con, SQL_DIR / "archive" / "indexed_files.sql")}
        except duckdb.CatalogException:
            pass  # a warehouse without the captures table: the files alone tell
        except (WarehouseError, duckdb.Error) as exc:
            logger.warning("Cannot read the captures index (%s): reading the archive's files instead", exc)
    for name in completed_files(archive_dir):
        if name in indexed:
            continue
        try:
            for row in index_rows(archive_dir, name):
                index.add(row)
        except ArchiveError as exc:  # its complete records are in; the rest cannot be revisited
            logger.warning("%s", exc)
    return index
