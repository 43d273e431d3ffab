"""The clock every warehouse timestamp comes from: injected, so that tests and loads are
reproducible (never the database's now()); and the run ids made from it."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, datetime, timezone
from typing import Any

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def new_run_id() -> str:
    """A run's id: when it started (UTC, to the microsecond, so ids sort by start) and the PID of
    the process that started it, so that two runs started in the same microsecond still differ.
    Letters, digits, `-` and `:` only: ids are parts of spool, staging and WARC file names."""
    return f"{utc_now():%Y%m%dT%H%M%S%fZ}-{os.getpid()}"


def iso_json(value: Any) -> str:
    """json.dumps's default for the times and dates of the project's state files: ISO 8601."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
