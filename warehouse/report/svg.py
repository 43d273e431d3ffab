"""SVG charts drawn on the server: plain strings, no JavaScript, nothing fetched.

Every mark (point, bar segment) is a <g> or shape holding a <title> (the browser's tooltip) and
data-* attributes with the exact values of the view row it draws (`data-view` names the view),
so a reader hovers for the number and a test can compare every mark with its view.
Charts have a viewBox and scale to the page's width (CSS); text sizes are in chart units.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from datetime import date, datetime

FONT = 12       # chart units; the charts are drawn near 1:1 on a laptop screen
AXIS = "#5b6575"
GRID = "#e3e7ee"


def esc(value) -> str:
    return html.escape(str(value), quote=True)


def data_value(value) -> str:
    """A value as a data-* attribute: exact (repr round-trips a float), NULL as ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def data_attrs(view: str, **values) -> str:
    """` data-view="trend_monthly" data-month="2017-09-01" ...` (underscores become hyphens)."""
    parts = [f' data-view="{esc(view)}"']
    parts += [f' data-{key.replace("_", "-")}="{esc(data_value(v))}"' for key, v in values.items()]
    return "".join(parts)


def nice_ticks(maximum: float, count: int = 5, integer: bool = True) -> list[float]:
    """0 and round steps (1, 2, 5 × 10^k) up to at least `maximum`."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    if integer:
        step = max(1, round(step))
    return [i * step for i in range(math.ceil(maximum / step - 1e-9) + 1)]


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, text: str, anchor: str = "start", size: int = FONT, fill: str = AXIS,
          weight: str | None = None, extra: str = "") -> str:
    w = f' font-weight="{weight}"' if weight else ""
    return (f'<text x="{_num(x)}" y="{_num(y)}" font-size="{size}" fill="{fill}" text-anchor="{anchor}"{w}{extra}>'
            f"{esc(text)}</text>")


def _svg(name: str, width: int, height: int, label: str, body: list[str]) -> str:
    return (f'<svg class="chart" data-chart="{esc(name)}" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-label="{esc(label)}" xmlns="http://www.w3.org/2000/svg">'
            + "".join(body) + "</svg>")


def _label_step(count: int, room: float, label_width: float) -> int:
    """Label every n-th x position so that labels do not overlap."""
    return max(1, math.ceil(count * label_width / max(room, 1)))


@dataclass
class Point:
    value: float
    title: str   # tooltip
    data: str    # data_attrs(...)


@dataclass
class Series:
    name: str
    color: str
    points: list[Point | None]  # one per x label; None: no value there


@dataclass
class Callout:
    """A marked point: a ring and a short label (e.g. the month of a category's biggest change)."""
    index: int
    value: float
    label: str
    color: str
    title: str
    data: str


def legend(items: list[tuple[str, str]], x0: float, y0: float, width: float, swatch: str = "line") -> tuple[list[str], float]:
    """Legend entries laid out left to right, wrapping; returns (elements, height used)."""
    out, x, y = [], x0, y0
    for name, color in items:
        w = 24 + 6.0 * len(name)
        if x + w > x0 + width and x > x0:
            x, y = x0, y + 18
        if swatch == "line":
            out.append(f'<line x1="{_num(x)}" y1="{_num(y - 4)}" x2="{_num(x + 16)}" y2="{_num(y - 4)}" '
                       f'stroke="{color}" stroke-width="3"/>')
        else:
            out.append(f'<rect x="{_num(x)}" y="{_num(y - 10)}" width="12" height="12" fill="{color}"/>')
        out.append(_text(x + 20, y, name, fill="#1d2430"))
        x += w + 14
    return out, y - y0 + 18


def line_chart(name: str, labels: list[str], series: list[Series], callouts: list[Callout], *,
               label: str, y_title: str = "", width: int = 960, height: int = 360) -> str:
    """Lines over x positions `labels` (months), one per series, with marked callouts."""
    left, right, bottom = 46, 34, 34
    legend_parts, legend_height = legend([(s.name, s.color) for s in series], left, 16, width - left - right)
    top = 16 + legend_height + 14
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [p.value for s in series for p in s.points if p is not None]
    ticks = nice_ticks(max(values, default=0))
    ymax = ticks[-1]

    def x_at(i: int) -> float:
        return left + (plot_w / 2 if len(labels) == 1 else i * plot_w / (len(labels) - 1))

    def y_at(v: float) -> float:
        return top + plot_h - v / ymax * plot_h

    body = list(legend_parts)
    for t in ticks:
        y = y_at(t)
        body.append(f'<line x1="{left}" y1="{_num(y)}" x2="{left + plot_w}" y2="{_num(y)}" stroke="{GRID}"/>')
        body.append(_text(left - 6, y + 4, _num(t), anchor="end"))
    body.append(_text(4, top - 10, y_title))
    step = _label_step(len(labels), plot_w, 62)
    for i, text in enumerate(labels):
        if i % step == 0:
            x = x_at(i)
            body.append(f'<line x1="{_num(x)}" y1="{top + plot_h}" x2="{_num(x)}" y2="{top + plot_h + 4}" stroke="{AXIS}"/>')
            body.append(_text(x, top + plot_h + 18, text, anchor="middle"))
    body.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="{AXIS}"/>')
    for s in series:
        coords = [(x_at(i), y_at(p.value)) for i, p in enumerate(s.points) if p is not None]
        if len(coords) > 1:
            path = " ".join(f"{_num(x)},{_num(y)}" for x, y in coords)
            body.append(f'<polyline points="{path}" fill="none" stroke="{s.color}" stroke-width="2.2" '
                        f'stroke-linejoin="round"/>')
    for s in series:  # points after every line, so no line covers a point's tooltip
        for i, p in enumerate(s.points):
            if p is not None:
                body.append(f'<circle class="mark" cx="{_num(x_at(i))}" cy="{_num(y_at(p.value))}" r="3.6" '
                            f'fill="{s.color}" stroke="#fff" stroke-width="1"{p.data}><title>{esc(p.title)}</title></circle>')
    for c in callouts:
        x, y = x_at(c.index), y_at(c.value)
        ly = y - 12 if y - 12 > top + 4 else y + 22
        body.append(f'<g class="callout"{c.data}><title>{esc(c.title)}</title>'
                    f'<circle cx="{_num(x)}" cy="{_num(y)}" r="8" fill="none" stroke="{c.color}" stroke-width="2"/>'
                    + _text(x, ly, c.label, anchor="middle", fill=c.color, weight="700",
                            extra=' paint-order="stroke" stroke="#fff" stroke-width="3"')
                    + "</g>")
    return _svg(name, width, height, label, body)


@dataclass
class Segment:
    value: float
    color: str
    title: str
    data: str


def stacked_bars(name: str, labels: list[str], stacks: list[list[Segment]], *, label: str, ymax: float | None = None,
                 heading: str | None = None, totals: bool = False, width: int = 380, height: int = 200) -> str:
    """One bar per x label, its segments stacked bottom up; `totals` writes each bar's sum above it."""
    left, right, bottom = 40, 10, 30
    top = 28 if heading else 14
    if totals:
        top += 8
    plot_w, plot_h = width - left - right, height - top - bottom
    sums = [sum(s.value for s in stack) for stack in stacks]
    ticks = nice_ticks(max([ymax or 0, *sums]), count=4)
    top_value = ticks[-1]
    slot = plot_w / max(len(labels), 1)
    bar_w = min(slot * 0.78, 56)
    body = [_text(left, 16, heading, fill="#1d2430", weight="700", size=13)] if heading else []
    for t in ticks:
        y = top + plot_h - t / top_value * plot_h
        body.append(f'<line x1="{left}" y1="{_num(y)}" x2="{left + plot_w}" y2="{_num(y)}" stroke="{GRID}"/>')
        body.append(_text(left - 5, y + 4, _num(t), anchor="end", size=11))
    step = _label_step(len(labels), plot_w, 58)
    for i, stack in enumerate(stacks):
        x = left + i * slot + (slot - bar_w) / 2
        y = top + plot_h
        for seg in stack:
            h = seg.value / top_value * plot_h
            y -= h
            body.append(f'<rect class="mark" x="{_num(x)}" y="{_num(y)}" width="{_num(bar_w)}" height="{_num(h)}" '
                        f'fill="{seg.color}"{seg.data}><title>{esc(seg.title)}</title></rect>')
        if totals and stack:
            body.append(_text(x + bar_w / 2, y - 4, _num(sums[i]), anchor="middle", size=11, fill="#1d2430"))
        if i % step == 0:
            body.append(_text(left + i * slot + slot / 2, top + plot_h + 16, labels[i], anchor="middle", size=11))
    body.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="{AXIS}"/>')
    return _svg(name, width, height, label, body)


@dataclass
class Bar:
    label: str
    value: float
    text: str        # the value as shown at the bar's end
    color: str
    title: str
    data: str
    marker: float | None = None   # a reference tick on the same scale (e.g. a baseline)


def hbars(name: str, bars: list[Bar], *, label: str, vmax: float | None = None, heading: str | None = None,
          width: int = 380, label_width: int = 118, row: int = 22) -> str:
    """Horizontal bars, one per row, label on the left and the value at the bar's end."""
    top = 30 if heading else 8
    value_room = 92
    plot_w = width - label_width - value_room - 8
    top_value = max([vmax or 0, *(b.value for b in bars), *(b.marker or 0 for b in bars)]) or 1
    height = top + row * len(bars) + 8
    body = [_text(0, 18, heading, fill="#1d2430", weight="700", size=13)] if heading else []
    for i, b in enumerate(bars):
        y = top + i * row
        w = max(b.value / top_value * plot_w, 1.5)
        shown = b.label if len(b.label) <= 17 else b.label[:16] + "…"
        body.append(f'<g class="mark"{b.data}><title>{esc(b.title)}</title>'
                    + _text(label_width - 6, y + row / 2 + 4, shown, anchor="end", fill="#1d2430")
                    + f'<rect x="{label_width}" y="{_num(y + 3)}" width="{_num(w)}" height="{row - 6}" fill="{b.color}"/>'
                    + _text(label_width + w + 5, y + row / 2 + 4, b.text, size=11)
                    + "</g>")
        if b.marker is not None:
            mx = label_width + b.marker / top_value * plot_w
            body.append(f'<line x1="{_num(mx)}" y1="{_num(y + 1)}" x2="{_num(mx)}" y2="{_num(y + row - 1)}" '
                        f'stroke="#1d2430" stroke-width="2"/>')
    return _svg(name, width, height, label, body)
