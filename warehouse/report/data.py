"""The report's numbers: every sql/report/*.sql query, run on one read-only connection.

Each query reads only the views and the run ledger, so each number in the report is a row an
analyst gets back by running the same file (`warehouse query - < sql/report/<name>.sql`, with the
parameters filled in). Nothing here computes a number of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from .. import migrate
from ..config import SQL_DIR
from ..db import WarehouseNotInitialised, WarehouseUsageError, connect, one_line
from ..sqlfiles import run_sql_file, sql_text
from ..status import run_checks

REPORT_SQL_DIR = SQL_DIR / "report"

_SINCE = re.compile(r"(?P<year>\d{4})-(?P<month>0[1-9]|1[0-2])")
_PARAMETER = re.compile(r"\$([a-z_]+)")


@dataclass(frozen=True)
class Filters:
    since: date | None = None     # first day of the first month shown
    category: str | None = None   # section slug

    @property
    def params(self) -> dict:
        return {"since": self.since, "category": self.category}

    def describe(self) -> str:
        parts = []
        if self.category:
            parts.append(f"category {self.category}")
        if self.since:
            parts.append(f"since {self.since:%Y-%m}")
        return ", ".join(parts) or "all categories, all months"


def parse_since(text: str | None) -> date | None:
    """`--since YYYY-MM` as the first day of that month; a usage error for anything else."""
    if text is None:
        return None
    match = _SINCE.fullmatch(text.strip())
    if not match:
        raise WarehouseUsageError(f"--since wants a month as YYYY-MM (e.g. 2017-09), got {text!r}")
    return date(int(match["year"]), int(match["month"]), 1)


def query_text(name: str) -> str:
    return sql_text(REPORT_SQL_DIR / f"{name}.sql")


def run_query(con: duckdb.DuckDBPyConnection, name: str, params: dict) -> list[dict]:
    """Rows of sql/report/<name>.sql as dicts. DuckDB rejects parameters a statement does not use,
    so only those the file names are passed."""
    sql = query_text(name)
    code = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
    used = {key: params[key] for key in _PARAMETER.findall(code)}
    cursor = con.execute(sql, used) if used else con.execute(sql)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


@dataclass
class ReportData:
    db: Path
    filters: Filters
    summary: dict
    categories: list[str]                  # every category of the selection, sorted
    articles_monthly: list[dict]
    biggest_changes: list[dict]
    status_mix: list[dict]
    rising_terms: list[dict]
    latest_articles: list[dict]
    content_neighbours: list[dict]
    site_similar: list[dict]
    recent_runs: list[dict]
    errors_by_kind: list[dict]
    field_coverage: list[dict]
    flags: list[dict]
    queries: dict[str, str] = field(default_factory=dict)  # name -> SQL text, shown beside each part

    @property
    def empty(self) -> bool:
        """No dated article at all: nothing to draw a trend from."""
        return not self.summary["articles_in_warehouse"] or (
            self.summary["articles_in_warehouse"] == self.summary["undated_in_warehouse"])


def load(db: str | Path, filters: Filters) -> ReportData:
    """Run every report query on a read-only connection to `db`."""
    db = Path(db)
    with connect(db, read_only=True) as con:
        if not migrate.applied(con):
            raise WarehouseNotInitialised(f"warehouse {db} has no schema: run `warehouse init --db {db}`")
        try:
            return _load(con, db, filters)
        except duckdb.CatalogException as exc:
            raise WarehouseNotInitialised(
                f"warehouse {db} is not fully migrated ({one_line(exc)}): run `warehouse init --db {db}`"
            ) from None


def _load(con: duckdb.DuckDBPyConnection, db: Path, filters: Filters) -> ReportData:
    known = [r[0] for r in run_sql_file(con, REPORT_SQL_DIR / "categories.sql")]
    if filters.category is not None and known and filters.category not in known:
        raise WarehouseUsageError(
            f"no category {filters.category!r} in warehouse {db}; known: {', '.join(known)}")
    params = filters.params
    names = ("summary", "articles_monthly", "biggest_changes", "status_mix", "rising_terms",
             "latest_articles", "recent_runs", "errors_by_kind", "field_coverage", "flags")
    rows = {name: run_query(con, name, params) for name in names}
    urls = [a["url"] for a in rows["latest_articles"]]
    for name in ("content_neighbours", "site_similar"):
        rows[name] = run_query(con, name, {"urls": urls})
    # Failing data checks are flags too: the same sql/checks that `warehouse status` runs.
    for check, offending, example in run_checks(con):
        if offending != 0:
            count = "could not run" if offending is None else f"{offending} offending row(s)"
            rows["flags"].append({"kind": "check", "subject": check, "detail": f"{count}: {example}"})
    summary = rows.pop("summary")[0]
    categories = sorted({r["category"] for r in rows["articles_monthly"]})
    queries = {name: query_text(name) for name in (*names, "content_neighbours", "site_similar")}
    return ReportData(db=db, filters=filters, summary=summary, categories=categories, queries=queries, **rows)
