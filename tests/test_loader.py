"""Loader: versioning by content hash, similar links, exactly-once batches, the spool, runs."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import textwrap
from datetime import date, datetime, timedelta, timezone

import duckdb
import pytest

from warehouse import WarehouseError, WarehouseMissing, WarehouseNotInitialised, WarehouseUsageError
from warehouse import batch_merge
from warehouse.loader import Warehouse
from warehouse.spool import Spool, collect_batches
from tests.conftest import MINSK, PROJECT_ROOT, T0, article

URL = "https://belarusinfocus.info/society/a"
LATER = T0 + timedelta(days=1)


def rows(db, sql, params=None):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params).fetchall() if params else con.execute(sql).fetchall()


def link(url, title, position):
    return {"url": url, "title": title, "position": position}


# -- versioning ---------------------------------------------------------------------------------

def test_new_article_is_version_1_with_its_links(warehouse, spool_batch):
    links = [link("https://belarusinfocus.info/society/b", "B", 1), link("https://belarusinfocus.info/society/c", None, 2)]
    result = warehouse.load_batch(spool_batch([article(similar_links=links)]))

    assert (result.new, result.updated, result.unchanged, result.batches) == (1, 0, 0, 1)
    assert rows(warehouse.path, """
        select version, content_hash, title, published_at, category_status, word_count,
               first_seen_at, last_seen_at, last_changed_at from articles""") == [
        (1, "hash-1", "Title", datetime(2017, 9, 18, 7, 50, tzinfo=timezone.utc), "neutral", 4, T0, T0, T0)
    ]
    assert rows(warehouse.path, "select url, version, content_hash, captured_at from article_versions") == [
        (URL, 1, "hash-1", T0)
    ]
    assert rows(warehouse.path, "select dst_url, dst_title, position from similar_links where src_url = $u order by position",
                {"u": URL}) == [("https://belarusinfocus.info/society/b", "B", 1), ("https://belarusinfocus.info/society/c", None, 2)]


def test_published_at_keeps_its_instant(warehouse, spool_batch):
    warehouse.load_batch(spool_batch([article(published_at=datetime(2017, 9, 18, 0, 30, tzinfo=MINSK))]))
    (stored,) = rows(warehouse.path, "select published_at from articles")[0]
    assert stored == datetime(2017, 9, 17, 21, 30, tzinfo=timezone.utc)


def test_unchanged_content_only_moves_last_seen_at(warehouse, spool_batch):
    warehouse.load_batch(spool_batch([article()], run_id="r1"))
    result = warehouse.load_batch(spool_batch([article(title="Title")], run_id="r2", fetched_at=LATER))

    assert (result.new, result.updated, result.unchanged) == (0, 0, 1)
    assert rows(warehouse.path, "select version, first_seen_at, last_seen_at, last_changed_at from articles") == [
        (1, T0, LATER, T0)
    ]
    assert rows(warehouse.path, "select count(*) from article_versions") == [(1,)]


def test_changed_content_becomes_version_2_and_replaces_links(warehouse, spool_batch):
    old_links = [link("https://belarusinfocus.info/society/b", "B", 1), link("https://belarusinfocus.info/society/c", "C", 2)]
    new_links = [link("https://belarusinfocus.info/economy/d", "D", 1)]
    warehouse.load_batch(spool_batch([article(similar_links=old_links)], run_id="r1"))

    result = warehouse.load_batch(spool_batch(
        [article(title="New title", content_hash="hash-2", similar_links=new_links)], run_id="r2", fetched_at=LATER))

    assert (result.new, result.updated, result.unchanged) == (0, 1, 0)
    assert rows(warehouse.path, "select title, content_hash, version, first_seen_at, last_seen_at, last_changed_at from articles") == [
        ("New title", "hash-2", 2, T0, LATER, LATER)
    ]
    assert rows(warehouse.path, "select version, title, captured_at from article_versions order by version") == [
        (1, "Title", T0), (2, "New title", LATER)
    ]
    assert rows(warehouse.path, "select dst_url, position from similar_links") == [("https://belarusinfocus.info/economy/d", 1)]


def test_a_record_older_than_the_stored_version_goes_into_the_history_at_its_date(warehouse, spool_batch):
    warehouse.load_batch(spool_batch([article(content_hash="hash-2", title="Now")], run_id="r2", fetched_at=LATER))
    result = warehouse.load_batch(spool_batch([article(content_hash="hash-1", title="Then")], run_id="r1", fetched_at=T0))

    assert (result.updated, result.unchanged) == (1, 0)
    assert rows(warehouse.path, "select content_hash, title, version, first_seen_at, last_seen_at, last_changed_at from articles") == [
        ("hash-2", "Now", 2, T0, LATER, LATER)
    ]
    assert rows(warehouse.path, "select version, content_hash, title, captured_at from article_versions order by version") == [
        (1, "hash-1", "Then", T0), (2, "hash-2", "Now", LATER)
    ]


def test_a_late_record_between_two_versions_renumbers_the_later_ones(warehouse, spool_batch):
    middle = T0 + timedelta(hours=12)
    warehouse.load_batch(spool_batch([article(content_hash="h-1")], run_id="r1", fetched_at=T0))
    warehouse.load_batch(spool_batch([article(content_hash="h-3")], run_id="r3", fetched_at=LATER))
    links_before = rows(warehouse.path, "select * from similar_links order by all")

    result = warehouse.load_batch(spool_batch([article(content_hash="h-2")], run_id="r2", fetched_at=middle))

    assert result.updated == 1
    assert rows(warehouse.path, "select version, content_hash, captured_at from article_versions order by version") == [
        (1, "h-1", T0), (2, "h-2", middle), (3, "h-3", LATER)
    ]
    assert rows(warehouse.path, "select content_hash, version, last_changed_at from articles") == [("h-3", 3, LATER)]
    assert rows(warehouse.path, "select * from similar_links order by all") == links_before


def test_a_late_record_of_a_known_content_adds_no_version(warehouse, spool_batch):
    middle = T0 + timedelta(hours=12)
    warehouse.load_batch(spool_batch([article(content_hash="h-1")], run_id="r1", fetched_at=T0))
    warehouse.load_batch(spool_batch([article(content_hash="h-2")], run_id="r3", fetched_at=LATER))

    # the content in effect at its date: nothing changes but what was seen
    same = warehouse.load_batch(spool_batch([article(content_hash="h-1")], run_id="r2", fetched_at=middle))
    # the next version's content, seen before its stored date: that version moves back to it
    sooner = warehouse.load_batch(spool_batch([article(content_hash="h-2")], run_id="r4",
                                              fetched_at=middle + timedelta(hours=1)))

    assert (same.updated, same.unchanged, sooner.updated, sooner.unchanged) == (0, 1, 0, 1)
    assert rows(warehouse.path, "select version, content_hash, captured_at from article_versions order by version") == [
        (1, "h-1", T0), (2, "h-2", middle + timedelta(hours=1))
    ]
    assert rows(warehouse.path, "select version, last_seen_at, last_changed_at from articles") == [
        (2, LATER, middle + timedelta(hours=1))
    ]


def test_a_late_record_keeps_the_newest_validators_and_a_gone_mark(warehouse, spool_batch):
    warehouse.load_batch(spool_batch([article(content_hash="h-2", etag='"new"')], run_id="r2", fetched_at=LATER))
    with duckdb.connect(str(warehouse.path)) as con:
        con.execute("update articles set gone_at = $t", {"t": LATER})

    warehouse.load_batch(spool_batch([article(content_hash="h-1", etag='"old"')], run_id="r1", fetched_at=T0))

    assert rows(warehouse.path, "select etag, gone_at, first_seen_at from articles") == [('"new"', LATER, T0)]


def test_within_a_batch_the_last_record_of_a_url_wins(warehouse, spool_batch):
    result = warehouse.load_batch(spool_batch([
        article(title="first", content_hash="h-a"),
        article(title="second", content_hash="h-b"),
    ]))
    assert (result.new, result.updated) == (1, 0)
    assert rows(warehouse.path, "select title, version from articles") == [("second", 1)]


def test_links_without_position_get_their_place_in_the_list(warehouse, spool_batch):
    links = [link("https://belarusinfocus.info/x/1", "1", None), link("https://belarusinfocus.info/x/2", "2", None)]
    warehouse.load_batch(spool_batch([article(similar_links=links)]))
    assert rows(warehouse.path, "select dst_title, position from similar_links order by position") == [("1", 1), ("2", 2)]


# -- exactly once -------------------------------------------------------------------------------

def test_loading_the_same_batch_twice_is_a_no_op(warehouse, spool_batch):
    path = spool_batch([article(), {"record": "error", "url": "https://belarusinfocus.info/x", "kind": "http",
                                    "message": "HTTP 500", "occurred_at": T0.isoformat()}])
    warehouse.load_batch(path)
    snapshot = {t: rows(warehouse.path, f"select * from {t} order by all")
                for t in ("articles", "article_versions", "crawl_errors", "internal._loaded_batches")}

    again = warehouse.load_batch(path)

    assert (again.new, again.updated, again.unchanged, again.errors, again.batches, again.skipped) == (0, 0, 0, 0, 0, 1)
    assert snapshot == {t: rows(warehouse.path, f"select * from {t} order by all") for t in snapshot}


def test_load_spool_loads_in_name_order_and_deletes_each_batch(warehouse, spool_batch):
    spool_batch([article(content_hash="h1")], run_id="20240301T000000Z-a", fetched_at=T0)
    spool_batch([article(content_hash="h2")], run_id="20240302T000000Z-b", fetched_at=LATER)

    total = warehouse.load_spool(spool_batch.directory)

    assert (total.batches, total.new, total.updated) == (2, 1, 1)
    assert list(spool_batch.directory.iterdir()) == []
    assert rows(warehouse.path, "select content_hash, version from articles") == [("h2", 2)]
    assert rows(warehouse.path, "select batch from internal._loaded_batches order by batch") == [
        ("20240301T000000Z-a-000001.jsonl",), ("20240302T000000Z-b-000001.jsonl",)
    ]


def test_a_batch_reappearing_after_its_load_is_not_loaded_again(warehouse, spool_batch):
    path = spool_batch([article()])
    content = path.read_bytes()
    warehouse.load_spool(spool_batch.directory)
    path.write_bytes(content)  # e.g. crash between commit and delete

    total = warehouse.load_spool(spool_batch.directory)

    assert (total.batches, total.skipped) == (0, 1)
    assert not path.exists()
    assert rows(warehouse.path, "select count(*) from article_versions") == [(1,)]


def test_batches_of_one_run_load_as_one_group_each_counted_by_its_file(warehouse, spool_batch):
    error = {"record": "error", "url": "https://belarusinfocus.info/x", "kind": "http", "message": "HTTP 500",
             "occurred_at": T0.isoformat()}
    first = spool_batch([article(content_hash="h1"), error])
    second = spool_batch([article(url="https://belarusinfocus.info/society/b")])
    third = spool_batch([article(content_hash="h2")], fetched_at=LATER)

    total = warehouse.load_spool(spool_batch.directory)

    # one group: the later record of a url wins, as within one batch
    assert (total.batches, total.new, total.updated, total.errors) == (3, 2, 0, 1)
    assert rows(warehouse.path, "select url, content_hash, version from articles order by url") == [
        (URL, "h2", 1), ("https://belarusinfocus.info/society/b", "hash-1", 1)
    ]
    assert rows(warehouse.path, "select batch, articles_new, errors from internal._loaded_batches order by batch") == [
        (first.name, 0, 1), (second.name, 1, 0), (third.name, 1, 0)
    ]
    assert list(spool_batch.directory.iterdir()) == []


def test_a_bad_batch_fails_alone_and_its_groups_other_batches_load(warehouse, spool_batch):
    first = spool_batch([article(url="https://belarusinfocus.info/society/a1")])
    bad = spool_batch([article(url="https://belarusinfocus.info/society/a2")])
    bad.write_bytes(bad.read_bytes() + b"{not json\n")
    third = spool_batch([article(url="https://belarusinfocus.info/society/a3")])

    total = warehouse.load_spool(spool_batch.directory)

    assert [name for name, _ in total.failed] == [bad.name]
    assert (total.batches, total.new) == (2, 2)
    assert sorted(p.name for p in spool_batch.directory.iterdir()) == [bad.name]
    assert rows(warehouse.path, "select batch from internal._loaded_batches order by batch") == [(first.name,), (third.name,)]


def test_an_unchanged_batch_is_read_without_its_content_and_keeps_it(warehouse, spool_batch, monkeypatch):
    links = [link("https://belarusinfocus.info/society/b", "B", 1)]
    warehouse.load_batch(spool_batch([article(similar_links=links)], run_id="r1"))
    stored = rows(warehouse.path, "select title, body, photo_credit, published_at from articles")
    keys_only = []  # what each read of keys alone found: enough (True), or the batch is read again in full
    read_keys_only = batch_merge.read_keys_only
    monkeypatch.setattr(batch_merge, "read_keys_only",
                        lambda *args: keys_only.append(read_keys_only(*args)) or keys_only[-1])

    recrawl = Warehouse(warehouse.path, clock=warehouse.clock)  # a new crawl expects unchanged pages at first
    again = recrawl.load_batch(spool_batch([article(similar_links=links, etag='"v2"')], run_id="r2", fetched_at=LATER))

    assert keys_only == [True] and (again.unchanged, again.updated) == (1, 0)
    assert rows(warehouse.path, "select title, body, photo_credit, published_at from articles") == stored
    assert rows(warehouse.path, "select version, etag, last_seen_at, authors from articles") == [(1, '"v2"', LATER, [])]
    assert rows(warehouse.path, "select count(*) from similar_links") == [(1,)]

    changed = recrawl.load_batch(spool_batch([article(content_hash="hash-2", body="New body.")], run_id="r3",
                                               fetched_at=LATER + timedelta(days=1)))

    assert keys_only == [True, False]  # this batch holds a changed article: read again in full
    assert changed.updated == 1
    assert rows(warehouse.path, "select version, body from articles") == [(2, "New body.")]
    assert rows(warehouse.path, "select title, body, photo_credit, published_at from article_versions where version = 1") == stored


WEEKLY = {"published_at": None, "period_start": date(2020, 12, 28), "period_end": date(2021, 1, 3),
          "authors": ["Anna Maria", "Vadim"], "category_status": None,
          "category_status_text": "The situation is unclear"}
WEEKLY_COLUMNS = "published_at, period_start, period_end, authors, category_status, category_status_text"


def test_the_weekly_renderings_fields_reach_articles_and_versions(warehouse, spool_batch):
    warehouse.load_batch(spool_batch([article(**WEEKLY)]))
    expected = [tuple(WEEKLY[name] for name in WEEKLY_COLUMNS.split(", "))]
    assert rows(warehouse.path, f"select {WEEKLY_COLUMNS} from articles") == expected
    assert rows(warehouse.path, f"select {WEEKLY_COLUMNS} from article_versions") == expected

    changed = {**WEEKLY, "authors": ["Vadim"], "category_status": "negative", "category_status_text": "Worse"}
    warehouse.load_batch(spool_batch([article(**changed, content_hash="hash-2")], run_id="r2", fetched_at=LATER))
    assert rows(warehouse.path, "select version, authors, category_status, category_status_text from articles") == [
        (2, ["Vadim"], "negative", "Worse")]
    assert rows(warehouse.path, "select version, authors from article_versions order by version") == [
        (1, ["Anna Maria", "Vadim"]), (2, ["Vadim"])]


def test_a_record_spooled_before_the_weekly_fields_existed_has_no_authors_not_null(warehouse, tmp_path):
    # a batch an older crawler left in the spool: its records lack the new fields altogether
    spool = tmp_path / "spool"
    spool.mkdir()
    record = {key: value for key, value in article().items() if key not in ("rules",)}
    record = {"record": "article", **record, "published_at": record["published_at"].isoformat(),
              "fetched_at": T0.isoformat()}
    batch = spool / "20240301T120000Z-old-000001.jsonl"
    batch.write_text(json.dumps(record) + "\n")
    assert warehouse.load_batch(batch).new == 1
    assert rows(warehouse.path, "select authors, period_end, category_status_text from articles") == [([], None, None)]
    assert rows(warehouse.path, "select authors from article_versions") == [([],)]


def test_an_unchanged_weekly_batch_keeps_its_fields_on_the_keys_first_path(warehouse, spool_batch):
    warehouse.load_batch(spool_batch([article(**WEEKLY)], run_id="r1"))
    before = rows(warehouse.path, f"select {WEEKLY_COLUMNS} from articles")
    again = Warehouse(warehouse.path, clock=warehouse.clock).load_batch(
        spool_batch([article(**WEEKLY)], run_id="r2", fetched_at=LATER))
    assert again.unchanged == 1
    assert rows(warehouse.path, f"select {WEEKLY_COLUMNS} from articles") == before


def test_a_refresh_over_the_memory_limit_runs_again_without_it(warehouse, spool_batch, caplog):
    words = ["minsk", "potash", "border", "budget", "election", "tariff"]
    warehouse.load_batch(spool_batch([
        article(url=f"https://belarusinfocus.info/economy/a{n}", content_hash=f"h{n}",
                body=" ".join(words[(n + k) % 6] for k in range(3)))
        for n in range(12)
    ]))
    limited = Warehouse(warehouse.path, memory_limit="1MB")

    with caplog.at_level(logging.WARNING, logger="warehouse.similarity"):
        limited.refresh()

    assert "needs more than 1MB" in caplog.text
    assert rows(warehouse.path, "select count(distinct url_a) from similarity_content") == [(12,)]


def test_a_warehouse_for_background_loads_writes_with_its_own_thread_count(warehouse):
    for threads in (1, 3):
        with Warehouse(warehouse.path, threads=threads).loading() as con:
            assert con.execute("select current_setting('threads')").fetchone()[0] == threads


def test_a_bad_memory_limit_is_a_usage_error(tmp_path):
    with pytest.raises(WarehouseUsageError, match="not a memory size"):
        Warehouse(tmp_path / "w.duckdb", memory_limit="lots")


# -- the spool's crash cases ------------------------------------------------------------------

def test_torn_last_line_of_a_dead_run_is_skipped_and_counted(warehouse, tmp_path):
    spool_dir = tmp_path / "spool"
    spool_dir.mkdir()
    lines = [json.dumps({"record": "article", **article(url=f"https://belarusinfocus.info/society/{n}",
                                                        published_at=None), "fetched_at": T0.isoformat()})
             for n in ("a", "b")]
    part = spool_dir / "deadrun-000001.jsonl.part"
    (spool_dir / "deadrun.lock").write_text("12345\n")  # left by the dead process, held by nobody
    part.write_text(lines[0] + "\n" + lines[1] + "\n" + '{"record": "article", "url": "https://belar')

    total = warehouse.load_spool(spool_dir)

    assert (total.new, total.torn, total.batches) == (2, 1, 1)
    assert list(spool_dir.iterdir()) == []


def test_a_killed_crawl_loses_nothing_it_spooled(warehouse, tmp_path):
    spool_dir = tmp_path / "spool"
    crawl = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys
        from datetime import datetime, timezone
        from warehouse.spool import Spool
        spool = Spool({str(spool_dir)!r}, "killed")
        at = datetime(2024, 3, 1, 12, tzinfo=timezone.utc)
        for n in range(3):
            spool.append_error(f"https://belarusinfocus.info/{{n}}", "http", "HTTP 503", at)
        print("spooled", flush=True)
        sys.stdin.read()
    """)], cwd=PROJECT_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert crawl.stdout.readline().strip() == "spooled"
        assert warehouse.load_spool(spool_dir).batches == 0  # alive: its batch is not touched
    finally:
        crawl.kill()  # SIGKILL: no close(), no seal()
        crawl.wait(timeout=30)

    total = warehouse.load_spool(spool_dir)

    assert (total.batches, total.errors, total.torn) == (1, 3, 0)
    assert list(spool_dir.iterdir()) == []


def test_a_live_runs_unfinished_batch_is_left_alone(warehouse, tmp_path):
    spool_dir = tmp_path / "spool"
    spool = Spool(spool_dir, "liverun")
    spool.append_article(article(), fetched_at=T0)

    total = warehouse.load_spool(spool_dir)
    assert total.batches == 0
    assert spool.part_path.exists()

    spool.close()  # seals it
    assert warehouse.load_spool(spool_dir).new == 1


def test_spool_numbers_batches_and_continues_after_existing_ones(tmp_path):
    with Spool(tmp_path, "r") as spool:
        assert spool.seal() is None  # nothing appended: nothing to seal
        spool.append_error("https://x/1", "http", "404", T0)
        first = spool.seal()
        spool.append_error("https://x/2", "http", "404", T0)
    assert first.name == "r-000001.jsonl"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r-000001.jsonl", "r-000002.jsonl"]
    with Spool(tmp_path, "r") as spool:
        spool.append_error("https://x/3", "http", "404", T0)
    assert (tmp_path / "r-000003.jsonl").exists()


def test_spool_refuses_naive_datetimes_and_a_second_writer(tmp_path):
    with Spool(tmp_path, "r") as spool:
        with pytest.raises(ValueError, match="naive"):
            spool.append_article(article(published_at=datetime(2017, 9, 18, 10, 50)), fetched_at=T0)
        assert spool.pending == 0  # nothing half-written
        with pytest.raises(WarehouseError, match="already spooling"):
            Spool(tmp_path, "r")


def test_collect_batches_ignores_foreign_files(tmp_path):
    (tmp_path / "notes.txt").write_text("hi")
    (tmp_path / "r-000001.jsonl").write_text("")
    assert collect_batches(tmp_path) == ([tmp_path / "r-000001.jsonl"], 0)


# -- errors and invalid records -----------------------------------------------------------------

def test_error_records_go_to_crawl_errors_with_the_batch_run_id(warehouse, spool_batch):
    result = warehouse.load_batch(spool_batch([
        {"record": "error", "url": "https://belarusinfocus.info/gone", "kind": "http", "message": "HTTP 404",
         "occurred_at": T0.isoformat()},
        article(url="https://belarusinfocus.info/society/nohash", content_hash=None),
    ], run_id="run-7"))

    assert (result.errors, result.invalid, result.new) == (1, 1, 0)
    assert rows(warehouse.path, "select run_id, url, kind, message, occurred_at from crawl_errors order by kind") == [
        ("run-7", "https://belarusinfocus.info/gone", "http", "HTTP 404", T0),
        ("run-7", "https://belarusinfocus.info/society/nohash", "invalid", "article record lacks content_hash", T0),
    ]


def test_a_malformed_batch_loads_nothing_and_stays(warehouse, tmp_path):
    spool_dir = tmp_path / "spool"
    spool_dir.mkdir()
    good = json.dumps({"record": "article", **article(published_at=None), "fetched_at": T0.isoformat()})
    bad = spool_dir / "r-000001.jsonl"
    bad.write_text(good + "\n{not json\n")

    with pytest.raises(WarehouseError, match="r-000001.jsonl was not loaded"):
        warehouse.load_batch(bad)
    total = warehouse.load_spool(spool_dir)

    assert [name for name, _ in total.failed] == ["r-000001.jsonl"]
    assert bad.exists()
    assert rows(warehouse.path, "select count(*) from articles") == [(0,)]
    assert rows(warehouse.path, "select count(*) from internal._loaded_batches") == [(0,)]


# -- clock ------------------------------------------------------------------------------------

def test_timestamps_come_from_records_or_the_injected_clock(warehouse, clock, tmp_path):
    spool_dir = tmp_path / "spool"
    spool_dir.mkdir()
    record = {"record": "article", **article(published_at=None)}  # no fetched_at: the clock's time
    (spool_dir / "r-000001.jsonl").write_text(json.dumps(record) + "\n")
    clock.now = datetime(2025, 5, 5, 5, 5, tzinfo=timezone.utc)

    warehouse.load_spool(spool_dir)

    stamp = clock.calls[0]
    assert rows(warehouse.path, "select first_seen_at, last_seen_at from articles") == [(stamp, stamp)]
    assert rows(warehouse.path, "select loaded_at from internal._loaded_batches") == [(stamp,)]


# -- runs ---------------------------------------------------------------------------------------

def test_run_bookkeeping_counts_what_was_loaded(warehouse, clock, spool_batch):
    warehouse.start_run("run-1", "belarusinfocus")
    warehouse.load_batch(spool_batch([article(), article(url="https://belarusinfocus.info/society/z"),
                                      {"record": "error", "url": "https://x", "kind": "network", "message": "reset",
                                       "occurred_at": T0.isoformat()}], run_id="run-1"))
    warehouse.finish_run("run-1", finish_reason="finished", pages_fetched=5, items_undated=0)

    started, loaded, finished = clock.calls[0], clock.calls[1], clock.calls[2]
    assert rows(warehouse.path, "select * from crawl_runs") == [
        ("run-1", "belarusinfocus", started, finished, "finished", 5, 2, 0, 0, 0, 1, 0)
    ]
    assert loaded < finished


def test_finish_run_takes_explicit_counts_and_refuses_unknown_runs(warehouse):
    warehouse.start_run("run-1", "belarusinfocus", started_at=T0)
    warehouse.finish_run("run-1", LATER, "closespider_errorcount", 3, 1, 2, 3, 4, 5, 6)
    assert rows(warehouse.path, "select finished_at, finish_reason, pages_fetched, items_new, items_updated, "
                                "items_unchanged, items_invalid, errors, items_undated from crawl_runs") == [
        (LATER, "closespider_errorcount", 3, 1, 2, 3, 4, 5, 6)
    ]
    with pytest.raises(WarehouseError, match="never started"):
        warehouse.finish_run("run-2")
    with pytest.raises(WarehouseError, match="already recorded"):
        warehouse.start_run("run-1", "belarusinfocus")


def test_close_stale_runs_marks_open_runs_except_the_kept_ones(warehouse):
    for run_id in ("old-1", "old-2", "current"):
        warehouse.start_run(run_id, "belarusinfocus", started_at=T0)
    warehouse.start_run("done", "belarusinfocus", started_at=T0)
    warehouse.finish_run("done", T0, "finished")

    closed = warehouse.close_stale_runs(LATER, keep=["current"])

    assert closed == ["old-1", "old-2"]
    assert rows(warehouse.path, "select run_id, finished_at, finish_reason from crawl_runs order by run_id") == [
        ("current", None, None), ("done", T0, "finished"), ("old-1", LATER, "crashed"), ("old-2", LATER, "crashed")
    ]


def test_known_articles(warehouse, spool_batch):
    weekly = "https://belarusinfocus.info/society/weekly"
    warehouse.load_batch(spool_batch([article(), article(weekly, **WEEKLY)]))
    assert warehouse.known_articles() == {
        URL: (datetime(2017, 9, 18, 10, 50, tzinfo=MINSK), T0, None, None, None, None),
        weekly: (None, T0, None, None, None, date(2021, 1, 3)),
    }


# -- wrong warehouse ------------------------------------------------------------------------------

def test_missing_or_uninitialised_warehouse_is_a_clear_error(tmp_path, spool_batch):
    batch = spool_batch([article()])
    missing = Warehouse(tmp_path / "nope.duckdb")
    with pytest.raises(WarehouseMissing, match="warehouse init"):
        missing.load_batch(batch)
    with pytest.raises(WarehouseMissing):
        missing.known_articles()
    assert not (tmp_path / "nope.duckdb").exists()  # nothing created behind the user's back

    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(WarehouseNotInitialised, match="warehouse init"):
        Warehouse(empty).load_batch(batch)
    assert batch.exists()


def test_staging_batches_of_an_older_crawler_load_beside_new_ones(warehouse, tmp_path):
    from warehouse import staging

    def staged(seq: int, record: dict, older: bool):
        spool = tmp_path / f"spool{seq}"
        with Spool(spool, f"run7.w{seq}") as writer:
            writer.append_article(record, fetched_at=T0)
            batch = writer.seal()
        path = staging.publish(batch, tmp_path / "staging")
        if older:  # as a worker before the weekly rendering's fields wrote it
            with duckdb.connect() as con:
                con.execute("copy (select * exclude (period_start, period_end, authors, category_status_text, "
                            "from_sites, to_site) from read_parquet($p)) to $p (format parquet)", {"p": str(path)})
        return path

    old = staged(1, article("https://belarusinfocus.info/society/old"), older=True)
    new = staged(2, article("https://belarusinfocus.info/society/new", **WEEKLY), older=False)
    alone = staged(3, article("https://belarusinfocus.info/society/alone"), older=True)

    assert warehouse.load_batches([old, new], source="parquet", run_id="run7").new == 2
    assert warehouse.load_batches([alone], source="parquet", run_id="run7").new == 1
    assert rows(warehouse.path, "select url, authors, period_end from articles order by url") == [
        ("https://belarusinfocus.info/society/alone", [], None),
        ("https://belarusinfocus.info/society/new", ["Anna Maria", "Vadim"], date(2021, 1, 3)),
        ("https://belarusinfocus.info/society/old", [], None),
    ]


def test_warehouse_connections_draw_no_progress_bar(warehouse):
    """DuckDB would draw one on stdout, into a command's output, during a query over 2 s."""
    from warehouse.db import connect

    for read_only in (True, False):
        with connect(warehouse.path, read_only=read_only) as con:
            assert con.execute("select current_setting('enable_progress_bar')").fetchone() == (False,)
