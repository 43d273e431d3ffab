"""Rising terms of the latest months (trend_terms_monthly): one bar chart of lift per month."""

from __future__ import annotations

from itertools import groupby

from .data import ReportData
from .page import month_label, section, source
from .svg import Bar, data_attrs, hbars

BAR_COLOR = "#0072B2"


def rising_terms(data: ReportData) -> str:
    charts = []
    for month, rows in groupby(data.rising_terms, key=lambda r: r["month"]):
        bars = [
            Bar(label=r["term"], value=r["lift"], text=f"×{r['lift']:.1f} · {r['articles']}", color=BAR_COLOR,
                title=f"{r['term']} · {month_label(month)}: lift {r['lift']:.2f}, in {r['articles']} articles",
                data=data_attrs("trend_terms_monthly", month=month, term=r["term"], articles=r["articles"],
                                lift=r["lift"]))
            for r in rows
        ]
        charts.append(hbars(f"rising-terms-{month_label(month)}", bars, heading=month_label(month),
                            label=f"Rising terms of {month_label(month)}"))
    scope = " (over all categories: terms are not kept per category)" if data.filters.category else ""
    lede = ("The terms whose share of a month's articles rose most against the three months before "
            f"(lift; ×2 = twice as common), top 10 of the latest three months{scope}. "
            "The bar's label: lift · articles with the term.")
    if charts:
        body = f'<div class="grid">{"".join(f"<figure>{c}</figure>" for c in charts)}</div>'
    else:
        body = ('<p class="notice">No rising terms yet: a month needs articles in the three months before it, '
                "and a term at least two articles, to rise.</p>")
    body += source("rising_terms", queries=data.queries, note="View: trend_terms_monthly.")
    return section("terms", "Rising terms", lede, body)
