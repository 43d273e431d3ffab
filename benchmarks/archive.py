"""Archive benchmark: what keeping every page in WARC costs a crawl, on disk, and to read back.

    python benchmarks/archive.py [--articles 1000] [--rounds 4] [--theme classic]

Throughput: each round crawls the offline site (a fresh server, a fresh warehouse) with the
archive on and with `-s ARCHIVE_ENABLED=0`, in alternating order; pages per second = requests the
server answered / wall time of the `scrapy` process. The figure is the median of the per-round
ratios on / off (target ≥ 0.95×). On a shared machine that ratio is noisy; the crawl's own count
of the time it spent writing the archive (stat `archive/write_seconds`) is not.

Size, from each archived crawl: the archive's bytes (every file: warcinfo, request, response
records) per 1,000 article pages, and as a share of the raw bytes of the pages it holds (the
response payloads as received; target ≤ 0.3×); also the share of the page bodies gzipped one by
one, the floor any gzip-per-record WARC can reach.

Read-back: the median time of `read_capture` for one page by its capture row (file, offset,
length), over every 200 response of the last archived crawl, in a shuffled order.
"""

from __future__ import annotations

import argparse
import gzip
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Ratio, interleaved, run_process, site_with, spread  # noqa: E402
from warehouse.archive import completed_files, index_warc, read_capture, scan_warc  # noqa: E402
from warehouse.demo_site import DemoServer  # noqa: E402


def crawl(site, theme: str, archive: bool) -> dict:
    with tempfile.TemporaryDirectory() as tmp, DemoServer(site, theme=theme) as server:
        db = Path(tmp) / "warehouse.duckdb"
        cmd = [sys.executable, "-m", "scrapy", "crawl", "belarusinfocus", "-a", f"base_url={server.base_url}",
               "-s", f"WAREHOUSE_PATH={db}", "-s", "LOG_LEVEL=INFO", "-s", f"ARCHIVE_ENABLED={int(archive)}"]
        proc = run_process(cmd).check("scrapy crawl belarusinfocus")
        result = {"pages": len(server.requests), "wall_s": proc.wall_s, "cpu_s": proc.cpu_s,
                  "pages_per_s": len(server.requests) / proc.wall_s}
        if archive:
            result.update(archive_figures(Path(tmp) / "archive", site))
            # The time the crawl spent writing the archive, as the crawl's own stats count it.
            spent = re.search(r"'archive/write_seconds': ([\d.]+)", proc.stderr)
            result["write_ms"] = 1000 * float(spent.group(1)) / result["pages"] if spent else float("nan")
    return result


def archive_figures(archive: Path, site) -> dict:
    files = completed_files(archive)
    if not files:
        sys.exit(f"the archived crawl wrote no WARC file under {archive}")
    article_paths = {a.path for a in site.expected_articles()}
    disk = sum((archive / name).stat().st_size for name in files)
    payload = gzipped = article_pages = 0
    rows = []
    for name in files:
        for record in scan_warc(archive / name, bodies=True):
            if record.record_type == "response" and record.body:
                payload += len(record.body)
                gzipped += len(gzip.compress(record.body, 6))
                article_pages += "/" + record.url.split("/", 3)[3] in article_paths
        rows += [row for row in index_warc(archive, name) if row["status"] == 200]
    random.Random(1).shuffle(rows)
    timings = []
    for row in rows:
        started = time.perf_counter()
        read_capture(archive, row["warc_file"], row["warc_offset"], row["warc_length"])
        timings.append(time.perf_counter() - started)
    return {"files": len(files), "disk_bytes": disk, "payload_bytes": payload, "gzipped_bytes": gzipped,
            "article_pages": article_pages, "read_ms": 1000 * statistics.median(timings), "reads": len(timings)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--theme", default="classic")
    args = parser.parse_args(argv)
    site = site_with(args.articles)
    runs = interleaved(args.rounds, {"on": lambda: crawl(site, args.theme, True),
                                     "off": lambda: crawl(site, args.theme, False)})
    on, off = runs["on"], runs["off"]
    print(f"{len(site.expected_articles())} articles, theme {args.theme}, {on[0]['pages']} requests a crawl")
    print(f"throughput: archive on {spread([r['pages_per_s'] for r in on])} pages/s, "
          f"off {spread([r['pages_per_s'] for r in off])} pages/s; "
          f"ratio {Ratio.of([r['pages_per_s'] for r in on], [r['pages_per_s'] for r in off])}")
    print(f"  CPU per page: on {spread([1000 * r['cpu_s'] / r['pages'] for r in on], 2)} ms, "
          f"off {spread([1000 * r['cpu_s'] / r['pages'] for r in off], 2)} ms")
    print(f"  time spent writing the archive, in the crawl: {spread([r['write_ms'] for r in on], 2)} ms per page "
          f"({spread([100 * r['write_ms'] * r['pages'] / 1000 / r['wall_s'] for r in on])} % of the crawl's wall time)")
    last = on[-1]
    per_1000 = last["disk_bytes"] / last["article_pages"] * 1000
    print(f"size: {last['disk_bytes'] / 1e6:.2f} MB in {last['files']} file(s) for {last['article_pages']} article "
          f"pages ({last['reads']} 200 responses): {per_1000 / 1e6:.2f} MB per 1,000 article pages")
    print(f"  share of the raw page bytes ({last['payload_bytes'] / 1e6:.2f} MB): "
          f"{last['disk_bytes'] / last['payload_bytes']:.3f}×; the bodies gzipped one by one: "
          f"{last['gzipped_bytes'] / last['payload_bytes']:.3f}×")
    print(f"read back one page by its capture row: median {spread([r['read_ms'] for r in on], 3)} ms "
          f"(per crawl, over its {last['reads']} pages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
