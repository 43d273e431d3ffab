"""`warehouse report`: the HTML trends report, checked as an analyst would meet it.

A real crawl of the offline site fills a warehouse; the report is written through the CLI; every
number it draws (data-* attributes, tooltips, labels) is compared with the views computed
independently here; and the page is rendered in a real headless Chromium (Debian's `chromium`,
installed by .ci/run): screenshot taken, no console message, every chart drawn at a sensible size.
"""

from __future__ import annotations

import json
import os
import re
import struct
import subprocess
import sys
from argparse import Namespace
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from tests.conftest import article, chromium_binary
from warehouse.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, main
from warehouse.demo_site import DemoServer, build_site
from warehouse.loader import Warehouse

ROOT = Path(__file__).resolve().parents[1]
WINDOW = (1366, 900)


# -- helpers: the warehouse, the report's marks, the browser -------------------------------------------

def query(db: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def dicts(db: Path, sql: str, params=None) -> list[dict]:
    with duckdb.connect(str(db), read_only=True) as con:
        cursor = con.execute(sql, params or [])
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row)) for row in cursor.fetchall()]


@dataclass
class Mark:
    tag: str
    attrs: dict
    title: str = ""
    text: str = ""
    depth: int = 1

    def __getitem__(self, name: str) -> str:
        return self.attrs[f"data-{name}"]

    @property
    def view(self) -> str:
        return self.attrs["data-view"]

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class MarkParser(HTMLParser):
    """Every element carrying data-view, with its first <title> (tooltip) and its other text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.marks: list[Mark] = []
        self.open: list[Mark] = []
        self.title_of: Mark | None = None
        self.charts: list[dict] = []
        self.links: set[str] = set()
        self.latest: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        for mark in self.open:
            if mark.tag == tag:
                mark.depth += 1
        if tag == "svg" and "data-chart" in attrs:
            self.charts.append(attrs)
        if tag == "a" and "href" in attrs:
            self.links.add(attrs["href"])
        if "data-latest-article" in attrs:
            self.latest.append(attrs["data-latest-article"])
        if "data-view" in attrs:
            mark = Mark(tag, attrs)
            self.marks.append(mark)
            self.open.append(mark)
        if tag == "title" and self.open and not self.open[-1].title:
            self.title_of = self.open[-1]

    def handle_endtag(self, tag):
        if tag == "title":
            self.title_of = None
        for mark in list(self.open):
            if mark.tag == tag:
                mark.depth -= 1
                if mark.depth == 0:
                    self.open.remove(mark)

    def handle_data(self, data):
        if self.title_of is not None:
            self.title_of.title += data
            return
        for mark in self.open:
            mark.text += data


def parse(html: str) -> MarkParser:
    parser = MarkParser()
    parser.feed(html)
    parser.close()
    return parser


def marks(page: MarkParser, view: str, cls: str | None = "mark") -> list[Mark]:
    return [m for m in page.marks if m.view == view and (cls is None or cls in m.classes)]


def num(text: str) -> int | float | None:
    """A data-* value back as a number ('' is NULL)."""
    if text == "":
        return None
    return int(text) if re.fullmatch(r"-?\d+", text) else float(text)


CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--enable-logging=stderr", "--v=0", f"--window-size={WINDOW[0]},{WINDOW[1]}"]

# Appended to a copy of the page (never to the report itself): measures every chart once laid out
# and writes the result into the DOM, which --dump-dom prints.
PROBE = """<script>
(() => {
  const charts = [...document.querySelectorAll('svg.chart')].map(svg => {
    const box = svg.getBoundingClientRect();
    return {name: svg.dataset.chart, width: box.width, height: box.height,
            shapes: svg.querySelectorAll('rect, circle, polyline, line, text').length,
            marks: svg.querySelectorAll('[data-view]').length};
  });
  const out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify({title: document.title, charts,
                                    text: document.body.innerText.length,
                                    height: document.documentElement.scrollHeight});
  document.body.appendChild(out);
})();
</script>"""


@dataclass
class Rendered:
    probe: dict
    console: list[str]
    screenshot: Path
    charts: dict = field(default_factory=dict)


def chromium() -> str:
    return chromium_binary()


def run_chromium(url: str, tmp: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp / f"profile-{len(list(tmp.glob('profile-*')))}"
    proc = subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args, url],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"chromium exited {proc.returncode}:\n{proc.stderr[-3000:]}"
    return proc


def console_messages(stderr: str) -> list[str]:
    """Chromium logs each console message and uncaught error as `...:CONSOLE:N] "text", source: ...`."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


def render_in_browser(page: Path, tmp: Path) -> Rendered:
    """Load `page` in headless chromium twice: as it is (screenshot), and with PROBE (DOM read back)."""
    tmp.mkdir(parents=True, exist_ok=True)
    shot = tmp / f"{page.stem}.png"
    first = run_chromium(page.as_uri(), tmp, f"--screenshot={shot}")
    probed = tmp / f"{page.stem}.probed.html"
    probed.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    second = run_chromium(probed.as_uri(), tmp, "--dump-dom")
    found = re.search(r'<pre id="probe">(.*?)</pre>', second.stdout, re.S)
    assert found, f"the page did not load (no probe result in the DOM):\n{second.stdout[:2000]}"
    probe = json.loads(found.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
    return Rendered(probe, console_messages(first.stderr) + console_messages(second.stderr), shot,
                    {c["name"]: c for c in probe["charts"]})


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def report(tmp: Path, db: Path, *args: str, name: str = "report.html") -> tuple[int, Path]:
    out = tmp / name
    return main(["report", "--db", str(db), "--out", str(out), *args]), out


# -- fixtures: a crawled warehouse and its report --------------------------------------------------------

@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> Path:
    """A warehouse filled by a real `scrapy crawl` of the offline site (60 English articles + mirrors)."""
    db = tmp_path_factory.mktemp("report-crawl") / "warehouse.duckdb"
    with DemoServer(build_site(articles=60)) as server:
        proc = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "belarusinfocus", "-a", f"base_url={server.base_url}",
             "-s", f"WAREHOUSE_PATH={db}", "-s", "LOG_LEVEL=WARNING"],
            cwd=ROOT, capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, f"crawl exited {proc.returncode}:\n{proc.stderr[-3000:]}"
    return db


@pytest.fixture(scope="module")
def full_report(crawled, tmp_path_factory) -> tuple[Path, str, MarkParser]:
    tmp = tmp_path_factory.mktemp("report-full")
    code, out = report(tmp, crawled)
    assert code == EXIT_OK
    html = out.read_text(encoding="utf-8")
    return out, html, parse(html)


# -- every number is the view's ---------------------------------------------------------------------------

@pytest.mark.e2e
def test_report_command_writes_one_file_and_says_where(crawled, tmp_path, capsys):
    code, out = report(tmp_path, crawled)
    stdout, stderr = capsys.readouterr()
    assert code == EXIT_OK and stderr == ""
    assert stdout.strip() == f"wrote the report to {out}"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temp file left behind


@pytest.mark.e2e
def test_articles_per_month_points_are_trend_monthly(crawled, full_report):
    _, _, page = full_report
    view = {(m.isoformat(), c): (a, s, ch)
            for m, c, a, s, ch in query(crawled, "select month, category, articles, share, change from trend_monthly")}
    points = marks(page, "trend_monthly")
    drawn = {(p["month"], p["category"]): (num(p["articles"]), num(p["share"]), num(p["change"])) for p in points}
    assert len(points) == len(view) > 20
    assert drawn == view
    for p in points:  # the tooltip says the same numbers
        articles, share = num(p["articles"]), num(p["share"])
        assert f": {articles} articles" in p.title, p.title
        if share is not None:
            assert f"({100 * share:.1f}% of the month)" in p.title, p.title


@pytest.mark.e2e
def test_the_biggest_change_of_each_category_is_marked(crawled, full_report):
    _, _, page = full_report
    biggest: dict[str, tuple] = {}
    for month, category, articles, change in query(
            crawled, "select month, category, articles, change from trend_monthly where change <> 0 order by month"):
        if category not in biggest or abs(change) >= abs(biggest[category][2]):  # ties: the later month
            biggest[category] = (month.isoformat(), articles, change)
    callouts = marks(page, "trend_monthly", cls="callout")
    drawn = {c["category"]: (c["month"], num(c["articles"]), num(c["change"])) for c in callouts}
    assert drawn == biggest
    for c in callouts:  # the visible label is the signed change
        change = num(c["change"])
        assert c.text.strip() == (f"+{change}" if change > 0 else str(change))


@pytest.mark.e2e
def test_status_mix_segments_are_trend_status_monthly(crawled, full_report):
    _, _, page = full_report
    view = Counter({(m.isoformat(), c, s or ""): a for m, c, s, a in query(
        crawled, "select month, category, category_status, articles from trend_status_monthly where articles > 0")})
    segments = marks(page, "trend_status_monthly")
    drawn = Counter({(s["month"], s["category"], s["category-status"]): num(s["articles"]) for s in segments})
    assert len(segments) == len(view) and drawn == view
    assert all(f": {num(s['articles'])} articles" in s.title for s in segments)
    # each bar adds up to the line's point of the same month and category
    bars = Counter()
    for (month, category, _), n in drawn.items():
        bars[(month, category)] += n
    points = {(p["month"], p["category"]): num(p["articles"]) for p in marks(page, "trend_monthly")}
    assert bars == Counter({k: v for k, v in points.items() if v})


@pytest.mark.e2e
def test_rising_terms_are_the_top_of_trend_terms_monthly_in_the_latest_months(crawled, full_report):
    _, _, page = full_report
    rows = query(crawled, "select month, term, articles, lift from trend_terms_monthly")
    months = sorted({r[0] for r in rows})[-3:]
    expected = []
    for month in months:
        top = sorted((r for r in rows if r[0] == month), key=lambda r: (-r[3], -r[2], r[1]))[:10]
        expected += [(m.isoformat(), t, a, lift) for m, t, a, lift in top]
    bars = marks(page, "trend_terms_monthly")
    drawn = [(b["month"], b["term"], num(b["articles"]), num(b["lift"])) for b in bars]
    assert expected and sorted(drawn) == sorted(expected)
    for b in bars:
        lift, articles = num(b["lift"]), num(b["articles"])
        assert f"lift {lift:.2f}, in {articles} articles" in b.title, b.title
        assert f"×{lift:.1f} · {articles}" in b.text, b.text


@pytest.mark.e2e
def test_latest_articles_show_content_neighbours_beside_the_sites_own(crawled, full_report):
    _, _, page = full_report
    latest = [r[0] for r in query(
        crawled, "select url from stg_articles where published_on is not null "
                 "order by published_on desc, published_at desc nulls last, url limit 5")]
    assert page.latest == latest
    neighbours = marks(page, "similarity_content", cls=None)
    view = set(query(crawled, "select url_a, url_b, rank, score from similarity_content "
                              "where rank <= 5 and list_contains($1, url_a)", [latest]))
    assert {(n["url-a"], n["url-b"], num(n["rank"]), num(n["score"])) for n in neighbours} == view
    assert all(f"{num(n['score']):.3f}" in n.text for n in neighbours)
    links = marks(page, "similar_links", cls=None)
    site = set(query(crawled, "select src_url, dst_url, position from similar_links where list_contains($1, src_url)",
                     [latest]))
    assert {(s["src-url"], s["dst-url"], num(s["position"])) for s in links} == site
    # every article named is a link to its page
    assert set(latest) | {u for _, u, _, _ in view} | {u for _, u, _ in site} <= page.links


@pytest.mark.e2e
def test_crawl_health_is_the_run_ledger(crawled, full_report):
    _, html, page = full_report
    runs = dicts(crawled, "select run_id, pages_fetched, errors from crawl_runs order by started_at")
    rows = {(m["run-id"], num(m["pages-fetched"]), num(m["errors"])) for m in marks(page, "crawl_runs", cls=None)}
    assert rows == {(r["run_id"], r["pages_fetched"], r["errors"]) for r in runs}
    bars = marks(page, "crawl_runs")  # the chart's bars
    assert [num(b["pages-fetched"]) for b in bars] == [r["pages_fetched"] for r in runs]
    assert all(f"{r['pages_fetched']} pages fetched" in b.title for b, r in zip(bars, runs))

    errors = Counter(kind for (kind,) in query(crawled, "select kind from crawl_errors"))
    drawn = {m["kind"]: num(m["last-run"]) for m in marks(page, "crawl_errors", cls=None)}
    assert drawn == dict(errors) and {"http", "oversized"} <= set(drawn)

    coverage = {r[0]: (r[1], r[2]) for r in query(crawled, "select field, present, share from internal.crawl_coverage")}
    fields = marks(page, "crawl_coverage")
    assert {f["field"]: (num(f["present"]), num(f["share"])) for f in fields} == coverage
    assert all(f"{100 * num(f['share']):.1f}%" in f.text for f in fields)
    # the site has one undated article: a note, not a warning
    undated = query(crawled, "select count(*) from stg_articles where published_on is null")[0][0]
    assert undated == 1 and f"{undated} article(s) with neither a date nor a week" in html
    assert "crawl healthy" in html


@pytest.mark.e2e
def test_header_counts_are_the_warehouses(crawled, full_report):
    _, html, _ = full_report
    dated, english, russian, belarusian = query(
        crawled, "select count(*), count(*) filter (where language = 'en'), count(*) filter (where language = 'ru'), "
                 "count(*) filter (where language = 'be') from stg_articles where published_on is not null")[0]
    assert dated == english + russian + belarusian
    languages = f"{english} en, {russian} ru" + (f", {belarusian} be" if belarusian else "")
    assert f"<b>{dated}</b><span>articles ({languages})" in html


@pytest.mark.e2e
def test_the_file_is_self_contained(full_report):
    _, html, _ = full_report
    assert not re.search(r"<(script|link|img|iframe|object|embed|audio|video)\b", html, re.I)
    assert not re.search(r"\s(src|srcset)\s*=", html, re.I)
    assert "url(" not in html and "@import" not in html
    assert "@media print" in html


# -- filters ---------------------------------------------------------------------------------------------

@pytest.mark.e2e
def test_since_keeps_the_months_from_that_one_on(crawled, tmp_path):
    code, out = report(tmp_path, crawled, "--since", "2018-01")
    assert code == EXIT_OK
    page = parse(out.read_text(encoding="utf-8"))
    view = {(m.isoformat(), c, a) for m, c, a in query(
        crawled, "select month, category, articles from trend_monthly where month >= date '2018-01-01'")}
    assert {(p["month"], p["category"], num(p["articles"])) for p in marks(page, "trend_monthly")} == view
    for view_name in ("trend_status_monthly", "trend_terms_monthly"):
        months = {m["month"] for m in marks(page, view_name)}
        assert months and min(months) >= "2018-01-01", view_name
    assert all(c["month"] >= "2018-01-01" for c in marks(page, "trend_monthly", cls="callout"))


@pytest.mark.e2e
def test_category_keeps_one_category(crawled, tmp_path):
    code, out = report(tmp_path, crawled, "--category", "economy")
    assert code == EXIT_OK
    html = out.read_text(encoding="utf-8")
    page = parse(html)
    view = {(m.isoformat(), a) for m, a in query(
        crawled, "select month, articles from trend_monthly where category = 'economy'")}
    assert {(p["month"], num(p["articles"])) for p in marks(page, "trend_monthly") if p["category"] == "economy"} == view
    assert {m["category"] for v in ("trend_monthly", "trend_status_monthly") for m in marks(page, v)} == {"economy"}
    assert [c["data-chart"] for c in page.charts if c["data-chart"].startswith("status-mix")] == ["status-mix-economy"]
    categories = {r[0] for r in query(crawled, "select category from articles where list_contains($1, url)",
                                      [page.latest])}
    assert page.latest and categories == {"economy"}
    assert "over all categories" in html  # rising terms are not per category, and the page says so


@pytest.mark.parametrize("args, fragment", [
    (("--since", "2018-13"), "--since wants a month as YYYY-MM"),
    (("--since", "June 2018"), "--since wants a month as YYYY-MM"),
    (("--category", "sport"), "no category 'sport'"),
])
@pytest.mark.e2e
def test_bad_filters_are_one_line_and_exit_2(crawled, tmp_path, capsys, args, fragment):
    code, out = report(tmp_path, crawled, *args)
    _, err = capsys.readouterr()
    assert code == EXIT_USAGE
    assert err.count("\n") == 1 and err.startswith("warehouse: error: ") and fragment in err, err
    assert not out.exists()


@pytest.mark.e2e
def test_a_selection_without_articles_says_so(crawled, tmp_path):
    code, out = report(tmp_path, crawled, "--since", "2030-01")
    assert code == EXIT_OK
    html = out.read_text(encoding="utf-8")
    assert "No articles match the selection" in html and "since 2030-01" in html
    assert "Crawl health" in html


# -- empty, tiny and missing warehouses ---------------------------------------------------------------------

def test_missing_warehouse_is_one_line_and_exit_1(tmp_path, capsys):
    code, out = report(tmp_path, tmp_path / "nowhere.duckdb")
    _, err = capsys.readouterr()
    assert code == EXIT_FAILURE
    assert err.count("\n") == 1 and err.startswith("warehouse: error: no warehouse at"), err
    assert not out.exists()


def test_warehouse_without_schema_is_one_line_and_exit_1(tmp_path, capsys):
    bare = tmp_path / "bare.duckdb"
    duckdb.connect(str(bare)).close()
    code, out = report(tmp_path, bare)
    _, err = capsys.readouterr()
    assert code == EXIT_FAILURE
    assert err.count("\n") == 1 and "has no schema: run `warehouse init" in err, err
    assert not out.exists()


def test_missing_output_folder_is_one_line_and_exit_1(db_path, tmp_path, capsys):
    code = main(["report", "--db", str(db_path), "--out", str(tmp_path / "no" / "such" / "r.html")])
    _, err = capsys.readouterr()
    assert code == EXIT_FAILURE
    assert err.count("\n") == 1 and "no folder" in err, err


@pytest.mark.slow
def test_empty_warehouse_gives_a_clear_page(db_path, tmp_path):
    code, out = report(tmp_path, db_path)  # db_path: `warehouse init` only
    assert code == EXIT_OK
    html = out.read_text(encoding="utf-8")
    assert "No data yet" in html and "No crawl run recorded yet" in html
    assert parse(html).charts == []
    rendered = render_in_browser(out, tmp_path / "browser")
    assert rendered.console == []
    assert rendered.probe["title"] == "Belarus in Focus: trends report" and rendered.probe["text"] > 200


def test_tiny_warehouse_draws_its_one_month(db_path, spool_batch, tmp_path):
    spool_batch([article(), article(url="https://belarusinfocus.info/economy/b", content_hash="hash-b",
                                    category_status="negative")])
    warehouse = Warehouse(db_path)
    warehouse.load_spool(spool_batch.directory)
    warehouse.refresh()
    code, out = report(tmp_path, db_path)
    assert code == EXIT_OK
    html = out.read_text(encoding="utf-8")
    page = parse(html)
    assert {(p["month"], p["category"], num(p["articles"])) for p in marks(page, "trend_monthly")} == {
        ("2017-09-01", "economy", 1), ("2017-09-01", "society", 1)}
    assert "No rising terms yet" in html
    assert len(page.latest) == 2


def test_weekly_pages_are_drawn_in_the_month_their_week_ends_with_their_authors(db_path, spool_batch, tmp_path):
    from datetime import date

    spool_batch([
        article(url="https://belarusinfocus.pro/politics/new-year", published_at=None, period_start=date(2020, 12, 28),
                period_end=date(2021, 1, 3), authors=["Anna Maria", "Vadim"], content_hash="w1",
                category_status=None, category_status_text="The situation is unclear"),
        article(url="https://belarusinfocus.pro/politics/december", published_at=None, period_start=date(2020, 12, 14),
                period_end=date(2020, 12, 20), content_hash="w2", category_status="negative"),
    ])
    warehouse = Warehouse(db_path)
    warehouse.load_spool(spool_batch.directory)
    warehouse.refresh()
    code, out = report(tmp_path, db_path)
    assert code == EXIT_OK
    html = out.read_text(encoding="utf-8")
    page = parse(html)
    assert {(p["month"], num(p["articles"])) for p in marks(page, "trend_monthly")} == {
        ("2020-12-01", 1), ("2021-01-01", 1)}
    assert page.latest == ["https://belarusinfocus.pro/politics/new-year", "https://belarusinfocus.pro/politics/december"]
    card = html.split('data-latest-article="https://belarusinfocus.pro/politics/new-year"', 1)[1].split("</p>", 1)[0]
    assert "by Anna Maria, Vadim" in card and "week 2020-12-28 – 2021-01-03" in card
    assert "status not understood: “The situation is unclear”" in card
    assert "Minsk" not in card  # a weekly page shows no time of day
    assert {(f["kind"], f["subject"]) for f in marks(page, "flags", cls=None)} >= {("status", "articles")}
    assert "1 article(s) show a status in words not understood, e.g. “The situation is unclear”" in html


# -- in a real browser -------------------------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.e2e
def test_report_renders_in_chromium_with_every_chart_drawn(crawled, full_report, tmp_path):
    out, _, page = full_report
    rendered = render_in_browser(out, tmp_path)
    assert rendered.console == [], "console messages while loading the report:\n" + "\n".join(rendered.console)
    assert png_size(rendered.screenshot) == WINDOW
    assert rendered.screenshot.stat().st_size > 40_000, "the screenshot is (nearly) blank"

    categories = [r[0] for r in query(crawled, "select distinct category from articles order by 1")]
    expected = {"articles-per-month", "pages-fetched", "field-coverage", *(f"status-mix-{c}" for c in categories)}
    assert expected <= set(rendered.charts)
    assert sum(name.startswith("rising-terms-") for name in rendered.charts) == 3
    assert len(rendered.charts) == len(page.charts)
    for name, chart in rendered.charts.items():
        assert chart["width"] > 100 and chart["height"] > 100, f"chart {name} drawn at {chart}"
        assert chart["shapes"] > 5 and chart["marks"] > 0, f"chart {name} is empty: {chart}"
    # on a laptop screen the main chart fills the width and no chart is wider than the window
    assert rendered.charts["articles-per-month"]["width"] > 900
    assert all(c["width"] <= WINDOW[0] for c in rendered.charts.values())


@pytest.mark.browser
def test_console_errors_are_caught(tmp_path):
    """The console check above can fail: a page with a broken script is reported."""
    page = tmp_path / "broken.html"
    page.write_text("<!doctype html><title>x</title><body><p>hello</p><script>undefinedFunction()</script></body>")
    rendered = render_in_browser(page, tmp_path / "browser")
    assert any("undefinedFunction" in line for line in rendered.console), rendered.console


# -- the demo ends with the report -----------------------------------------------------------------------------

@pytest.mark.e2e
def test_demo_ends_by_writing_the_report(tmp_path, capsys):
    from warehouse import demo

    assert demo.main(Namespace(db=str(tmp_path / "demo.duckdb"))) == 0
    out = capsys.readouterr().out
    report_path = tmp_path / "demo-report.html"
    assert out.rstrip().endswith(f"The trends report is {report_path.resolve()}; open it in a browser.")
    page = parse(report_path.read_text(encoding="utf-8"))
    assert len(marks(page, "trend_monthly")) > 20 and any(c["data-chart"] == "articles-per-month" for c in page.charts)


# -- any number of status words ----------------------------------------------------------------------------

@pytest.mark.parametrize("words", [25, 100])
def test_any_number_of_status_words_is_drawn(db_path, spool_batch, tmp_path, words):
    """Status words the site never used (a redesign, a scraping mistake): however many, every
    segment is drawn with its own word and count; the five spare colours go to the words with the
    most articles (four of them when the rest are folded into one shared colour and key entry)."""
    from warehouse.report.page import FOLDED_STATUS_COLOR, OTHER_STATUS_COLORS, STATUS_COLORS

    records = []
    for i in range(words):
        for j in range(1 + i % 5):  # 1 to 5 articles a word, so some words clearly lead
            records.append(article(url=f"https://belarusinfocus.info/{('economy', 'society')[j % 2]}/w{i}-{j}",
                                   content_hash=f"hash-{i}-{j}", category_status=f"word{i:03d}"))
    records.append(article(url="https://belarusinfocus.info/economy/neg", content_hash="neg",
                           category_status="negative"))
    spool_batch(records)
    warehouse = Warehouse(db_path)
    warehouse.load_spool(spool_batch.directory)
    warehouse.refresh()

    code, out = report(tmp_path, db_path)
    assert code == EXIT_OK
    html = out.read_text(encoding="utf-8")
    page = parse(html)
    expected = Counter({(str(m), c, s): n for m, c, s, n in query(
        db_path, "select month, category, category_status, articles from trend_status_monthly where articles > 0")})
    segments = marks(page, "trend_status_monthly")
    assert Counter({(s["month"], s["category"], s["category-status"]): num(s["articles"]) for s in segments}) == expected
    assert {s["category-status"] for s in segments} == {f"word{i:03d}" for i in range(words)} | {"negative"}
    for s in segments:
        assert s.title.split(" · ")[-1] == f"{s['category-status']}: {s['articles']} articles"

    per_word = Counter()
    for (_, _, word), n in expected.items():
        per_word[word] += n
    ranked = sorted((w for w in per_word if w != "negative"), key=lambda w: (-per_word[w], w))
    leaders, folded = ranked[:len(OTHER_STATUS_COLORS) - 1], ranked[len(OTHER_STATUS_COLORS) - 1:]
    fill = {s["category-status"]: s.attrs["fill"] for s in segments}
    assert fill["negative"] == STATUS_COLORS["negative"]
    assert [fill[w] for w in leaders] == list(OTHER_STATUS_COLORS[:len(leaders)])
    assert {fill[w] for w in folded} == {FOLDED_STATUS_COLOR}
    assert FOLDED_STATUS_COLOR not in {*STATUS_COLORS.values(), *OTHER_STATUS_COLORS}
    key = html.split('<div class="key">', 1)[1].split("</div>", 1)[0]
    assert f'title="{"; ".join(sorted(folded))}"' in key
    assert f"{len(folded)} other words</span>" in key
    assert all(f"</i>{w}</span>" in key for w in leaders)
    assert key.count("<span") == 1 + len(leaders) + 1  # negative, the leaders, the folded words


@pytest.mark.parametrize("others", [0, 1, 5, 6, 100])
def test_status_palette_gives_every_status_a_colour(others):
    from warehouse.report.page import FOLDED_STATUS_COLOR, NO_STATUS_COLOR, status_palette

    articles = {"positive": 3, "negative": 1, None: 2, **{f"w{i}": i + 1 for i in range(others)}}
    palette = status_palette(articles)
    assert sorted(palette.order, key=str) == sorted(articles, key=str)
    assert palette.order[:2] == ["negative", "positive"] and palette.order[-1] is None
    assert set(palette.colors) == set(articles) and palette.colors[None] == NO_STATUS_COLOR
    own = [s for s in palette.order if s not in ("negative", "positive", None) and s not in palette.folded]
    assert len(set(palette.colors[s] for s in own)) == len(own)  # each its own colour
    assert len(palette.folded) == (0 if others <= 5 else others - 4)
    assert all(palette.colors[s] == FOLDED_STATUS_COLOR for s in palette.folded)
