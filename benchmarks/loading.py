"""Loading benchmark: items per second through the warehouse loader against DuckDB's read_json.

    python benchmarks/loading.py [--items 50000] [--rounds 5] [--batch-sizes 500]

The items are real ArticleItems (the offline site's ground truth: titles, bodies of about 500
words, dates, statuses, credits, similar links; copied under new URLs up to --items), enriched
as the crawl does (word count, content hash) and written by the real Spool in batches of each
batch size, as the crawl writes them. Each round, in alternating order, on a copy of a freshly
migrated warehouse:

  read_json   one `insert into articles select ... from read_json(<all items as one JSONL>)`:
              DuckDB's own bulk rate into that one table, nothing else;
  read_json, 3 tables
              read_json into the three tables a load of new items fills (articles,
              article_versions, similar_links), one statement each: the same items into the
              same schema, the least any loader of this schema writes;
  loader N    Warehouse.load_spool on the batch files of size N, as `warehouse load` and a
              crawl's flush run it (versions, similar links, errors, the batch ledger: everything
              a crawl's load does);
  unchanged   the same items loaded again by the loader, from another run's batches (of the
              crawl's default size), into a warehouse that already holds them: a full recrawl
              of a site where nothing changed.

Figures: items/s of each side, and the median over rounds of its per-round ratio to each read_json side.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import duckdb  # noqa: E402
from itemadapter import ItemAdapter  # noqa: E402

from common import Ratio, interleaved, site_with, spread  # noqa: E402
from crawler.extraction.text import word_count  # noqa: E402
from crawler.items import ArticleItem, SimilarLink  # noqa: E402
from crawler.pipelines import content_hash  # noqa: E402
from crawler.settings import WAREHOUSE_BATCH_SIZE  # noqa: E402
from warehouse import Spool, Warehouse  # noqa: E402
from warehouse.loader import JSON_COLUMNS  # noqa: E402

BASE = "https://belarusinfocus.info"
RULES = {"title": "structure", "published_at": "structure", "category_status": "label",
         "photo_credit": "label", "body": "structure", "similar_links": "label"}
STORED = ("url, site, language, category, title, published_at, category_status, photo_credit, body, "
          "word_count, content_hash, etag, last_modified")


def make_items(count: int) -> list[ArticleItem]:
    """`count` article items as the pipelines hand them to the spool."""
    site = site_with(2000)
    articles = site.expected_articles()
    items = []
    for index in range(count):
        article = articles[index % len(articles)]
        copy = index // len(articles)
        suffix = f"--{copy}" if copy else ""  # slugs never hold "--"
        body = article.body if not copy else f"Copy {copy}. " + article.body
        item = ArticleItem(
            url=BASE + article.path + suffix, site=BASE, language=article.language, category=article.category,
            title=article.title, published_at=article.published_at, category_status=article.category_status,
            photo_credit=article.photo_credit, body=body,
            similar_links=[SimilarLink(url=BASE + path + suffix, title=title, position=position)
                           for path, title, position in article.similar_links],
            rules=dict(RULES), etag=f'"{index:020x}"', last_modified="Mon, 18 Sep 2017 07:50:00 GMT",
        )
        item.word_count = word_count(body)
        item.content_hash = content_hash(ItemAdapter(item))
        items.append(item)  # Spool.append_article takes the dataclass: the dict the pipeline would give
    return items


def write_batches(items: list[ArticleItem], directory: Path, run_id: str, size: int, fetched_at: datetime) -> list[Path]:
    batches = []
    with Spool(directory, run_id) as spool:
        for item in items:
            spool.append_article(item, fetched_at=fetched_at)
            if spool.pending >= size:
                batches.append(spool.seal())
        last = spool.seal()
    return batches + ([last] if last else [])


class Setup:
    """Batch files, the JSONL file and the warehouse templates, made once."""

    def __init__(self, work: Path, items: int, batch_sizes: list[int]):
        self.work = work
        self.items = make_items(items)
        first = datetime(2026, 1, 1, tzinfo=timezone.utc)
        self.batches = {size: write_batches(self.items, work / f"spool-{size}", f"first{size}", size, first)
                        for size in batch_sizes}
        self.again = write_batches(self.items, work / "spool-again", "again", WAREHOUSE_BATCH_SIZE,
                                   first + timedelta(days=1))
        self.jsonl = work / "items.jsonl"
        with open(self.jsonl, "wb") as out:
            for batch in self.batches[batch_sizes[0]]:
                out.write(batch.read_bytes())
        self.empty = work / "empty.duckdb"
        Warehouse(self.empty).init(refresh=False)
        self.loaded: Path | None = None  # a warehouse holding the items: the first loader result
        self.serial = 0

    def copy_of(self, template: Path) -> Path:
        self.serial += 1
        target = self.work / f"run-{self.serial}.duckdb"
        shutil.copy(template, target)
        return target

    def done(self, db: Path) -> None:
        db.unlink()
        Path(f"{db}.wal").unlink(missing_ok=True)


def read_json_side(setup: Setup) -> float:
    db = setup.copy_of(setup.empty)
    started = time.perf_counter()
    with duckdb.connect(str(db)) as con:
        con.execute(
            f"""
            insert into articles ({STORED}, version, first_seen_at, last_seen_at, last_changed_at)
            select {STORED}, 1, fetched_at, fetched_at, fetched_at
            from read_json($path, columns = $columns, format = 'newline_delimited')
            where record = 'article'
            """,
            {"path": str(setup.jsonl), "columns": JSON_COLUMNS},
        )
    seconds = time.perf_counter() - started
    setup.done(db)
    return seconds


def three_tables_side(setup: Setup) -> float:
    """read_json into the three tables a load of new articles writes: the bulk floor of the schema."""
    db = setup.copy_of(setup.empty)
    started = time.perf_counter()
    with duckdb.connect(str(db)) as con:
        con.begin()
        con.execute(
            "create temp table raw as select * from read_json($path, columns = $columns, "
            "format = 'newline_delimited') where record = 'article'",
            {"path": str(setup.jsonl), "columns": JSON_COLUMNS},
        )
        con.execute(f"insert into articles ({STORED}, version, first_seen_at, last_seen_at, last_changed_at) "
                    f"select {STORED}, 1, fetched_at, fetched_at, fetched_at from raw")
        con.execute("insert into article_versions (url, version, content_hash, title, published_at, category_status, "
                    "photo_credit, body, captured_at) select url, 1, content_hash, title, published_at, "
                    "category_status, photo_credit, body, fetched_at from raw")
        con.execute("insert into similar_links (src_url, dst_url, dst_title, position) "
                    "select url, l.url, l.title, l.position from (select url, unnest(similar_links) as l from raw)")
        con.commit()
    seconds = time.perf_counter() - started
    setup.done(db)
    return seconds


def loader_side(setup: Setup, template: Path, batches: list[Path]) -> float:
    db = setup.copy_of(template)
    warehouse = Warehouse(db)
    spool = setup.work / f"spool-of-{db.stem}"  # hard links: the loader deletes what it loaded
    spool.mkdir()
    for batch in batches:
        os.link(batch, spool / batch.name)
    started = time.perf_counter()
    result = warehouse.load_spool(spool)  # what `warehouse load` and a crawl's flush run
    seconds = time.perf_counter() - started
    if result.batches != len(batches) or result.failed:
        sys.exit(f"the batches did not load: {result.summary()}")
    spool.rmdir()
    if setup.loaded is None and template == setup.empty:
        setup.loaded = db  # kept: the unchanged reload starts from it
    else:
        setup.done(db)
    return seconds


def unchanged_side(setup: Setup) -> float:
    if setup.loaded is None:  # no loader side ran yet: make the loaded warehouse, untimed
        loader_side(setup, setup.empty, setup.batches[min(setup.batches)])
    return loader_side(setup, setup.loaded, setup.again)


def measure(items: int = 50000, rounds: int = 5, batch_sizes: list[int] | None = None) -> dict:
    batch_sizes = batch_sizes or [WAREHOUSE_BATCH_SIZE]
    with tempfile.TemporaryDirectory() as tmp:
        setup = Setup(Path(tmp), items, batch_sizes)
        sides = {"read_json": lambda: read_json_side(setup), "read_json, 3 tables": lambda: three_tables_side(setup)}
        for size in batch_sizes:
            sides[f"loader {size}"] = lambda size=size: loader_side(setup, setup.empty, setup.batches[size])
        sides["unchanged"] = lambda: unchanged_side(setup)
        runs = interleaved(rounds, sides)
    rates = {name: [items / s for s in seconds] for name, seconds in runs.items()}
    return {
        "items": items,
        "batch_sizes": batch_sizes,
        "rates": rates,
        "ratios": {name: Ratio.of(rates[name], rates["read_json"]) for name in rates if name != "read_json"},
        # against read_json into the three tables a load of new items fills: the schema's own ceiling
        "ratios_schema": {name: Ratio.of(rates[name], rates["read_json, 3 tables"])
                          for name in rates if not name.startswith("read_json")},
        "unchanged_vs_first": Ratio.of(rates["unchanged"], rates[f"loader {batch_sizes[0]}"]),
    }


class _TimedConnection:
    """A DuckDB connection that adds up the wall time of each kind of call on it."""

    def __init__(self, con, seconds: dict):
        self._con, self._seconds = con, seconds

    def _timed(self, kind: str, call, *args):
        started = time.perf_counter()
        try:
            return call(*args)
        finally:
            self._seconds[kind] = self._seconds.get(kind, 0.0) + time.perf_counter() - started

    def execute(self, *args):
        return self._timed("execute", self._con.execute, *args)

    def commit(self):
        return self._timed("commit", self._con.commit)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        # closing the last connection checkpoints the file
        return self._timed("close (checkpoint)", self._con.__exit__, *exc_info)

    def __getattr__(self, name):
        return getattr(self._con, name)


def profile(items: int = 50000, batch_sizes: list[int] | None = None) -> None:
    """One pass of each loader side with the time of each kind of DuckDB call: connect, execute
    (the SQL of sql/load), commit, close (the checkpoint), and what is left (Python)."""
    from warehouse import loader as loader_module

    batch_sizes = batch_sizes or [WAREHOUSE_BATCH_SIZE, 5000]
    original = loader_module.connect
    with tempfile.TemporaryDirectory() as tmp:
        setup = Setup(Path(tmp), items, batch_sizes)
        passes = [(f"loader {size}", lambda size=size: loader_side(setup, setup.empty, setup.batches[size]))
                  for size in batch_sizes] + [("unchanged", lambda: unchanged_side(setup))]
        for name, run in passes:
            seconds: dict[str, float] = {}

            def connect(*args, **kwargs):
                started = time.perf_counter()
                con = original(*args, **kwargs)
                seconds["connect"] = seconds.get("connect", 0.0) + time.perf_counter() - started
                return _TimedConnection(con, seconds)

            loader_module.connect = connect
            try:
                total = run()
            finally:
                loader_module.connect = original
            seconds["other"] = total - sum(seconds.values())
            parts = ", ".join(f"{kind} {value:.1f} s ({100 * value / total:.0f} %)" for kind, value in seconds.items())
            print(f"{name}: {total:.1f} s = {parts}")


def report(result: dict) -> None:
    print(f"loading {result['items']} items:")
    for name, rates in result["rates"].items():
        ratio = f"; vs read_json {result['ratios'][name]}" if name in result["ratios"] else ""
        if name in result["ratios_schema"]:
            ratio += f"; vs read_json into the 3 tables {result['ratios_schema'][name]}"
        print(f"  {name:>12}: {spread(rates, 0)} items/s{ratio}")
    print(f"  unchanged (batches of {WAREHOUSE_BATCH_SIZE}) vs first load (batches of {result['batch_sizes'][0]}): "
          f"{result['unchanged_vs_first']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batch-sizes", type=int, nargs="+", help="default: the crawl's (500)")
    parser.add_argument("--profile", action="store_true", help="instead: one pass of each loader side, timing each kind of DuckDB call")
    args = parser.parse_args(argv)
    if args.profile:
        profile(args.items, args.batch_sizes)
        return 0
    report(measure(args.items, args.rounds, args.batch_sizes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
