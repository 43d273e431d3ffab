"""Stop signals during a command that must clean up before it ends: an export removes its
temporary file, a reparse or an import records its run and stops its pool's workers."""

from __future__ import annotations

import contextlib
import gc
import signal
import sys
import threading

from .db import WarehouseError

STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class Stopped(BaseException):
    """A stop signal arrived in the block: raised so that cleanup runs before the process ends."""


@contextlib.contextmanager
def stop_signals_raise(what: str, notice: str | None = None):
    """Within the block, SIGINT/SIGTERM/SIGHUP raise Stopped instead of ending the process at once
    (the default for SIGTERM and SIGHUP, which skips `finally`); DuckDB reports one that arrives
    during a query as "Query interrupted". After the block, the first signal is delivered again to
    the handler that was there before: the default one ends the process as the sender meant,
    Python's SIGINT handler raises KeyboardInterrupt. Before that, a SIGTERM or SIGHUP gets the
    line `warehouse: error: <what> stopped by SIGTERM: <notice>` on stderr (a Ctrl-C gets the
    CLI's own). Signals being ignored (nohup) stay ignored."""
    if threading.current_thread() is not threading.main_thread():  # only it may set handlers
        yield
        return
    received: list[int] = []

    def handler(signum, frame):
        received.append(signum)
        if len(received) == 1:  # a second signal must not interrupt the cleanup of the first
            raise Stopped(signum)

    previous = {}
    for signum in STOP_SIGNALS:
        if signal.getsignal(signum) not in (signal.SIG_IGN, None):
            previous[signum] = signal.signal(signum, handler)
    try:
        yield
    except BaseException:
        if not received:
            raise
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)
    if received:
        name = signal.Signals(received[0]).name
        if notice and received[0] != signal.SIGINT:
            print(f"warehouse: error: {what} stopped by {name}: {notice}", file=sys.stderr, flush=True)
        # Objects the stopped work left in reference cycles (a process pool and its queues) are
        # finalised now: the signal's default action ends the process without finalisers.
        gc.collect()
        signal.raise_signal(received[0])
        raise WarehouseError(f"{what} interrupted by {name}")
