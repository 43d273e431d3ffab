"""The crawl lock: one crawl per warehouse at a time.

An exclusive flock on `<warehouse>.crawl-lock`, holding the owner's PID for the message a second
crawl prints. The kernel drops a flock when its process dies, however it dies, so a lock left by
a killed crawl is simply taken over by the next one: there is no stale-lock guessing.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class AlreadyRunning(Exception):
    pass


class CrawlLock:
    def __init__(self, db_path: str | os.PathLike):
        self.path = Path(f"{db_path}.crawl-lock")
        self.fd: int | None = None

    def acquire(self) -> CrawlLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise AlreadyRunning(
                f"another crawl (PID {holder}) is running on {self.path.with_suffix('')}; this one did nothing"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self.fd = fd
        return self

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing drops the flock; the file stays, harmless and reusable
            self.fd = None
