"""The first section of `warehouse status`: what a person must act on, each with what to do.

Batches stuck in the spool (the loader cannot read them), batches waiting or left unfinished by
crashed runs, other warehouses' batches in this one's spool, the old shared spool folder, runs
that did not succeed, and the last run's crawl-budget hits.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from .config import SQL_DIR
from .spool_owner import foreign_line
from .spool_survey import survey
from .sqlfiles import run_sql_file

TITLE = "Needs attention"
COLUMNS = ["problem", "details and what to do"]


def spool_rows(con: duckdb.DuckDBPyConnection, db: Path, spool_dir: Path, sql_dir: Path) -> list[tuple[str, str]]:
    state = survey(con, db, spool_dir, sql_dir)
    if state.problem:
        return [("spool unusable", state.problem)]
    rows = [("STUCK BATCH", f"{batch} cannot be loaded: {why}") for batch, why in state.stuck]
    waiting = state.waiting - len(state.stuck)
    if waiting and not state.writing:
        rows.append(("batches waiting", f"{waiting} batch(es) in {state.folder} are not loaded yet: "
                                        "run `warehouse load` (the next crawl loads them too)"))
    if state.dead:
        rows.append(("unfinished batches", f"{state.dead} unfinished batch(es) of crashed runs in {state.folder}: "
                                           "the next crawl or `warehouse load` loads their complete lines"))
    if state.foreign:
        rows.append(("foreign batches", foreign_line(state.folder, state.foreign)))
    if state.legacy:
        legacy, mine, unknown = state.legacy
        text = f"{legacy} is the spool folder earlier versions shared between the warehouses of a folder"
        if mine:
            text += (f"; {mine} batch(es) of this warehouse's runs there move into {state.folder} and load "
                     "with the next crawl or `warehouse load`")
        if unknown:
            text += (f"; {unknown} batch(es) there are of runs this warehouse does not know: if they are its "
                     f"(a crawl that found it busy from the start), move them into {state.folder} and run "
                     "`warehouse load`; otherwise they are another warehouse's of that folder")
        rows.append(("old shared spool", text))
    if state.runs_unrecorded:
        rows.append(("runs not recorded", f"{state.runs_unrecorded} run(s) found the warehouse busy at their end: "
                                          "their rows wait in the spool for the next crawl or `warehouse load`"))
    if state.refresh_pending:
        rows.append(("refresh pending", "the similarity tables are behind the articles: run `warehouse load` "
                                        "(or the next crawl) to refresh them"))
    return rows


def run_rows(con: duckdb.DuckDBPyConnection, sql_dir: Path, recent: int) -> list[tuple[str, str]]:
    rows = []
    for run_id, started_at, reason, errors in run_sql_file(con, sql_dir / "status" / "failed_runs.sql",
                                                           {"recent": recent}):
        label = "RUN NOT ENDED" if reason == "not ended" else "RUN FAILED"
        started = f" (started {started_at.isoformat(timespec='minutes')})" if started_at is not None else ""
        detail = f"{run_id}{started}: {reason}"
        if reason == "not ended":
            detail += " - still running, or died: the next crawl closes it as 'interrupted'"
        rows.append((label, f"{detail}; {errors or 0} error(s): `warehouse query \"select kind, url, message "
                            f"from crawl_errors where run_id = '{run_id}'\"`"))
    for run_id, hits, example in run_sql_file(con, sql_dir / "status" / "budget_hits.sql"):
        rows.append(("budget hit", f"the last run {run_id} hit the crawl budget {hits} time(s), e.g. {example}: "
                                   "raise the CRAWL_MAX_* settings if the site really is that large"))
    return rows


def attention_rows(con: duckdb.DuckDBPyConnection, db: Path, spool_dir: Path, sql_dir: Path = SQL_DIR,
                   recent: int = 10) -> list[tuple[str, str]]:
    return spool_rows(con, db, spool_dir, sql_dir) + run_rows(con, sql_dir, recent)
