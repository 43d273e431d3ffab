"""Where a crawl's time goes: `scrapy crawl belarusinfocus` under py-spy, summarised.

    python benchmarks/profile_crawl.py [--articles 2000] [--top 40] [--raw crawl.txt]

Samples the crawl process (100 Hz, the "bench" extra's py-spy) against the offline site and
prints the share of samples in which each function is on the stack (inclusive) and on top of it
(self). The notes in benchmarks/README.md quote this output.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import run_process, site_with  # noqa: E402
from crawl import project_cmd  # noqa: E402
from warehouse.demo_site import DemoServer  # noqa: E402

# Where the time goes, by what the crawl is doing: the first bucket whose function is on a sample's
# stack takes the sample.
BUCKETS = (
    ("final similarity refresh (Warehouse.refresh)", ("Warehouse.refresh ",)),
    ("warehouse loads (Warehouse.load_batch / load_spool)", ("Warehouse.load_spool ", "Warehouse.load_batch ")),
    ("term counts after each load (Warehouse.count_terms)", ("Warehouse.count_terms ",)),
    ("other warehouse calls (runs, coverage, known articles)", ("(warehouse/",)),
    ("article extraction (ArticlePage.to_item)", ("ArticlePage.to_item ",)),
    ("link discovery on article pages (ArticlePage.links)", ("ArticlePage.links ",)),
    ("spider: turning links into requests (_follow_links, _article_request)",
     ("BelarusInFocusSpider._follow_links ", "BelarusInFocusSpider._article_request ")),
    ("listing pages (parse_listing)", ("BelarusInFocusSpider.parse_listing ",)),
    ("item pipelines (validate, dedup, enrich, spool)", ("ItemPipelineManager.", "(crawler/pipelines.py")),
    ("scheduling requests (engine, dupefilter, scheduler)", ("ExecutionEngine._schedule_request ", "Scheduler.")),
    ("spider middleware chain (depth, offsite, referer, ...)", ("(scrapy/spidermiddlewares/", "(scrapy/core/spidermw.py")),
    ("downloading (Scrapy's downloader, Twisted's TCP and HTTP)",
     ("(scrapy/core/downloader/", "(twisted/internet/tcp.py", "(twisted/web/", "(scrapy/downloadermiddlewares/")),
    ("start-up (imports)", ("_find_and_load ",)),
)

_FRAME = re.compile(r"^(?P<name>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")


def frame_name(frame: str) -> str:
    match = _FRAME.match(frame)
    if not match:
        return frame
    where = match["file"].split("site-packages/")[-1]
    return f"{match['name']} ({where})"


def summarise(raw: Path, top: int) -> None:
    inclusive: Counter = Counter()
    own: Counter = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        samples = int(count)
        total += samples
        frames = [frame_name(f) for f in stack.split(";")]
        for name in set(frames):
            inclusive[name] += samples
        own[frames[-1]] += samples
    buckets: Counter = Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        for name, needles in BUCKETS:
            if any(needle in stack for needle in needles):
                buckets[name] += int(count)
                break
        else:
            buckets["other (Scrapy's engine and scraper, the event loop)"] += int(count)
    print(f"{total} samples, by what the crawl was doing:")
    for name, samples in buckets.most_common():
        print(f"  {100 * samples / total:5.1f} %  {name}")
    print("inclusive:")
    for name, samples in inclusive.most_common(top):
        print(f"  {100 * samples / total:5.1f} %  {name}")
    print("self:")
    for name, samples in own.most_common(top // 2):
        print(f"  {100 * samples / total:5.1f} %  {name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--raw", type=Path, help="keep py-spy's raw (collapsed stacks) output here")
    args = parser.parse_args(argv)
    site = site_with(args.articles)
    with tempfile.TemporaryDirectory() as tmp, DemoServer(site) as server:
        raw = args.raw or Path(tmp) / "crawl.txt"
        cmd = ["py-spy", "record", "--rate", "100", "--format", "raw", "--output", str(raw), "--",
               *project_cmd(server.base_url, Path(tmp) / "warehouse.duckdb")]
        proc = run_process(cmd).check("py-spy record")
        print(f"crawl of {len(site.expected_articles())} articles: {len(server.requests)} requests in "
              f"{proc.wall_s:.1f} s under py-spy")
        summarise(raw, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
