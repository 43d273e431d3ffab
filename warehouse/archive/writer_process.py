"""The crawl's archive writer, in a process of its own (crawler/archiving.py starts it).

Building, digesting and gzipping WARC records is mostly Python: in a thread it would take turns
with the crawl for the interpreter lock; a process runs it on the other core. This module
imports nothing of Scrapy, so that the process starts in a fraction of a second.
"""

from __future__ import annotations

import ctypes
import os
import signal

from warehouse.archive.writer import ArchiveWriter, Exchange

_writer: ArchiveWriter | None = None


def start(parent: int, directory, prefix, run_id, max_bytes, known, info) -> None:
    """The process's initializer: one ArchiveWriter for the whole crawl."""
    global _writer
    _die_with(parent)
    # A Ctrl-C or a service manager's SIGTERM reaches the whole process group: the crawl decides
    # how to stop, and closes the writer after what it handed over is written.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # The crawl comes first on a busy machine: the writer only has to keep up, and the crawl
    # holds back (crawler.archiving.MAX_PENDING) when it does not.
    os.nice(5)
    _writer = ArchiveWriter(directory, prefix, run_id=run_id, max_bytes=max_bytes, known=known, info=info)


def _die_with(parent: int) -> None:
    """Be killed when the crawl dies (Linux): its archive file then stays `.open`, as after a
    kill -9 of a crawl that wrote in a thread, for the next crawl to finish."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the crawl died before the call above
        os._exit(1)


def ready() -> None:
    """Called once when the spider opens, so that the process starts before the first page."""


def write(batch: list[Exchange]) -> None:
    for item in batch:
        _writer.write(item)


def close_file() -> tuple[int, int, int]:
    """Close the open file; the writer's counts so far: responses, revisits, files completed."""
    _writer.close()
    return _writer.responses, _writer.revisits, len(_writer.completed)
