"""What the benchmark scripts share: the offline site at a given size, timed child processes with
their own peak RSS, and paired ratios (median and spread over interleaved rounds).

This machine is shared and noisy (absolute times drift by ±30 %), so every figure is a ratio of
two sides measured in the same round, the rounds alternating which side goes first (ABBA), and
quoted as the median of the per-round ratios with their range.
"""

from __future__ import annotations

import os
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from warehouse.demo_site import Site, build_site  # noqa: E402

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def site_with(articles: int, seed: int = 2017) -> Site:
    """The offline site with `articles` expected article pages (or one more): build_site counts
    English articles and adds about 30 % Russian ones."""
    english = max(20, int(articles / 1.3) - 1)
    while len((site := build_site(seed=seed, articles=english)).expected_articles()) < articles:
        english += 1
    for article in site.articles:  # generate the bodies now, so that no timed crawl pays for it
        article.paragraphs
    return site


@dataclass
class Proc:
    """A finished child process: wall time, CPU time and its own peak RSS (from wait4)."""

    returncode: int
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    stderr: str

    def check(self, what: str) -> Proc:
        if self.returncode != 0:
            sys.exit(f"{what} failed (exit {self.returncode}):\n{self.stderr[-3000:]}")
        return self


# Runs the measured command as its own child and reports that child's rusage. The wrapper is a
# small process on purpose: Linux counts the memory a process had before exec in the new
# program's peak RSS, so a command started straight from this (large) process would inherit its
# size; started from the wrapper, it inherits the wrapper's few MB.
_WRAPPER = """
import json, os, sys
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    json.dump({"cpu_s": usage.ru_utime + usage.ru_stime, "peak_rss_mb": usage.ru_maxrss / 1024}, out)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_process(cmd: list[str], cwd: Path = ROOT, timeout: float = 600, env: dict | None = None) -> Proc:
    """Run `cmd` (through the wrapper above) and return its wall time, CPU time and peak RSS."""
    import json
    import subprocess

    with tempfile.TemporaryDirectory() as tmp:
        usage_file = Path(tmp) / "usage.json"
        with open(Path(tmp) / "stderr", "w+b") as err:
            started = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-I", "-S", "-c", _WRAPPER, str(usage_file), *cmd], cwd=cwd,
                                    env=env or ENV, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                                    start_new_session=True)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            wall = time.perf_counter() - started
            err.seek(0)
            stderr = err.read().decode("utf-8", "replace")
        usage = json.loads(usage_file.read_text()) if usage_file.exists() else {"cpu_s": 0.0, "peak_rss_mb": 0.0}
    return Proc(proc.returncode, wall, usage["cpu_s"], usage["peak_rss_mb"], stderr)


def interleaved(rounds: int, sides: dict, warmup: bool = False) -> dict[str, list]:
    """Call each side once per round, alternating the order (A B, B A, ...); returns each side's
    results in round order. `warmup` runs every side once first, unrecorded."""
    names = list(sides)
    if warmup:
        for name in names:
            sides[name]()
    results: dict[str, list] = {name: [] for name in names}
    for index in range(rounds):
        for name in names if index % 2 == 0 else reversed(names):
            results[name].append(sides[name]())
    return results


@dataclass
class Ratio:
    """Median of paired ratios and their range over the rounds."""

    median: float
    low: float
    high: float
    rounds: int

    @classmethod
    def of(cls, numerators: list[float], denominators: list[float]) -> Ratio:
        ratios = [a / b for a, b in zip(numerators, denominators, strict=True)]
        return cls(statistics.median(ratios), min(ratios), max(ratios), len(ratios))

    def __str__(self) -> str:
        return f"{self.median:.2f}× ({self.low:.2f}–{self.high:.2f}, {self.rounds} rounds)"


def spread(values: list[float], digits: int = 1) -> str:
    """Median (min–max) of a list of measurements."""
    return f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"
