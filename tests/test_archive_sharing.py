"""Two warehouses in one folder share the default archive/ folder beside them: each indexes only
the files its own runs wrote, and the files import-warc copied in for it."""

from __future__ import annotations

import duckdb
import pytest

from tests.test_archive import run_crawl
from warehouse.archive import completed_files, resolve_archive_dir
from warehouse.demo_site import DemoServer, build_site


def captured_runs(db) -> tuple[set[str], set[str], int]:
    with duckdb.connect(str(db), read_only=True) as con:
        runs = {r for (r,) in con.execute("select run_id from crawl_runs").fetchall()}
        files = {f for (f,) in con.execute("select distinct warc_file from captures").fetchall()}
        captured = {r for (r,) in con.execute("select distinct run_id from captures").fetchall()}
        count = con.execute("select count(*) from captures").fetchone()[0]
    assert captured <= runs, f"captures of runs this warehouse never had: {captured - runs}"
    return files, captured, count


@pytest.mark.e2e
def test_two_warehouses_in_one_folder_index_only_their_own_files(tmp_path):
    first, second = tmp_path / "warehouse.duckdb", tmp_path / "demo.duckdb"
    assert resolve_archive_dir(db_path=first) == resolve_archive_dir(db_path=second)
    site = build_site()
    with DemoServer(site, theme="classic") as server:
        run_crawl(server.base_url, first)
        first_files, _, _ = captured_runs(first)
        served_before = len(server.requests)
        run_crawl(server.base_url, second)
        # every answer but the oversized one, whose download is abandoned unread
        served_second = sum(1 for r in server.requests[served_before:] if r.path != site.faults.oversized_path)
        run_crawl(server.base_url, first)  # loads again after the other warehouse wrote its files
    archive = resolve_archive_dir(db_path=first)
    files_first, runs_first, _ = captured_runs(first)
    files_second, runs_second, count_second = captured_runs(second)
    assert first_files < files_first, "the second crawl of the first warehouse indexed nothing new"
    assert files_first.isdisjoint(files_second) and runs_first.isdisjoint(runs_second)
    assert files_first | files_second == set(completed_files(archive)), "a file no warehouse indexed"
    assert count_second == served_second, "every response of its own crawl, and nothing else"
