"""`warehouse status`: the warehouse's health as sections of rows (read-only).

Schema migrations, recent crawl runs, table counts, articles per language and category, field
coverage (of the stored articles, and of the last run against the recent runs: layout drift),
status words the extractor could not map,
the last run's errors by kind, and failing data checks: every sql/checks/*.sql is a
query returning offending rows, and must return none (dbt-style data tests).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from . import migrate
from .config import SQL_DIR, resolve_spool_dir
from .coverage import DATE_FIELD, recorded_fields
from .db import WarehouseNotInitialised, check_complete, connect, one_line, quote_identifier
from .sqlfiles import sql_text
from .status_attention import COLUMNS as ATTENTION_COLUMNS, TITLE as ATTENTION_TITLE, attention_rows

RECENT_RUNS = 10
QUERIES = SQL_DIR / "status"  # the package's own, whatever sql_dir the checks come from


@dataclass
class Section:
    title: str
    columns: list[str]
    rows: list[tuple] = field(default_factory=list)
    note: str | None = None  # context, or why the section is empty


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> tuple[list[str], list[tuple]]:
    cursor = con.execute(sql, params) if params else con.execute(sql)
    return [d[0] for d in cursor.description], cursor.fetchall()


def _section(con, title: str, sql: str, params: dict | None = None, note: str | None = None) -> Section:
    columns, rows = _rows(con, sql, params)
    return Section(title, columns, rows, note)


def _query(con, name: str, params: dict | None = None) -> tuple[list[str], list[tuple]]:
    """(columns, rows) of sql/status/<name>.sql."""
    return _rows(con, sql_text(QUERIES / f"{name}.sql"), params)


def migrations_section(con, sql_dir: Path) -> Section:
    done = migrate.applied(con)
    rows = [(name, at, "applied") for name, at in done]
    rows += [(name, None, "pending") for name in migrate.pending(con, sql_dir)]
    pending = sum(1 for r in rows if r[2] == "pending")
    note = f"{pending} pending: run `warehouse init`" if pending else None
    return Section("Schema migrations", ["migration", "applied_at", "state"], rows, note)


def table_counts_section(con) -> Section:
    # the contract's tables (main) by their names, then the bookkeeping as internal.<name>
    _, tables = _query(con, "tables")
    rows = [(t if s == "main" else f"{s}.{t}",
             con.execute(f"select count(*) from {quote_identifier(s)}.{quote_identifier(t)}").fetchone()[0])
            for s, t in tables]
    return Section("Tables", ["table", "rows"], rows)


def _presence(name: str) -> str:
    """SQL counting the articles that have a field (as warehouse.coverage.has judges an item)."""
    if name == DATE_FIELD:
        return "count(*) filter (where published_at is not null or period_end is not null)"
    if name == "authors":
        return "count(*) filter (where len(authors) > 0)"
    if name == "similar_links":
        return "count(*) filter (where url in (select src_url from similar_links))"
    return f"count({quote_identifier(name)})"


def coverage_section(con) -> Section:
    shares = ",\n".join(f"round(100.0 * {_presence(f)} / count(*), 1) as {f}" for f in recorded_fields())
    return _section(
        con,
        "Field coverage (% of articles with the field)",
        f"""
        select language, count(*) as articles,
               {shares}
        from articles group by language order by language
        """,
    )


def unmapped_status_section(con) -> Section:
    """Pages whose status words the extractor could not map to positive/negative/neutral: the words
    are kept (category_status_text) and the status left NULL, for a human to judge."""
    columns, rows = _query(con, "unmapped_status")
    total = sum(row[2] for row in rows)
    note = (f"{total} article(s) show a status in words not understood: category_status is NULL, "
            "the words are in category_status_text" if total else "every status shown was understood")
    return Section("Status words not understood", columns, rows, note)


def run_coverage_section(con) -> Section:
    """Layout drift: the last run's share of articles per field against the recent runs'
    median it was judged by (crawl_coverage), with its 'coverage' errors spelled out."""
    title = "Field coverage of the last run vs recent runs (layout drift)"
    columns = ["field", "items", "present", "share_pct", "baseline_pct", "baseline_runs", "state", "rules"]
    _, last = _query(con, "last_coverage_run")
    if not last:
        return Section(title, columns, [], "no run has recorded its coverage yet")
    last = last[0]
    _, rows = _query(con, "run_coverage", {"run": last[0], "fields": list(recorded_fields())})
    flags = [r[0] for r in _query(con, "coverage_flags", {"run": last[0]})[1]]
    note = f"run {last[0]}: " + ("; ".join(f"LAYOUT DRIFT: {m}" for m in flags) if flags else "no field collapsed")
    return Section(title, columns, rows, note)


def last_run_errors_section(con) -> Section:
    _, last = _query(con, "last_run")
    if not last:
        return Section("Errors of the last run by kind", ["kind", "errors"], [], "no crawl run recorded yet")
    columns, rows = _query(con, "errors_by_kind", {"run": last[0][0]})
    return Section("Errors of the last run by kind", columns, rows, f"run {last[0][0]}")


def check_files(sql_dir: Path = SQL_DIR) -> list[Path]:
    return sorted((Path(sql_dir) / "checks").glob("*.sql"))


def run_checks(con, sql_dir: Path = SQL_DIR) -> list[tuple[str, int | None, str]]:
    """(check name, offending rows or None if it could not run, first offending row or error)."""
    results = []
    for path in check_files(sql_dir):
        try:
            cursor = con.execute(sql_text(path))
            rows = cursor.fetchall()
        except duckdb.Error as exc:
            results.append((path.stem, None, f"check failed to run: {one_line(exc)}"))
            continue
        if rows:
            columns = [d[0] for d in cursor.description]
            example = ", ".join(f"{c}={v}" for c, v in zip(columns, rows[0]))
            results.append((path.stem, len(rows), example))
        else:
            results.append((path.stem, 0, ""))
    return results


def checks_section(con, sql_dir: Path) -> Section:
    results = run_checks(con, sql_dir)
    failing = [r for r in results if r[1] != 0]
    if not results:
        note = "no data checks in sql/checks/"
    elif failing:
        note = f"{len(failing)} of {len(results)} checks fail"
    else:
        note = f"all {len(results)} checks pass"
    return Section("Failing data checks", ["check", "offending_rows", "first_offending_row"], failing, note)


def attention_section(con, db: Path, spool_dir: Path, sql_dir: Path) -> Section:
    rows = attention_rows(con, db, spool_dir, sql_dir, RECENT_RUNS)
    note = f"{len(rows)} problem(s)" if rows else "nothing: no stuck or waiting batches, no failed runs"
    return Section(ATTENTION_TITLE, ATTENTION_COLUMNS, rows, note)


def status(db: str | Path, sql_dir: Path = SQL_DIR, spool_dir: str | Path | None = None) -> list[Section]:
    """Every status section of warehouse `db`, read on a read-only connection; the first says what
    needs a person (stuck batches in `spool_dir`, default the warehouse's own, failed runs)."""
    spool_dir = Path(spool_dir) if spool_dir is not None else resolve_spool_dir(db_path=db)
    check_complete(db)  # a file cut short: one line, before any section reads a lost block
    with connect(db, read_only=True) as con:
        sections = [migrations_section(con, sql_dir)]
        if not migrate.applied(con):
            raise WarehouseNotInitialised(f"warehouse {db} has no schema: run `warehouse init --db {db}`")
        try:
            sections += [
                Section(f"Recent crawl runs (last {RECENT_RUNS})", *_query(con, "recent_runs", {"recent": RECENT_RUNS})),
                table_counts_section(con),
                Section("Articles per language and category", *_query(con, "articles_per_category")),
                coverage_section(con),
                unmapped_status_section(con),
                run_coverage_section(con),
                last_run_errors_section(con),
                checks_section(con, sql_dir),
            ]
            # the package's own queries (sql/status/), whatever sql_dir the checks come from
            sections.insert(0, attention_section(con, Path(db), spool_dir, SQL_DIR))
        except duckdb.CatalogException as exc:
            raise WarehouseNotInitialised(
                f"warehouse {db} is not fully migrated ({one_line(exc)}): run `warehouse init --db {db}`"
            ) from None
    return sections
