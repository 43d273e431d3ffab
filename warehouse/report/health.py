"""Crawl health: flags, recent runs (pages fetched), errors by kind, field coverage of the last run.

Read from the run ledger (crawl_runs, crawl_errors, crawl_coverage), the same tables
`warehouse status` reads; the filters of the report do not apply here.
"""

from __future__ import annotations

from datetime import timezone

from .data import ReportData
from .page import section, source, table, td, utc_text
from .svg import Bar, Segment, data_attrs, esc, hbars, stacked_bars

WARNING_KINDS = ("coverage", "run", "check")   # the rest (undated, gone, status) are notes
PAGES_COLOR = "#0072B2"


def flags_list(data: ReportData) -> str:
    if not data.flags:
        return '<p class="ok">No flags: every recent run finished, no field collapsed, every data check passes.</p>'
    items = "".join(
        f'<li class="{"warning" if f["kind"] in WARNING_KINDS else "note"}"'
        f'{data_attrs("flags", kind=f["kind"], subject=f["subject"])}>'
        f'<b>{esc(f["kind"])}</b>{esc(f["subject"])}: {esc(f["detail"])}</li>'
        for f in data.flags)
    return f'<ul class="flags">{items}</ul>'


def warning_count(data: ReportData) -> int:
    return sum(1 for f in data.flags if f["kind"] in WARNING_KINDS)


def _runs_chart(runs: list[dict]) -> str:
    ordered = list(reversed(runs))  # oldest left
    stacks = [[Segment(
        value=r["pages_fetched"] or 0, color=PAGES_COLOR,
        title=(f"run {r['run_id']} ({utc_text(r['started_at'])}): {r['pages_fetched'] or 0} pages fetched, "
               f"{r['errors'] or 0} errors, {r['finish_reason'] or 'not finished'}"),
        data=data_attrs("crawl_runs", run_id=r["run_id"], pages_fetched=r["pages_fetched"], errors=r["errors"]),
    )] for r in ordered]
    labels = [r["started_at"].astimezone(timezone.utc).strftime("%m-%d %H:%M") for r in ordered]
    return stacked_bars("pages-fetched", labels, stacks, label="Pages fetched per crawl run", totals=True,
                        heading="Pages fetched per run (oldest left)", width=460, height=220)


def _coverage_chart(rows: list[dict]) -> str:
    bars = []
    for r in rows:
        share = r["share"]
        pct = "—" if share is None else f"{100 * share:.1f}%"
        baseline = "no baseline yet" if r["baseline"] is None else f"baseline {100 * r['baseline']:.1f}%"
        bars.append(Bar(
            label=r["field"], value=share or 0, text=pct + (" COLLAPSED" if r["flagged"] else ""),
            color="#b3261e" if r["flagged"] else "#009E73",
            title=f"{r['field']}: {r['present']} of {r['items']} articles ({pct}), {baseline}",
            data=data_attrs("crawl_coverage", run_id=r["run_id"], field=r["field"], items=r["items"],
                            present=r["present"], share=share, baseline=r["baseline"], flagged=r["flagged"]),
            marker=r["baseline"],
        ))
    return hbars("field-coverage", bars, vmax=1.0, width=460, label_width=128,
                 heading="Field coverage of the last run (tick: baseline)", label="Field coverage of the last run")


def crawl_health(data: ReportData) -> str:
    runs = data.recent_runs
    parts = [flags_list(data)]
    if not runs:
        parts.append('<p class="notice">No crawl run recorded yet: run <code>scrapy crawl belarusinfocus</code>.</p>')
    else:
        last = runs[0]
        parts.append(
            f"<p>Last run <code>{esc(last['run_id'])}</code>, started {utc_text(last['started_at'])}, "
            f"finished {utc_text(last['finished_at'])} ({esc(last['finish_reason'] or 'not finished')}): "
            f"{last['pages_fetched'] or 0} pages fetched, {last['items_new'] or 0} new, "
            f"{last['items_updated'] or 0} updated, {last['items_unchanged'] or 0} unchanged, "
            f"{last['items_invalid'] or 0} invalid, {last['errors'] or 0} errors.</p>")
        charts = [f"<figure>{_runs_chart(runs)}</figure>"]
        if data.field_coverage:
            charts.append(f"<figure>{_coverage_chart(data.field_coverage)}</figure>")
        parts.append(f'<div class="grid2">{"".join(charts)}</div>')
        rows = [
            f'<tr{data_attrs("crawl_runs", run_id=r["run_id"], pages_fetched=r["pages_fetched"], errors=r["errors"])}>'
            + td(r["run_id"]) + td(utc_text(r["started_at"])) + td(r["finish_reason"] or "not finished")
            + "".join(td(r[k], num=True) for k in ("pages_fetched", "items_new", "items_updated",
                                                    "items_unchanged", "items_invalid", "errors", "items_undated"))
            + "</tr>"
            for r in runs
        ]
        parts.append("<h3>Recent runs</h3>" + table(
            [("run", False), ("started", False), ("finish", False), ("pages", True), ("new", True),
             ("updated", True), ("unchanged", True), ("invalid", True), ("errors", True), ("undated", True)], rows))
        rows = [
            f'<tr{data_attrs("crawl_errors", kind=e["kind"], last_run=e["last_run"], recent_runs=e["recent_runs"])}>'
            + td(e["kind"]) + td(e["last_run"], num=True) + td(e["recent_runs"], num=True)
            + f'<td><a href="{esc(e["latest_url"])}">{esc(e["latest_url"])}</a><br>'
              f'<span class="meta">{esc(e["latest_message"] or "")}</span></td></tr>'
            for e in data.errors_by_kind
        ]
        parts.append("<h3>Errors by kind</h3>" + (
            table([("kind", False), ("last run", True), ("all runs above", True), ("latest", False)], rows)
            if rows else '<p class="ok">No errors in the recent runs.</p>'))
    parts.append(source("flags", "recent_runs", "errors_by_kind", "field_coverage", queries=data.queries,
                        note="Tables: crawl_runs, crawl_errors, crawl_coverage, articles; and sql/checks/*.sql."))
    lede = ("How the crawl behind these numbers went: flags first, then the last runs, their errors and the "
            "last run's field coverage. Not filtered by the report's category or months.")
    return section("health", "Crawl health", lede, "".join(parts))
