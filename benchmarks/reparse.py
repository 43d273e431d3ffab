"""Reparse and import benchmark: 10,000 archived article pages on this machine.

    python benchmarks/reparse.py [--pages 10000]

The pages (--corpus): `distinct` (default), --pages different articles of the offline site
generated at that size, each rendered once in the dated (classic) theme; or `copies`, the 221
article pages of the default site fetched once and repeated under new addresses (the address
rewritten in the page too) up to --pages: 45 identical twins per article at 10,000, which makes
the similarity refresh far costlier than on any real archive (every heavy term is shared by
hundreds of pages). Either is written as a web archive's WARC download (gzip per record, warcio). Then, each a `warehouse` process on a fresh
warehouse file, timed (wall) with the peak resident memory of its whole process tree (the pool's
workers included: sampled every 200 ms, the PSS of the processes of its session summed; reading
smaps_rollup every 50 ms slowed a 50 s import by 6 s):

1. import-warc of the file, with the photo-credit rule broken (a sitecustomize module, as in
   tests/test_reparse.py): every page extracted and stored as new (target ≤ 40 s);
2. reparse with the rule fixed: every page read back by its captures row and changed (a new
   version each; target ≤ 30 s and ≤ 1 GB);
3. reparse again: every page unchanged.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from warehouse.archive.foreign import Snapshot, write_web_archive_warc  # noqa: E402
from warehouse.db import connect  # noqa: E402
from warehouse.demo_site import DemoServer, build_site  # noqa: E402
from warehouse.demo_site.pages import Origin, respond  # noqa: E402

BREAK_PHOTO_CREDIT = '''
import os
if os.environ.get("BREAK_RULE") == "photo_credit":
    from crawler.extraction import fields as _fields
    _facet, _ = _fields.FACETS["photo_credit"]
    _fields.FACETS["photo_credit"] = (_facet, lambda found: None)
'''


def corpus(pages: int, warc: Path, kind: str = "distinct") -> int:
    if kind == "copies":
        return copies_corpus(pages, warc)
    # about 1.4 pages per generated article: its Russian and Belarusian mirrors are articles too
    site = build_site(articles=pages)
    articles = [a for a in site.articles if a.kind == "ordinary"]
    while len(articles) < pages:
        site = build_site(articles=2 * len(site.articles))
        articles = [a for a in site.articles if a.kind == "ordinary"]
    origin = Origin(base="https://belarusinfocus.info", other_base="http://localhost:8017")
    start = datetime(2017, 1, 1, tzinfo=timezone.utc)
    snapshots, raw = [], 0
    for i, article in enumerate(articles[:pages]):
        page = respond(site, "classic", article.path, origin)
        raw += len(page.body)
        snapshots.append(Snapshot("https://belarusinfocus.info" + article.path, start + timedelta(minutes=i), page.body,
                                  headers=[("Content-Type", page.content_type)]))
    write_web_archive_warc(warc, snapshots)
    return raw


def copies_corpus(pages: int, warc: Path) -> int:
    site = build_site()
    articles = [a for a in site.articles if a.kind == "ordinary"]
    with DemoServer(site, theme="classic") as server:
        originals = [(a.path, fetch(server.base_url + a.path)) for a in articles]
    start = datetime(2017, 1, 1, tzinfo=timezone.utc)
    snapshots, raw = [], 0
    for i in range(pages):
        path, html = originals[i % len(originals)]
        copy = i // len(originals)
        new_path = path if copy == 0 else f"{path}-{copy}"
        body = html if copy == 0 else html.replace(path.encode(), new_path.encode())
        raw += len(body)
        snapshots.append(Snapshot("https://belarusinfocus.info" + new_path, start + timedelta(minutes=i), body))
    write_web_archive_warc(warc, snapshots)
    return raw


def fetch(url: str) -> bytes:
    """The page; the offline site answers one of its pages 500 the first time (a transient fault)."""
    try:
        return urllib.request.urlopen(url, timeout=30).read()
    except urllib.error.HTTPError:
        return urllib.request.urlopen(url, timeout=30).read()


TICKS = os.sysconf("SC_CLK_TCK")
SAMPLE_SECONDS = 0.2


def sample_tree(session: int, cpu: dict[int, float]) -> float:
    """The memory of every process of the session, each counted by its proportional set size
    (PSS): the pool's workers are forked from one server and share its pages, which a sum of
    their RSS would count once per worker. Also notes each process's CPU seconds so far in `cpu`
    (pid -> seconds): the workers are not the command's children, so its rusage misses them."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[3]) != session:  # the session id (fields after the name: state, ppid, pgrp, session)
                continue
            cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime
            with open(f"/proc/{entry.name}/smaps_rollup") as f:
                pss = next(line for line in f if line.startswith("Pss:"))
            total += int(pss.split()[1]) * 1024
        except (OSError, ValueError, IndexError, StopIteration):
            continue
    return total / 2**20


def timed(args: list[str], env: dict) -> tuple[float, float, float, str]:
    """(wall seconds, CPU seconds of the process tree, peak memory MB of the process tree,
    stdout) of one `warehouse` command. The CPU time is what a busy machine does not change
    much: on this shared 2-core machine, wall time is at least half of it."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "warehouse", *args], cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0.0
    cpu: dict[int, float] = {}
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, sample_tree(proc.pid, cpu))
            time.sleep(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate(timeout=1800)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    if proc.returncode != 0:
        sys.exit(f"warehouse {args[0]} failed ({proc.returncode}): {err[-2000:]}")
    # Each process's own CPU time as last sampled (the last 200 ms of each missed): rusage would
    # miss the pool's workers, whose forkserver nobody waits for.
    return wall, sum(cpu.values()), peak, out.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--corpus", choices=("distinct", "copies"), default="distinct")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "sitecustomize").mkdir()
        (tmp / "sitecustomize" / "sitecustomize.py").write_text(BREAK_PHOTO_CREDIT)
        env = {**os.environ, "PYTHONPATH": f"{tmp / 'sitecustomize'}{os.pathsep}{ROOT}"}
        env.pop("ARCHIVE_DIR", None)
        warc = tmp / "pages.warc.gz"
        raw = corpus(options.pages, warc, options.corpus)
        print(f"{options.pages} article pages ({options.corpus}), {raw / 2**20:.1f} MB of HTML, WARC {warc.stat().st_size / 2**20:.1f} MB")
        db = tmp / "w" / "w.duckdb"
        db.parent.mkdir()
        subprocess.run([sys.executable, "-m", "warehouse", "init", "--db", str(db)], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        runs = [
            ("import-warc (rule broken)", ["import-warc", str(warc), "--db", str(db)], {"BREAK_RULE": "photo_credit"}, 40),
            ("reparse (rule fixed: all change)", ["reparse", "--db", str(db)], {}, 30),
            ("reparse (again: all unchanged)", ["reparse", "--db", str(db)], {}, 30),
        ]
        for label, args, extra, target in runs:
            wall, cpu_s, peak, out = timed(args, {**env, **extra})
            rate = options.pages / wall
            print(f"{label:34s} {wall:6.1f} s wall ({rate:5.0f} pages/s; target <= {target} s at 10,000), "
                  f"{cpu_s:6.1f} s CPU, peak memory (PSS) {peak:6.0f} MB; load average {os.getloadavg()[0]:.1f}"
                  f"\n    {out}")
        with connect(db, read_only=True) as con:
            counts = con.execute("select count(*), count(photo_credit), max(version) from articles").fetchone()
        print(f"articles {counts[0]}, with a photo credit {counts[1]}, highest version {counts[2]}")


if __name__ == "__main__":
    main()
