"""Atomic writes: a file appears under its name whole or not at all.

Everything is written under a temporary name in the target's own folder (so the final rename
stays on one file system), flushed to disk, and renamed over the target; the folder is then
synced so that the rename survives a power cut. Only a regular file is ever replaced: `--out
/dev/stdout`, a symlink, a FIFO or a folder is refused, because renaming over it would replace
the device node or link itself rather than write through it.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path
from typing import Callable

from .db import WarehouseError, WarehouseUsageError


def check_target(target: str | os.PathLike) -> Path:
    """The target as a Path; WarehouseUsageError when something other than a regular file is there."""
    target = Path(target)
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise WarehouseError(f"cannot write {target}: {exc.strerror}") from None
    if not stat.S_ISREG(mode):
        kind = ("a folder" if stat.S_ISDIR(mode) else "a symlink" if stat.S_ISLNK(mode)
                else "a device, pipe or socket")
        raise WarehouseUsageError(f"{target} is {kind}, not a regular file: only a regular file is "
                                  "replaced; give the path of a new or regular file")
    return target


def temp_path(target: str | os.PathLike) -> Path:
    """A new, empty temporary file beside `target`, private to this process."""
    target = Path(target)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise WarehouseError(f"cannot write {target}: {exc.strerror}") from None
    os.close(fd)
    return Path(name)


def replace_file(tmp: str | os.PathLike, target: str | os.PathLike, mode: int | None = 0o644) -> Path:
    """Sync the finished file `tmp` to disk and rename it over `target` (a regular file or nothing)."""
    target = check_target(target)
    try:
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        raise WarehouseError(f"cannot write {target}: {exc.strerror}") from None
    fsync_dir(target.parent)
    return target


def atomic_write(target: str | os.PathLike, write: Callable[[Path], object], mode: int | None = 0o644) -> Path:
    """Call `write(tmp)` to fill a temporary file beside `target`, then put it in place whole.

    On any failure (a full disk included) the temporary file is removed and the target is left
    as it was; an OSError becomes one WarehouseError line."""
    target = check_target(target)
    tmp = temp_path(target)
    try:
        try:
            write(tmp)
        except OSError as exc:
            raise WarehouseError(f"cannot write {target}: {exc.strerror or exc}") from None
        return replace_file(tmp, target, mode)
    finally:
        tmp.unlink(missing_ok=True)


def write_text(target: str | os.PathLike, text: str) -> Path:
    """Write `text` (UTF-8) to `target` atomically, making its folder first."""
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    return atomic_write(target, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def fsync_dir(directory: str | os.PathLike) -> None:
    """Make renames in `directory` durable; some file systems cannot sync a folder, which is harmless."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
