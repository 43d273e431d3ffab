"""The warehouse keeps the names ../shared/CONTRACT.md fixes: tables, columns, views, commands.

The CONTRACT is parsed, not copied, so the two cannot drift (fundus checks its attribute
guidelines the same way). Item fields are checked against the loader's JSON columns.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from itemadapter import ItemAdapter

from crawler.items import ArticleItem, SimilarLink
from warehouse.cli import build_parser
from tests.conftest import PROJECT_ROOT, shared_file
from warehouse.config import SQL_DIR
from warehouse.loader import ARTICLE_COLUMNS, ARTICLE_FIELDS_NOT_STORED, JSON_COLUMNS


# Commands the CONTRACT names that belong to the WARC archive, a later issue: each must be
# absent until it is built (then it leaves this list), never a stub.
PENDING_COMMANDS: set[str] = set()

# Columns we add beyond the CONTRACT, each on purpose.
OUR_EXTRA_COLUMNS = {
    "crawl_runs": {"items_undated"},  # articles stored without a date: a silent-date-loss alarm
    # HTTP validators for conditional re-fetches, and the mark of an article that now answers 404/410
    "articles": {"etag", "last_modified", "gone_at"},
}


def _bullet_list(text: str) -> list[str]:
    """The first bullet list in `text`: one string per bullet, continuation lines joined."""
    bullets: list[str] = []
    for line in text.splitlines():
        if line.startswith("- "):
            bullets.append(line)
        elif bullets and line.startswith((" ", "\t")):
            bullets[-1] += " " + line.strip()
        elif bullets and line.strip():
            break  # the paragraph after the list
    return bullets


def _columns(text: str) -> dict[str, list[str]]:
    """'- `name`: `col` (note), `col2` ...' bullets -> name: [cols]."""
    items: dict[str, list[str]] = {}
    for bullet in _bullet_list(text):
        match = re.match(r"- `(\w+)`:(.*)", bullet)
        if not match:
            continue
        rest = match[2]
        while re.search(r"\([^()]*\)", rest):  # notes in parentheses name values, not columns
            rest = re.sub(r"\([^()]*\)", "", rest)
        items[match[1]] = re.findall(r"`(\w+)`", rest)
    return items


def parse_contract(text: str) -> tuple[dict[str, list[str]], dict[str, list[str]], list[str]]:
    """(tables, views, warehouse subcommands) as the CONTRACT names them. A view described as
    "`table` plus `col`" has the table's columns and the ones named after."""
    warehouse = text.split("## Warehouse (DuckDB)", 1)[1]
    tables = _columns(warehouse.split("\nTables:", 1)[1])
    views = _columns(warehouse.split("\nViews", 1)[1])
    for bullet in _bullet_list(warehouse.split("\nViews", 1)[1]):
        match = re.match(r"- `(\w+)`: `(\w+)` plus ", bullet)
        if match and match[2] in tables:
            base = tables[match[2]]
            views[match[1]] = base + [c for c in views[match[1]][1:] if c not in base]
    commands = re.findall(r"^\| `warehouse ([\w-]+)", text, re.M)
    return tables, views, commands


@pytest.fixture(scope="module")
def contract():
    tables, views, commands = parse_contract(shared_file("CONTRACT.md").read_text(encoding="utf-8"))
    assert tables and views and commands, "CONTRACT layout changed: fix parse_contract"
    return tables, views, commands


def columns_of(db: Path, name: str) -> list[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return [r[0] for r in con.execute(
            "select column_name from information_schema.columns where table_name = $n order by ordinal_position",
            {"n": name}).fetchall()]


def test_the_parser_reads_the_contract(contract):
    tables, views, commands = contract
    assert set(tables) == {"articles", "article_versions", "similar_links", "captures", "crawl_runs", "crawl_errors"}
    assert tables["captures"] == ["url", "fetched_at", "status", "warc_file", "warc_offset", "warc_length",
                                  "payload_digest", "run_id"]
    assert views["stg_articles"] == tables["articles"] + ["published_on"]
    assert tables["similar_links"] == ["src_url", "dst_url", "dst_title", "position"]
    assert views["similarity_content"] == ["url_a", "url_b", "score", "rank"]
    assert "query" in commands and "export" in commands


def test_tables_have_exactly_the_contract_columns(contract, db_path):
    tables, _, _ = contract
    for table, columns in tables.items():
        got = columns_of(db_path, table)
        assert got, f"table {table} is missing from the migrated warehouse"
        expected = set(columns) | OUR_EXTRA_COLUMNS.get(table, set())
        assert set(got) == expected, (
            f"{table}: missing {sorted(expected - set(got))}, not in CONTRACT {sorted(set(got) - expected)}"
        )


def test_contract_views_exist_with_their_columns(contract, db_path):
    _, views, _ = contract
    present = {p.stem for p in (SQL_DIR / "views").glob("*.sql")}
    missing_files = sorted(set(views) - present)
    for view, columns in views.items():
        if view not in present:
            continue
        got = columns_of(db_path, view)
        assert got, f"sql/views/{view}.sql exists but the view is not in the migrated warehouse"
        assert set(columns) <= set(got), f"view {view} lacks CONTRACT column(s) {sorted(set(columns) - set(got))}"
    if missing_files:
        pytest.skip(f"sql/views has no file yet for: {', '.join(missing_files)}")


def test_cli_has_every_contract_command(contract):
    _, _, commands = contract
    parser = build_parser()
    choices = next(a for a in parser._actions if a.dest == "command").choices
    assert PENDING_COMMANDS <= set(commands), "a pending command left the CONTRACT: drop it from PENDING_COMMANDS"
    assert set(commands) - PENDING_COMMANDS <= set(choices)
    built = PENDING_COMMANDS & set(choices)
    assert not built, f"{sorted(built)} exist now: drop them from PENDING_COMMANDS"


def test_loader_columns_are_the_item_fields():
    fields = set(ItemAdapter.get_field_names_from_class(ArticleItem))
    assert set(ARTICLE_COLUMNS) <= fields, f"loader reads non-item fields {sorted(set(ARTICLE_COLUMNS) - fields)}"
    unread = fields - set(ARTICLE_COLUMNS) - ARTICLE_FIELDS_NOT_STORED
    assert not unread, f"ArticleItem fields the loader would drop silently: {sorted(unread)}"
    link_fields = ItemAdapter.get_field_names_from_class(SimilarLink)
    assert JSON_COLUMNS["similar_links"] == "STRUCT(" + ", ".join(
        f"{f} {'INTEGER' if f == 'position' else 'VARCHAR'}" for f in link_fields) + ")[]"


def test_loader_article_columns_exist_in_the_tables(db_path):
    stored = set(columns_of(db_path, "articles")) | {"similar_links"}
    assert set(ARTICLE_COLUMNS) <= stored


def test_the_warehouse_package_never_imports_scrapy():
    modules = ["warehouse", "warehouse.cli", "warehouse.loader", "warehouse.spool", "warehouse.migrate", "warehouse.coverage",
               "warehouse.export", "warehouse.status", "warehouse.output", "warehouse.db", "warehouse.config"]
    code = (f"import sys\nfor m in {modules!r}: __import__(m)\n"
            "bad = sorted(m for m in sys.modules if m == 'scrapy' or m.startswith('scrapy.'))\n"
            "print(','.join(bad))")
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"warehouse imports scrapy: {done.stdout}"
