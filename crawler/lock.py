"""The crawl lock: one crawl per warehouse at a time.

An exclusive flock on `<warehouse>.crawl-lock`, holding the owner's PID for the message a second
crawl prints. The kernel drops a flock when its process dies, however it dies, so a lock left by
a killed crawl is simply taken over by the next one: there is no stale-lock guessing.
"""

from __future__ import annotations

import os
from pathlib import Path

from warehouse import locks


class AlreadyRunning(Exception):
    pass


class CrawlLock:
    def __init__(self, db_path: str | os.PathLike):
        self.path = Path(f"{db_path}.crawl-lock")
        self.fd: int | None = None

    def acquire(self) -> CrawlLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = locks.try_lock(self.path)
        if self.fd is None:
            raise AlreadyRunning(f"another crawl (PID {locks.holder_pid(self.path)}) is running on "
                                 f"{self.path.with_suffix('')}; this one did nothing")
        return self

    def release(self) -> None:
        locks.release(self.fd)  # the file stays, harmless and reusable
        self.fd = None
