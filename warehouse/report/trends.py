"""The two trend sections: articles per month per category (lines, biggest changes marked) and
the category-status mix per month (stacked bars, one small chart per category)."""

from __future__ import annotations

from collections import defaultdict

from .data import ReportData
from .page import category_colors, month_label, section, source, status_name, status_palette
from .svg import Callout, Point, Segment, Series, data_attrs, esc, line_chart, stacked_bars


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else str(n)


def articles_per_month(data: ReportData) -> str:
    rows = data.articles_monthly
    months = sorted({r["month"] for r in rows})
    index = {m: i for i, m in enumerate(months)}
    colors = category_colors(data.categories)
    series = []
    for category in data.categories:
        points: list[Point | None] = [None] * len(months)
        for r in rows:
            if r["category"] != category:
                continue
            share = "" if r["share"] is None else f" ({100 * r['share']:.1f}% of the month)"
            change = "" if r["change"] is None else f", {_signed(r['change'])} on the month before"
            points[index[r["month"]]] = Point(
                value=r["articles"],
                title=f"{category} · {month_label(r['month'])}: {r['articles']} articles{share}{change}",
                data=data_attrs("trend_monthly", month=r["month"], category=category, articles=r["articles"],
                                share=r["share"], change=r["change"]),
            )
        series.append(Series(category, colors[category], points))
    callouts = [
        Callout(index=index[c["month"]], value=c["articles"], label=_signed(c["change"]), color=colors[c["category"]],
                title=f"{c['category']} · {month_label(c['month'])}: biggest change, {_signed(c['change'])} "
                      f"to {c['articles']} articles",
                data=data_attrs("trend_monthly", month=c["month"], category=c["category"], articles=c["articles"],
                                change=c["change"]))
        for c in data.biggest_changes if c["month"] in index
    ]
    chart = line_chart("articles-per-month", [month_label(m) for m in months], series, callouts,
                       label="Articles per month per category", y_title="articles")
    items = "".join(
        f'<li><b style="color:{colors[c["category"]]}">{esc(c["category"])}</b>: {month_label(c["month"])}, '
        f'{esc(_signed(c["change"]))} to {c["articles"]} articles</li>'
        for c in data.biggest_changes)
    changes = (f"<h3>Biggest month-on-month change per category (ringed)</h3><ul>{items}</ul>" if items
               else "<p>No category changed from one month to the next.</p>")
    lede = ("Articles per month (Minsk calendar months: the day a page shows, or the last day of the week "
            "it covers), one line per category. Ringed: each category's biggest change on the month before. "
            "Hover a point for its numbers.")
    body = (f'<figure class="wide">{chart}</figure>{changes}'
            + source("articles_monthly", "biggest_changes", queries=data.queries,
                     note="View: trend_monthly."))
    return section("articles", "Articles per month", lede, body)


def _key_entry(status: str | None, color: str, title: str | None = None) -> str:
    tip = f' title="{esc(title)}"' if title else ""
    return f'<span{tip}><i style="background:{color}"></i>{esc(status_name(status))}</span>'


def status_mix(data: ReportData) -> str:
    rows = data.status_mix
    months = sorted({r["month"] for r in data.articles_monthly})
    articles: dict[str | None, int] = defaultdict(int)
    for r in rows:
        articles[r["category_status"]] += r["articles"]
    palette = status_palette(articles)
    statuses, colors = palette.order, palette.colors
    cells: dict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        cells[(r["category"], r["month"])].append(r)
    totals = [sum(r["articles"] for r in cells[(c, m)]) for c in data.categories for m in months]
    ymax = max(totals, default=0)
    charts = []
    for category in data.categories:
        stacks = []
        for month in months:
            by_status = {r["category_status"]: r for r in cells[(category, month)]}
            stack = []
            for s in statuses:
                r = by_status.get(s)
                if r is None:
                    continue
                stack.append(Segment(
                    value=r["articles"], color=colors[s],
                    title=f"{category} · {month_label(month)} · {status_name(s)}: {r['articles']} articles",
                    data=data_attrs("trend_status_monthly", month=month, category=category, category_status=s,
                                    articles=r["articles"]),
                ))
            stacks.append(stack)
        charts.append(stacked_bars(f"status-mix-{category}", [month_label(m) for m in months], stacks,
                                   label=f"Category status per month: {category}", ymax=ymax, heading=category))
    folded = set(palette.folded)
    entries = [_key_entry(s, colors[s]) for s in statuses if s is not None and s not in folded]
    if palette.folded:  # one entry for the words sharing a colour; its tooltip lists them
        entries.append(_key_entry(f"{len(palette.folded)} other words", colors[palette.folded[0]],
                                  title="; ".join(palette.folded)))
    if None in colors:
        entries.append(_key_entry(None, colors[None]))
    key = "".join(entries)
    lede = ("Each month's articles of a category split by the status the site gives them, on one scale for "
            "all categories. Hover a segment for its count.")
    body = (f'<div class="key">{key}</div><div class="grid">{"".join(f"<figure>{c}</figure>" for c in charts)}</div>'
            + source("status_mix", queries=data.queries, note="View: trend_status_monthly."))
    return section("status", "Category status per month", lede, body)
