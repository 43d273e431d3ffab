"""Storing a crawl run's field coverage and flagging the fields that collapsed (layout drift):
internal.crawl_coverage, and a crawl_errors row of kind 'coverage' per flagged field. The SQL is
in sql/coverage/; which fields and rules are counted: warehouse/coverage.py."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

import duckdb

from .db import WarehouseError, one_line, rollback
from .sqlfiles import run_sql_file


class CoverageDrop(NamedTuple):
    """A field whose coverage collapsed in a crawl run (see record)."""

    field: str
    items: int  # articles the run scraped
    share: float  # of them with the field, 0..1
    baseline: float  # median share of the recent runs, 0..1
    message: str  # as stored in crawl_errors


def record(
    con: duckdb.DuckDBPyConnection,
    sql_dir: Path,
    run_id: str,
    rows: Iterable[dict],
    *,
    site_url: str,
    min_items: int,
    baseline_runs: int,
    drop_ratio: float,
    drop_absolute: float,
    occurred_at: datetime,
    checked: Iterable[str] | None = None,
) -> list[CoverageDrop]:
    """Store one run's field coverage and flag the fields that collapsed, in one transaction.

    `rows`: one dict per field: `field`, `items`, `present`, `rules` (rule name → count).
    A field's baseline is the median share of the last `baseline_runs` earlier runs that
    ended 'finished', scraped at least `min_items` articles and were not flagged for that
    field (a broken extractor must not teach the baseline that an empty field is normal).
    The field is flagged when this run scraped at least `min_items` articles and its share
    is below `drop_ratio` × baseline *and* more than `drop_absolute` under it; without a
    baseline (a first run) nothing is flagged. Only fields in `checked` (default: all) can
    be flagged. Each flagged field also gets a crawl_errors row of kind 'coverage' (url:
    `site_url`). Returns the flagged fields. A missing table (no schema) is raised as DuckDB's
    CatalogException, for the caller to name the warehouse.
    """
    rows = list(rows)
    params = {
        "run_id": run_id,
        "rows": json.dumps(rows, ensure_ascii=False),
        "min_items": min_items,
        "window": baseline_runs,
        "ratio": drop_ratio,
        "absolute": drop_absolute,
        "checked": [r["field"] for r in rows] if checked is None else list(checked),
    }
    con.begin()
    try:
        run_sql_file(con, sql_dir / "coverage" / "record.sql", params)
        flagged = [CoverageDrop(*row)
                   for row in run_sql_file(con, sql_dir / "coverage" / "flagged.sql", {"run_id": run_id})]
        run_sql_file(con, sql_dir / "coverage" / "errors.sql",
                     {"run_id": run_id, "url": site_url, "at": occurred_at, "messages": [f.message for f in flagged]})
        con.commit()
    except duckdb.ConstraintException:
        rollback(con)
        raise WarehouseError(f"the coverage of crawl run {run_id} is already recorded") from None
    except duckdb.CatalogException:
        rollback(con)
        raise
    except duckdb.Error as exc:
        rollback(con)
        raise WarehouseError(f"coverage of crawl run {run_id} was not recorded: {one_line(exc)}") from None
    return flagged
