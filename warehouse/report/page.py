"""The page around the sections: head, inline CSS (screen and print), header, section frame.

Self-contained on purpose: no external stylesheet, font, script or image, so the file opens
anywhere, offline, and prints the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from .svg import esc

# Okabe–Ito colours: distinguishable with the common colour-vision deficiencies, and in print.
CATEGORY_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000", "#999933")
STATUS_COLORS = {"negative": "#D55E00", "neutral": "#A3ABB6", "positive": "#009E73"}
OTHER_STATUS_COLORS = ("#0072B2", "#E69F00", "#CC79A7", "#56B4E9", "#999933")
NO_STATUS_COLOR = "#E3E6EA"
FOLDED_STATUS_COLOR = "#5B6575"  # the words beyond OTHER_STATUS_COLORS, one colour for all

CSS = """
:root { --ink: #1d2430; --muted: #5b6575; --rule: #d9dee6; --accent: #0b5394; --warn: #b3261e; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: #f3f4f7; color: var(--ink);
       font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 20px 28px 48px; background: #fff; }
a { color: var(--accent); }
h1 { font-size: 26px; margin: 4px 0 2px; }
h2 { font-size: 20px; margin: 0 0 6px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 15px; margin: 14px 0 6px; }
p { margin: 6px 0; }
.lede { color: var(--muted); margin: 0 0 10px; }
.meta { color: var(--muted); font-size: 13px; }
nav { margin: 10px 0 0; font-size: 14px; }
nav a { margin-right: 14px; }
.facts { display: flex; flex-wrap: wrap; gap: 8px 28px; margin: 14px 0 0; padding: 10px 14px;
         background: #f6f8fb; border: 1px solid var(--rule); border-radius: 6px; }
.facts div { min-width: 110px; }
.facts b { display: block; font-size: 20px; font-variant-numeric: tabular-nums; }
.facts span { color: var(--muted); font-size: 13px; }
section { margin-top: 30px; }
figure { margin: 0; }
svg.chart { display: block; width: 100%; height: auto; font-family: inherit; }
svg.chart .mark:hover, svg.chart .callout:hover { opacity: .75; }
.wide svg.chart { max-width: 1144px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 14px 26px; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 14px 26px; }
.key { display: flex; flex-wrap: wrap; gap: 4px 18px; font-size: 13px; margin: 4px 0 8px; }
.key i { display: inline-block; width: 12px; height: 12px; margin-right: 5px; vertical-align: -1px; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12.5px; }
td.num, th.num { text-align: right; white-space: nowrap; }
.card { border: 1px solid var(--rule); border-radius: 6px; padding: 10px 14px 12px; margin: 12px 0; }
.card h3 { margin: 0 0 2px; }
.yes { color: #007a5a; font-weight: 600; }
.notice { padding: 14px 16px; border-left: 4px solid var(--accent); background: #f0f5fb; margin: 16px 0; }
.notice.empty { font-size: 17px; }
.flags { list-style: none; padding: 0; margin: 8px 0; }
.flags li { padding: 6px 10px; margin: 4px 0; border-left: 4px solid var(--rule); background: #f8f9fb; }
.flags li.warning { border-left-color: var(--warn); background: #fbefee; }
.flags b { text-transform: uppercase; font-size: 12px; letter-spacing: .04em; margin-right: 6px; }
.ok { color: #007a5a; }
.warn { color: var(--warn); font-weight: 600; }
details.source { margin-top: 6px; font-size: 12.5px; color: var(--muted); }
details.source pre { white-space: pre-wrap; background: #f6f8fb; border: 1px solid var(--rule); padding: 8px;
                     font-size: 12px; max-height: 320px; overflow: auto; }
code { font-size: 12.5px; }
footer { margin-top: 34px; color: var(--muted); font-size: 12.5px; border-top: 1px solid var(--rule); padding-top: 8px; }
@media print {
  @page { size: A4; margin: 12mm; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { background: #fff; font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  nav, details.source { display: none; }
  a { color: inherit; text-decoration: none; }
  section { margin-top: 18px; }
  h2, .lede, h3 { break-after: avoid; }
  svg.chart, .card, figure, tr, .facts, .flags li { break-inside: avoid; }
  .grid { grid-template-columns: repeat(2, 1fr); }
  .grid2 { grid-template-columns: 1fr 1fr; }
}
"""


def month_label(month: date) -> str:
    return f"{month:%Y-%m}"


def category_colors(categories: list[str]) -> dict[str, str]:
    return {c: CATEGORY_COLORS[i % len(CATEGORY_COLORS)] for i, c in enumerate(categories)}


@dataclass
class StatusPalette:
    """How the status mix colours its words.

    order: every status, drawn bottom up: the site's three (bad to good), other words with a colour
    of their own (most articles first), the folded words (alphabetically), no status last.
    folded: the words beyond the five spare colours; they share FOLDED_STATUS_COLOR and one key
    entry, each segment still its own mark with its word in the tooltip. Any number of words fits.
    """
    order: list[str | None]
    colors: dict[str | None, str]
    folded: list[str]


def status_palette(articles: dict[str | None, int]) -> StatusPalette:
    """The palette for statuses with these article counts (None: no status)."""
    known = [s for s in STATUS_COLORS if s in articles]
    others = sorted((s for s in articles if s is not None and s not in STATUS_COLORS),
                    key=lambda s: (-articles[s], s))
    spare = len(OTHER_STATUS_COLORS)
    own = others if len(others) <= spare else others[:spare - 1]  # the last colour gives way to the fold
    folded = sorted(others[len(own):])
    colors: dict[str | None, str] = {s: STATUS_COLORS[s] for s in known}
    colors.update(zip(own, OTHER_STATUS_COLORS))
    colors.update((s, FOLDED_STATUS_COLOR) for s in folded)
    if None in articles:
        colors[None] = NO_STATUS_COLOR
    return StatusPalette(known + own + folded + ([None] if None in articles else []), colors, folded)


def status_name(status: str | None) -> str:
    return "no status" if status is None else status


def source(*names: str, queries: dict[str, str], note: str | None = None) -> str:
    """'Where these numbers come from': the sql/report files, their text folded away."""
    files = ", ".join(f"<code>sql/report/{esc(n)}.sql</code>" for n in names)
    blocks = "".join(f"<pre>-- sql/report/{esc(n)}.sql\n{esc(queries.get(n, ''))}</pre>" for n in names)
    extra = f" {esc(note)}" if note else ""
    return f'<details class="source"><summary>Query: {files}.{extra}</summary>{blocks}</details>'


def section(anchor: str, title: str, lede: str, body: str, cls: str = "") -> str:
    c = f' class="{cls}"' if cls else ""
    return (f'<section id="{esc(anchor)}"{c}><h2>{esc(title)}</h2>'
            f'<p class="lede">{lede}</p>{body}</section>')


def table(headers: list[tuple[str, bool]], rows: list[str]) -> str:
    """headers: (name, numeric); rows: ready <tr> strings."""
    head = "".join(f'<th{" class=num" if num else ""}>{esc(h)}</th>' for h, num in headers)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def td(value, num: bool = False) -> str:
    text = "—" if value is None else value
    return f'<td{" class=num" if num else ""}>{esc(text)}</td>'


def utc_text(value: datetime | None) -> str:
    if value is None:
        return "—"
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def document(title: str, body: str) -> str:
    return ("<!doctype html>\n"
            f'<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{CSS}</style></head>"
            f"<body><main>{body}</main></body></html>\n")
