"""What a recrawl needs to know of the warehouse: the stored articles (to revalidate them, or to
skip old ones) and the URLs that failed for good lately (crawler/recrawl.py; a shared crawl's
workers read the same facts from the staging area's snapshot, warehouse/staging.py)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple

import duckdb

from .sqlfiles import run_sql_file


class KnownArticle(NamedTuple):
    published_at: datetime | None
    last_seen_at: datetime
    etag: str | None
    last_modified: str | None
    gone_at: datetime | None
    period_end: date | None = None  # the week a weekly page covers ends (it shows no published_at)


def known_articles(con: duckdb.DuckDBPyConnection, sql_dir: Path) -> dict[str, KnownArticle]:
    """url -> what the spider's recrawl policy needs to know of each stored article."""
    rows = run_sql_file(con, sql_dir / "recrawl" / "known_articles.sql")
    return {row[0]: KnownArticle(*row[1:]) for row in rows}


def known_failures(con: duckdb.DuckDBPyConnection, sql_dir: Path, since: datetime) -> set[str]:
    """URLs that failed for good (404/410, oversized) since `since` and are not stored articles:
    a default recrawl does not ask for them again until then, `full=1` does."""
    return {row[0] for row in run_sql_file(con, sql_dir / "recrawl" / "known_failures.sql", {"since": since})}
