"""Shared fixtures: a real DuckDB warehouse file per test, a controllable clock, spool batches.

`warehouse init` (migrations, views, similarity refresh) runs once per session into a template
file; each test gets its own copy in tmp_path, so tests stay independent and quick.
"""

from __future__ import annotations

import shutil
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from warehouse.loader import Warehouse
from warehouse.spool import Spool

MINSK = timezone(timedelta(hours=3))
T0 = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)


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
