"""File locks: flock(2) on a lock file, the one kind of lock every process of this project uses.

The kernel drops a flock when its holder dies, however it dies (kill -9 included), so a lock
left by a dead process is simply taken by the next one: there is never a stale lock to guess
about. The holder writes its PID into the file for the messages of those who find it taken.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path


def try_lock(path: str | os.PathLike) -> int | None:
    """Take the exclusive lock on `path` (created if missing) without waiting.

    Returns the open descriptor that holds it (close it, or `release` it, to let go), or None
    when another process holds it."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    if not try_lock_fd(fd):
        os.close(fd)
        return None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd


def try_lock_fd(fd: int) -> bool:
    """Take the exclusive lock on an open file without waiting; False when another process holds it."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def release(fd: int | None) -> None:
    """Let go of a lock taken by `try_lock` (closing the descriptor drops the flock)."""
    if fd is not None:
        os.close(fd)


@contextmanager
def hold(path: str | os.PathLike):
    """Hold the exclusive lock on `path` for the block, waiting for it if another process has it."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)


def is_held(path: str | os.PathLike) -> bool:
    """True while a live process holds the lock on `path` (False when the file does not exist)."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        return not try_lock_fd(fd)
    finally:
        os.close(fd)  # also drops the lock we may have just taken


def holder_pid(path: str | os.PathLike) -> str:
    """The PID the lock's holder wrote into the file, or "unknown"."""
    try:
        return Path(path).read_text(errors="replace").strip() or "unknown"
    except OSError:
        return "unknown"
