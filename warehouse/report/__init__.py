"""`warehouse report`: one self-contained HTML file of the trends and the crawl's health.

    warehouse report --out report.html [--db PATH] [--since YYYY-MM] [--category C]

Every number comes from a sql/report/*.sql query over the views and the run ledger, read on a
read-only connection (data.py); the charts are SVG drawn here (svg.py), each mark carrying its
view row in data-* attributes and its numbers in a tooltip. No script, font or image is loaded
from anywhere: the file opens offline and prints (page.py's print CSS).

Modules: data (queries), svg (chart primitives), page (CSS, frame), one module per section:
trends, terms, neighbours, health.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from ..config import resolve_db_path
from ..atomic import atomic_write, check_target
from ..db import WarehouseError
from .data import Filters, ReportData, load, parse_since
from .health import crawl_health, warning_count
from .neighbours import latest_neighbours
from .page import document, month_label
from .svg import esc
from .terms import rising_terms
from .trends import articles_per_month, status_mix

__all__ = ["Filters", "ReportData", "load", "main", "render", "write_report"]

TITLE = "Belarus in Focus: trends report"


def _header(data: ReportData, generated_at: datetime) -> str:
    s = data.summary
    warnings = warning_count(data)
    health = (f'<a href="#health" class="warn">{warnings} crawl flag(s)</a>' if warnings
              else '<a href="#health" class="ok">crawl healthy</a>')
    span = (f"{month_label(s['first_month'])} – {month_label(s['last_month'])}" if s["first_month"] else "—")
    facts = [
        (s["articles"], f"articles ({s['english']} en, {s['russian']} ru"
                        + (f", {s['belarusian']} be)" if s["belarusian"] else ")")),
        (span, "months (Minsk time)"),
        (s["categories"], "categories"),
        (s["articles_in_warehouse"], f"in the warehouse ({s['undated_in_warehouse']} undated)"),
    ]
    facts_html = "".join(f"<div><b>{esc(v)}</b><span>{esc(t)}</span></div>" for v, t in facts)
    nav = "".join(f'<a href="#{a}">{t}</a>' for a, t in (
        ("articles", "Articles per month"), ("status", "Status mix"), ("terms", "Rising terms"),
        ("neighbours", "Neighbours"), ("health", "Crawl health")))
    return (f"<header><h1>{esc(TITLE)}</h1>"
            f'<p class="meta">Selection: <b>{esc(data.filters.describe())}</b> · warehouse <code>{esc(data.db)}</code> · '
            f"written {generated_at.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC · {health}</p>"
            f'<div class="facts">{facts_html}</div><nav>{nav}</nav></header>')


def render(data: ReportData, generated_at: datetime | None = None) -> str:
    """The whole HTML page for `data`."""
    generated_at = generated_at or datetime.now(timezone.utc)
    parts = [_header(data, generated_at)]
    if data.empty:
        parts.append(
            '<div class="notice empty" id="no-data"><b>No data yet.</b> The warehouse holds no dated article, '
            "so there is no trend to show. Crawl the site (<code>scrapy crawl belarusinfocus</code>) or run "
            "<code>warehouse demo</code>, then write the report again.</div>")
    elif not data.summary["articles"]:
        parts.append(
            f'<div class="notice empty" id="no-match"><b>No articles match the selection</b> '
            f"({esc(data.filters.describe())}). The warehouse holds {data.summary['articles_in_warehouse']} "
            "articles: widen --since or --category.</div>")
    else:
        parts += [articles_per_month(data), status_mix(data), rising_terms(data), latest_neighbours(data)]
    parts.append(crawl_health(data))
    parts.append("<footer>Every number here is a row of a query in <code>sql/report/</code> over the warehouse's "
                 "views and run tables (open “Query” under each part); run one with "
                 "<code>warehouse query - &lt; sql/report/NAME.sql</code> after filling in its parameters.</footer>")
    return document(TITLE, "".join(parts))


def write_report(db: str | Path, out: str | Path, filters: Filters = Filters(),
                 generated_at: datetime | None = None) -> Path:
    """Render the report of warehouse `db` into `out`; the file appears whole or not at all."""
    out = Path(out)
    if not out.parent.is_dir():
        raise WarehouseError(f"no folder {out.parent} to write the report into: create it or choose another --out")
    check_target(out)  # before the work: --out /dev/stdout or a folder is refused at once
    page = render(load(db, filters), generated_at)
    return atomic_write(out, lambda tmp: tmp.write_text(page, encoding="utf-8"))


def main(args) -> int:
    """The `warehouse report` command (args from warehouse.cli)."""
    filters = Filters(since=parse_since(getattr(args, "since", None)), category=getattr(args, "category", None))
    out = write_report(resolve_db_path(args.db), args.out, filters)
    print(f"wrote the report to {out}")
    return 0
