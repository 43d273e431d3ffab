"""`warehouse`: the command line over the Python API (init, query, export, status, load, report, reparse,
import-warc, demo).

Exit codes:
    0  ok
    1  failure: missing warehouse, failed query or export, unwritable path, batch not loaded
    2  usage error: bad arguments, SQL syntax error, a write statement given to `query`,
       unknown table or view, a command not implemented yet
    3  the warehouse is locked (busy) by another process: retry when it has finished
  130  interrupted (Ctrl-C)
  SIGTERM or SIGHUP: the command cleans up (a reparse or import records its run as stopped), says
       so in one line, then ends by the signal as the sender meant (143 and 129 in a shell)

Every error is one line on stderr, "warehouse: error: <what is wrong and what to do>".
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

import duckdb

from . import export as export_mod
from . import migrate
from .config import resolve_db_path, resolve_spool_dir, resolve_staging_dir
from .db import WarehouseError, WarehouseUsageError, check_complete, one_line, require_existing, translated
from .loader import LoadResult, Warehouse
from .output import FORMATS, escape_controls, render, render_json
from .spool import check_folder
from .spool_owner import foreign_line, legacy_folder
from .spooled_runs import clear_refresh_pending, record_spooled_runs, refresh_pending
from .stop_signals import stop_signals_raise
from .query import run_query
from .status import status

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3
EXIT_INTERRUPTED = 130


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (no usage dump) and an exception main() prints."""

    def error(self, message: str):  # type: ignore[override]
        raise WarehouseUsageError(f"{message} (see `{self.prog} --help`)")


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", metavar="PATH",
        help="warehouse file (default: WAREHOUSE_PATH from the environment, else data/warehouse.duckdb)",
    )


def _sub(subparsers, name: str, summary: str, example: str, description: str | None = None) -> argparse.ArgumentParser:
    return subparsers.add_parser(
        name, help=summary, description=textwrap.fill(description or summary, 78),
        epilog=f"example:\n  {example}", formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="warehouse",
        description="The Belarus in Focus warehouse (DuckDB): create it, query it, export it, check it.",
        epilog=__doc__.split("\n", 2)[2] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = _sub(sub, "init", "create or migrate the schema and (re)create every view from sql/",
             "warehouse init --db data/warehouse.duckdb")
    _add_db(p)

    p = _sub(sub, "query", "run one read-only query and print its rows",
             "warehouse query \"select category, count(*) from articles group by all\" --format csv",
             description="Run one read-only SQL statement (SELECT, WITH, SHOW, DESCRIBE, EXPLAIN) on a "
                         "read-only connection that reaches the warehouse and nothing else (no files, URLs, "
                         "other databases or extensions) and print its rows; control characters in values "
                         "are shown escaped in the table format. SQL '-' reads the statement from stdin.")
    p.add_argument("sql", metavar="SQL", help="one read-only statement, or - to read it from stdin")
    p.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    _add_db(p)

    p = _sub(sub, "export", "write a table or view to a parquet, csv or jsonl file",
             "warehouse export trend_monthly --format parquet --out exports/trend_monthly.parquet",
             description="Write a table or view to a file for other tools. Timestamps keep their instant: "
                         "Parquet stores them as UTC, CSV and JSON lines write ISO-8601 with a +00:00 offset. "
                         "The file appears whole or not at all.")
    p.add_argument("name", metavar="NAME", help="table or view to export")
    p.add_argument("--format", choices=tuple(export_mod.FORMATS), required=True, help="file format")
    p.add_argument("--out", metavar="PATH", required=True, help="file to write (replaced if it exists)")
    _add_db(p)

    p = _sub(sub, "status", "recent crawl runs, counts, field coverage, failing data checks",
             "warehouse status --db data/warehouse.duckdb")
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    _add_db(p)

    p = _sub(sub, "load", "load items left in the spool or staging area by earlier crawls, exactly once",
             "warehouse load --staging data/staging",
             description="Load every sealed batch (and the complete lines of crashed runs' unfinished "
                         "batches) from the spool, and every complete Parquet batch of a shared crawl's "
                         "workers from the staging area, each exactly once in one transaction, deleting each "
                         "batch file once it is committed. For the staging area it also records the workers' "
                         "runs in crawl_runs and writes known.json, what the next workers need to crawl "
                         "incrementally.")
    p.add_argument("--staging", metavar="DIR",
                   help="staging folder of a shared (Redis) crawl (default: STAGING_DIR, else data/staging)")
    p.add_argument("--spool", metavar="DIR",
                   help="spool folder of local crawls (default: SPOOL_DIR, else <warehouse file>.spool/ beside it)")
    _add_db(p)

    p = _sub(sub, "report", "write a self-contained HTML report of the trends and the crawl's health",
             "warehouse report --out report.html --since 2017-01 --category economy",
             description="Write one HTML file (charts as inline SVG, nothing loaded from the network) of "
                         "articles per month per category, the category-status mix, rising terms, the latest "
                         "articles' neighbours and the crawl's health. Every number is a row of a query in "
                         "sql/report/ over the views and run tables, read on a read-only connection.")
    p.add_argument("--out", metavar="FILE", required=True, help="HTML file to write (replaced if it exists)")
    p.add_argument("--since", metavar="YYYY-MM", help="first month of the trends (default: all months)")
    p.add_argument("--category", metavar="C", help="one category (section slug, e.g. economy; default: all)")
    _add_db(p)

    p = _sub(sub, "reparse", "extract every archived article page again with the current extractor, fetching nothing",
             "warehouse reparse --since 2026-01-01 --url '%/economy/%'",
             description="Read each stored article's newest archived page (status 200) back from the WARC "
                         "archive, extract it with the current extractor and load the result like a crawl's: "
                         "a changed result is a new version, an unchanged one changes nothing, a page that no "
                         "longer parses is a crawl_errors row and keeps its stored version. Recorded in "
                         "crawl_runs (spider 'reparse'); safe to interrupt and run again.")
    p.add_argument("--since", metavar="DATE", help="only pages captured on or after DATE (YYYY-MM-DD)")
    p.add_argument("--url", metavar="LIKE", help="only articles whose url matches this SQL LIKE pattern")
    _add_db(p)

    p = _sub(sub, "import-warc", "load the article pages of WARC files (e.g. a web archive's captures of the site)",
             "warehouse import-warc captures-2015.warc.gz wget.warc",
             description="Copy each WARC file (gzip or plain) into the archive (ARCHIVE_DIR/imported/), index "
                         "it in captures, and load every response record of an article page on one of the "
                         "site's hosts through the crawl's extraction, dedup and versioning; captures of one "
                         "article from several dates become versions in date order. Other records load nothing "
                         "and are counted. A damaged file: its complete records are loaded, then one line "
                         "says where it broke (exit 1). Running it again adds nothing twice.")
    p.add_argument("files", metavar="FILE", nargs="+", help="WARC files (.warc or .warc.gz)")
    _add_db(p)

    p = _sub(sub, "demo", "serve the bundled offline site on loopback, crawl it, print trend tables",
             "warehouse demo")
    p.add_argument("--db", metavar="PATH", help="warehouse file for the demo (default: data/demo.duckdb)")
    p.add_argument("--theme", choices=("weekly", "classic", "modern", "broken"), default="weekly",
                   help="how the offline site renders: weekly (as the live site now, the default) or a dated theme")
    return parser


# -- commands ---------------------------------------------------------------------------------

def cmd_init(args) -> int:
    db = resolve_db_path(args.db)
    result = Warehouse(db).init()
    applied = f"applied {', '.join(result.applied)}" if result.applied else "schema up to date"
    print(f"warehouse {db}: {applied}; {len(result.views)} view(s) (re)created")
    return EXIT_OK


def cmd_query(args) -> int:
    sql = sys.stdin.read() if args.sql == "-" else args.sql
    columns, rows = run_query(resolve_db_path(args.db), sql)
    print(render(columns, rows, args.format))
    return EXIT_OK


def cmd_export(args) -> int:
    out = export_mod.export(resolve_db_path(args.db), args.name, args.format, args.out)
    print(f"exported {args.name} to {out}")
    return EXIT_OK


def cmd_status(args) -> int:
    sections = status(resolve_db_path(args.db))
    if args.format == "json":
        document = {s.title: json.loads(render_json(s.columns, s.rows)) for s in sections}
        print(json.dumps(document, ensure_ascii=False, indent=2))
        return EXIT_OK
    blocks = []
    for s in sections:
        block = f"== {s.title}" + (f" ({s.note})" if s.note else "")
        if s.rows:
            block += "\n" + render(s.columns, s.rows, "table")
        blocks.append(block)
    print("\n\n".join(blocks))
    return EXIT_OK


def cmd_load(args) -> int:
    db = require_existing(resolve_db_path(args.db))  # a mistyped --db is an error, not a new warehouse
    check_complete(db)  # a file cut short takes no batch: they wait in the spool
    folders: dict[Path, str] = {}
    # Folders named on the command line must exist; defaults are simply skipped when absent.
    for given, resolved, kind in ((args.spool, resolve_spool_dir(args.spool, db_path=db), "spool"),
                                  (args.staging, resolve_staging_dir(args.staging), "staging")):
        if kind == "spool":
            check_folder(resolved)  # a file where the folder should be, a folder it may not read: one line
        if given is not None and not resolved.is_dir():
            raise WarehouseUsageError(f"no folder {resolved}: check the path")
        # the old shared spool/ beside the file: this warehouse's batches there move into its own
        if resolved.is_dir() or (kind == "spool" and given is None and legacy_folder(db, resolved)):
            folders.setdefault(resolved, kind)
    warehouse = Warehouse(db)
    migrate.init(db)  # brings an older warehouse's schema up to date; a no-op when it is
    total = LoadResult()
    for folder, kind in folders.items():
        # The spool holds JSON-lines batches of local crawls; the staging area, Parquet batches of a
        # shared crawl's workers, their run manifests and the snapshot the next workers read.
        total += warehouse.load_spool(folder) if kind == "spool" else warehouse.load_staging(folder)
    if not folders:  # else each load indexed the archive already
        total.indexed = warehouse.index_archive()
    spools = [folder for folder, kind in folders.items() if kind == "spool"]
    for folder in spools:  # rows of runs that ended with this warehouse busy (warehouse/spooled_runs.py)
        record_spooled_runs(warehouse, folder)
    pending = [folder for folder in spools if refresh_pending(folder)]
    if total.new or total.updated or total.moved or pending:
        warehouse.refresh()
        for folder in pending:
            clear_refresh_pending(folder)
    print(f"warehouse {db}: {total.summary()}")
    for batch, why in total.failed:
        print(f"warehouse: error: {why}; the file stays in place (`warehouse status` says how to mend it)",
              file=sys.stderr)
    if total.foreign and spools:  # not this warehouse's to load: a warning, not a failure of this load
        print(f"warehouse: warning: {foreign_line(spools[0], total.foreign)}", file=sys.stderr)
    return EXIT_FAILURE if total.failed else EXIT_OK


def cmd_report(args) -> int:
    from . import report  # lazy: only this command draws charts

    return report.main(args)


# What a stopped reparse or import leaves: its spooled records, which its next run loads first.
KEPT = "the pages it extracted are kept and load first when it runs again"


def cmd_reparse(args) -> int:
    from . import reparse  # lazy: it loads the crawler's extraction

    since = reparse.parse_since(args.since)
    with stop_signals_raise("reparse", notice=KEPT):
        result = reparse.reparse(resolve_db_path(args.db), since=since, url_like=args.url)
    print(f"warehouse {resolve_db_path(args.db)}: {result.summary()}")
    if result.unreadable:
        print(f"warehouse: error: {result.unreadable} archived page(s) could not be read and keep their stored "
              f"versions: `warehouse query \"select url, message from crawl_errors where run_id = "
              f"'{result.run_id}' and kind = 'archive'\"` says why", file=sys.stderr)
        return EXIT_FAILURE
    return EXIT_OK


def cmd_import_warc(args) -> int:
    from . import importer  # lazy: it loads the crawler's extraction

    with stop_signals_raise("import-warc", notice=KEPT):
        result = importer.import_warcs(args.files, resolve_db_path(args.db))
    print(f"warehouse {resolve_db_path(args.db)}: {result.summary()}")
    for damage in result.damaged:
        print(f"warehouse: error: {damage}; every complete record before it was loaded", file=sys.stderr)
    return EXIT_FAILURE if result.damaged else EXIT_OK


def cmd_demo(args) -> int:
    from . import demo  # lazy: it pulls in the demo site and starts a crawl

    return demo.main(args)


COMMANDS = {
    "init": cmd_init, "query": cmd_query, "export": cmd_export, "status": cmd_status,
    "load": cmd_load, "report": cmd_report, "demo": cmd_demo, "reparse": cmd_reparse,
    "import-warc": cmd_import_warc,
}


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (see the module docstring)."""
    args = None
    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command](args) or EXIT_OK
    except WarehouseError as exc:
        # a message may quote a page's text: no control sequence of it reaches the terminal
        print(f"warehouse: error: {escape_controls(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except duckdb.Error as exc:  # met mid-command: a damaged block, a full disk, else DuckDB's own words
        db = resolve_db_path(getattr(args, "db", None))
        error = translated(db, exc) or WarehouseError(f"DuckDB failed on {db}: {one_line(exc)}")
        print(f"warehouse: error: {error}", file=sys.stderr)
        return error.exit_code
    except SystemExit as exc:  # --help and --version exit through argparse
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except KeyboardInterrupt:
        print("warehouse: error: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `warehouse query ... | head`
        return EXIT_OK
