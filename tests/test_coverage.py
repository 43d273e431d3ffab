"""Layout drift: each run's field coverage (crawl_coverage), judged against the recent runs.

Two halves: Warehouse.record_coverage on a real DuckDB file, one rule per test; then real
`scrapy crawl` processes against the offline site, whose "broken" theme hides the photo credit
from the extractor while classic and modern keep every field.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from scrapy.utils.test import get_crawler

from crawler import exitcodes
from crawler.fieldcoverage import FieldCoverage
from crawler.items import ArticleItem
from warehouse.cli import main as warehouse_main
from warehouse.coverage import UNKNOWN_STATUS_RULE, judged_fields, recorded_fields
from warehouse.db import WarehouseError
from warehouse.demo_site import DemoServer, build_site

from .conftest import T0

ROOT = Path(__file__).resolve().parents[1]
# The defaults of crawler/settings.py, spelled out so that these tests say what they rely on.
THRESHOLDS = {"min_items": 20, "baseline_runs": 5, "drop_ratio": 0.5, "drop_absolute": 0.25}
SITE_URL = "https://belarusinfocus.info"
FIELDS = recorded_fields()


def query(db: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


# --- Warehouse.record_coverage ----------------------------------------------------------------

class Runs:
    """Records runs one after another, as crawls do: start, record coverage, finish."""

    def __init__(self, warehouse):
        self.warehouse = warehouse
        self.count = 0

    def add(self, credit: tuple[int, int], reason: str = "finished", checked=None, **thresholds):
        """A run of `items` articles, `present` of them with a photo credit (every other field
        always present); returns (run_id, flagged fields)."""
        present, items = credit
        self.count += 1
        run_id = f"run{self.count}"
        self.warehouse.start_run(run_id, "belarusinfocus", T0 + timedelta(hours=self.count))
        rows = [{"field": name, "items": items, "present": present if name == "photo_credit" else items,
                 "rules": {"label": present, "none": items - present} if name == "photo_credit" else {"label": items}}
                for name in FIELDS]
        drops = self.warehouse.record_coverage(run_id, rows, site_url=SITE_URL, checked=checked,
                                               **{**THRESHOLDS, **thresholds})
        self.warehouse.finish_run(run_id, finish_reason=reason)
        return run_id, [d.field for d in drops]


@pytest.fixture
def runs(warehouse):
    return Runs(warehouse)


def coverage(db, run_id, name="photo_credit"):
    return query(db, "select items, present, share, baseline, baseline_runs, flagged from internal.crawl_coverage "
                     "where run_id = ? and field = ?", [run_id, name])[0]


def coverage_errors(db):
    return query(db, "select run_id, url, message from crawl_errors where kind = 'coverage' order by run_id")


def test_a_run_stores_one_row_per_field_with_queryable_rule_counts(runs, db_path):
    run_id, flagged = runs.add((30, 40))
    assert flagged == []
    rows = query(db_path, "select field, items, present, share, rules['label'], rules['none'] from internal.crawl_coverage "
                          "where run_id = ? order by field", [run_id])
    assert [r[0] for r in rows] == sorted(FIELDS)
    assert dict((r[0], r[1:]) for r in rows)["photo_credit"] == (40, 30, 0.75, 30, 10)
    assert dict((r[0], r[1:]) for r in rows)["title"] == (40, 40, 1.0, 40, None)


def test_a_first_run_has_no_baseline_and_is_never_flagged(runs, db_path):
    run_id, flagged = runs.add((0, 50))
    assert flagged == []
    assert coverage(db_path, run_id) == (50, 0, 0.0, None, 0, False)
    assert coverage_errors(db_path) == []


def test_a_collapse_is_flagged_with_an_error_row_naming_field_share_and_baseline(runs, db_path):
    runs.add((50, 50))
    runs.add((48, 50))
    run_id, flagged = runs.add((0, 50))
    assert flagged == ["photo_credit"]
    assert coverage(db_path, run_id) == (50, 0, 0.0, pytest.approx(0.98), 2, True)
    [(error_run, url, message)] = coverage_errors(db_path)
    assert (error_run, url) == (run_id, SITE_URL)
    assert message.startswith("photo_credit coverage fell to 0% (0 of 50 articles) from 98% (median of the last 2 run(s))")
    assert message.endswith("rules now: label 0, none 50")
    # the other fields of the same run are fine
    assert query(db_path, "select count(*) from internal.crawl_coverage where run_id = ? and flagged", [run_id]) == [(1,)]


@pytest.mark.parametrize("credit", [(0, 0), (0, 5), (0, 19)], ids=["no-articles", "5-articles", "19-articles"])
def test_a_run_with_fewer_articles_than_the_minimum_is_not_judged(runs, db_path, credit):
    runs.add((50, 50))
    run_id, flagged = runs.add(credit)
    assert flagged == []
    assert coverage(db_path, run_id)[5] is False
    assert coverage_errors(db_path) == []


def test_a_run_with_no_articles_has_no_share(runs, db_path):
    runs.add((50, 50))
    run_id, _ = runs.add((0, 0))
    assert coverage(db_path, run_id)[:3] == (0, 0, None)


@pytest.mark.parametrize(("before", "now", "flag"), [
    ((50, 50), (22, 50), True),  # 100% → 44%: below half and 56 points down
    ((50, 50), (30, 50), False),  # 100% → 60%: 40 points down, but above half of the baseline
    ((4, 50), (0, 50), False),  # 8% → 0%: below half, but a rare field moving by 8 points
    ((30, 50), (10, 50), True),  # 60% → 20%: below half and 40 points down
])
def test_both_the_ratio_and_the_absolute_drop_must_be_exceeded(runs, before, now, flag):
    runs.add(before)
    _, flagged = runs.add(now)
    assert flagged == (["photo_credit"] if flag else [])


@pytest.mark.slow
def test_the_baseline_is_the_median_of_the_last_eligible_runs(runs, db_path):
    for credit in [(5, 50), (45, 50), (50, 50), (40, 50)]:  # 10%, then 90%, 100%, 80%
        runs.add(credit)
    runs.add((25, 50), reason="shutdown")  # an interrupted run is no baseline (50% would make it 80%)
    runs.add((5, 10))  # nor a small one (50% too)
    run_id, _ = runs.add((50, 50), baseline_runs=3)
    assert coverage(db_path, run_id)[3:5] == (0.9, 3)  # median of 90%, 100%, 80%; 10% is too old


@pytest.mark.slow
def test_flagged_runs_never_become_the_baseline(runs, db_path):
    runs.add((50, 50))
    for _ in range(4):
        run_id, flagged = runs.add((0, 50))
        assert flagged == ["photo_credit"], "a broken field must fail every crawl until it is fixed"
    assert coverage(db_path, run_id)[3:5] == (1.0, 1)
    run_id, flagged = runs.add((49, 50))
    assert flagged == [] and coverage(db_path, run_id)[3] == 1.0


def test_a_field_left_out_of_the_checked_ones_is_recorded_but_not_flagged(runs, db_path):
    runs.add((50, 50))
    run_id, flagged = runs.add((0, 50), checked=[f for f in FIELDS if f != "photo_credit"])
    assert flagged == []
    assert coverage(db_path, run_id)[2] == 0.0


def test_recording_a_run_twice_is_refused_and_changes_nothing(runs, warehouse, db_path):
    run_id, _ = runs.add((50, 50))
    with pytest.raises(WarehouseError, match="already recorded"):
        warehouse.record_coverage(run_id, [{"field": "title", "items": 1, "present": 0, "rules": {}}],
                                  site_url=SITE_URL, **THRESHOLDS)
    assert query(db_path, "select count(*) from internal.crawl_coverage") == [(len(FIELDS),)]


# --- FieldCoverage: what counts as having a field ---------------------------------------------

def scraped(guard: FieldCoverage, **fields) -> None:
    base = dict(url="https://belarusinfocus.pro/politics/a", site="https://belarusinfocus.pro", language="en",
                category="politics", title="T", body="B", rules={"title": "label", "body": "structure"})
    guard.add(ArticleItem(**{**base, **fields}))


def test_the_date_is_one_field_whichever_rendering_shows_it():
    from datetime import date, datetime

    guard = FieldCoverage.from_settings(get_crawler(settings_dict={}).settings)
    scraped(guard, published_at=datetime(2017, 9, 18, 10, 50), rules={"published_at": "label"})
    scraped(guard, period_start=date(2016, 8, 22), period_end=date(2016, 8, 28), authors=["Anna"],
            rules={"period_end": "period"})
    scraped(guard)  # neither
    rows = {r["field"]: r for r in guard.rows()}
    assert [r["field"] for r in guard.rows()] == list(FIELDS)
    assert {name: rows[name]["present"] for name in ("published_at", "period_end", "published_on", "authors")} == {
        "published_at": 1, "period_end": 1, "published_on": 2, "authors": 1}
    assert rows["published_on"]["rules"] == {"date:label": 1, "week:period": 1, "none": 1}
    # judged: the date as one field; neither its parts nor the authors (none named is legitimate)
    assert "published_on" in guard.checked
    assert not {"published_at", "period_start", "period_end", "authors"} & set(guard.checked)
    assert guard.checked == list(judged_fields())


def test_status_words_not_understood_show_as_their_own_rule():
    guard = FieldCoverage.from_settings(get_crawler(settings_dict={}).settings)
    scraped(guard, category_status="negative", category_status_text="The situation got worse",
            rules={"category_status": "sentence"})
    scraped(guard, category_status=None, category_status_text="The situation is unclear",
            rules={"category_status": "sentence"})
    scraped(guard, rules={"category_status": "none"})
    rows = {r["field"]: r for r in guard.rows()}
    assert rows["category_status"]["present"] == 1 and rows["category_status_text"]["present"] == 2
    assert rows["category_status"]["rules"] == {"sentence": 1, UNKNOWN_STATUS_RULE: 1, "none": 1}


def test_coverage_fields_naming_an_unknown_field_is_a_usage_error():
    from scrapy.exceptions import UsageError

    with pytest.raises(UsageError, match="published_date"):
        FieldCoverage.from_settings(get_crawler(settings_dict={"COVERAGE_FIELDS": ["title", "published_date"]}).settings)


def test_a_site_switching_to_the_weekly_rendering_is_not_a_date_collapse(runs, warehouse, db_path):
    def run(published_at: int, weeks: int):
        runs.count += 1
        run_id = f"run{runs.count}"
        warehouse.start_run(run_id, "belarusinfocus", T0 + timedelta(hours=runs.count))
        present = {"published_at": published_at, "period_end": weeks, "published_on": published_at + weeks}
        rows = [{"field": name, "items": 50, "present": present.get(name, 50), "rules": {}} for name in FIELDS]
        drops = warehouse.record_coverage(run_id, rows, site_url=SITE_URL, checked=judged_fields(), **THRESHOLDS)
        warehouse.finish_run(run_id)
        return [d.field for d in drops]

    assert run(50, 0) == [] and run(50, 0) == []
    assert run(0, 50) == [], "published_at fell to 0% but the week took its place"
    assert run(0, 0) == ["published_on"], "no date at all is a collapse"


# --- real crawls of the offline site ----------------------------------------------------------

def crawl(base_url: str, db: Path, *extra: str) -> subprocess.CompletedProcess:
    # full=1: every known article is fetched again, so a theme change reaches every item even
    # once crawls are incremental (the server's ETag follows the page bytes).
    cmd = [sys.executable, "-m", "scrapy", "crawl", "belarusinfocus", "-a", f"base_url={base_url}", "-a", "full=1",
           "-s", f"WAREHOUSE_PATH={db}", "-s", "LOG_LEVEL=WARNING", *extra]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def run_ids(db: Path) -> list[str]:
    return [r[0] for r in query(db, "select run_id from crawl_runs order by started_at")]


def shares(db: Path, run_id: str) -> dict[str, float]:
    return dict(query(db, "select field, share from internal.crawl_coverage where run_id = ?", [run_id]))


@pytest.fixture(scope="module")
def site():
    # 40 articles: > COVERAGE_MIN_ITEMS stored articles, and the site keeps its faults (the undated
    # page, the 404 similar link), so the shares of the good themes are not all exactly 1.
    return build_site(articles=40)


@pytest.fixture(scope="module")
def drift(site, tmp_path_factory):
    """classic, then modern, then broken, on one server: one warehouse, three runs."""
    db = tmp_path_factory.mktemp("drift") / "warehouse.duckdb"
    done = {}
    with DemoServer(site, theme="classic") as server:
        for theme in ("classic", "modern", "broken"):
            server.theme = theme
            done[theme] = crawl(server.base_url, db)
    return db, done


@pytest.mark.e2e
def test_the_good_themes_never_trigger_it(drift, site):
    db, done = drift
    for theme in ("classic", "modern"):
        assert done[theme].returncode == 0, f"{theme} crawl exited {done[theme].returncode}:\n{done[theme].stderr[-3000:]}"
        assert "crawl: error" not in done[theme].stderr
    classic, modern, _ = run_ids(db)
    assert query(db, "select count(*) from crawl_errors where kind = 'coverage' and run_id in (?, ?)",
                 [classic, modern]) == [(0,)]
    for run_id in (classic, modern):
        got = shares(db, run_id)
        assert set(got) == set(FIELDS)
        assert got["title"] == got["body"] == got["category_status"] == got["photo_credit"] == 1.0
        assert 0.9 < got["published_on"] < 1.0, "the undated article counts as missing a date"
    assert query(db, "select baseline_runs, bool_or(flagged) from internal.crawl_coverage where run_id = ? group by all",
                 [modern]) == [(1, False)]


@pytest.mark.e2e
def test_rule_counts_add_up_to_the_items(drift):
    db, _ = drift
    rows = query(db, "select run_id, field, items, list_sum(map_values(rules)) from internal.crawl_coverage")
    assert rows and all(items == total for _, _, items, total in rows)
    classic, modern, broken = run_ids(db)
    credit_rules = dict(query(db, "select run_id, rules from internal.crawl_coverage where field = 'photo_credit'"))
    assert "none" not in credit_rules[classic] and "none" not in credit_rules[modern]
    assert list(credit_rules[broken]) == ["none"], "no extraction rule found a credit on the broken theme"


@pytest.mark.e2e
def test_the_broken_theme_fails_the_crawl_with_one_line_naming_the_field(drift):
    db, done = drift
    broken = done["broken"]
    assert broken.returncode == exitcodes.FAILED, broken.stderr[-3000:]
    errors = [line for line in broken.stderr.splitlines() if line.startswith("crawl: error:")]
    assert len(errors) == 1, errors
    assert "photo_credit" in errors[0] and "0%" in errors[0] and "100%" in errors[0]
    for field in FIELDS:
        if field != "photo_credit":
            assert field not in errors[0]


@pytest.mark.e2e
def test_the_broken_run_has_a_coverage_error_and_breaks_only_the_credit(drift, site):
    db, _ = drift
    _, modern, broken = run_ids(db)
    [(message,)] = query(db, "select message from crawl_errors where kind = 'coverage'")
    assert message.startswith(f"photo_credit coverage fell to 0% (0 of {len(site.expected_articles())} articles) from 100%")
    assert query(db, "select field from internal.crawl_coverage where run_id = ? and flagged", [broken]) == [("photo_credit",)]
    assert query(db, "select finish_reason from crawl_runs where run_id = ?", [broken]) == [("failed",)]
    assert shares(db, broken) == {**shares(db, modern), "photo_credit": 0.0}
    # the run's error count includes it (RunRecord records the coverage before the run's row) ...
    assert query(db, "select errors from crawl_runs where run_id = ?", [broken]) == \
        query(db, "select count(*) from crawl_errors where run_id = ?", [broken])
    # ... and nothing fetched was lost
    assert query(db, "select count(*) from articles") == [(len(site.expected_articles()),)]


@pytest.mark.e2e
def test_warehouse_status_shows_the_flag(drift, capsys):
    db, _ = drift
    assert warehouse_main(["status", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    section = out.split("== Field coverage of the last run", 1)[1].split("\n\n", 1)[0]
    assert "LAYOUT DRIFT: photo_credit coverage fell to 0%" in section.splitlines()[0]
    lines = {line.split()[0]: line for line in section.splitlines()[3:] if line and not line.startswith("(")}
    assert "COLLAPSED" in lines["photo_credit"]
    assert [name for name, line in lines.items() if "COLLAPSED" in line] == ["photo_credit"]


@pytest.mark.e2e
def test_a_first_run_on_the_broken_theme_is_recorded_but_not_flagged(site, tmp_path):
    # No baseline, no judgement: a floor would be a guess about the live site's markup, and a
    # false alarm on a new warehouse's first crawl is worse than one run's wait for a baseline.
    db = tmp_path / "warehouse.duckdb"
    with DemoServer(site, theme="broken") as server:
        done = crawl(server.base_url, db)
    assert done.returncode == 0, done.stderr[-3000:]
    [run_id] = run_ids(db)
    assert query(db, "select share, baseline, baseline_runs, flagged from internal.crawl_coverage "
                     "where run_id = ? and field = 'photo_credit'", [run_id]) == [(0.0, None, 0, False)]
    assert query(db, "select count(*) from crawl_errors where kind = 'coverage'") == [(0,)]
