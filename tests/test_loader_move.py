"""The loader's side of the site moving host (crawler.items.SiteMoved, sql/load/move/site.sql):
every stored row of the old hosts moves to the new one before what follows is merged, and one
article never becomes two rows. (Real crawls across a move: tests/test_spider_move.py.)"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from warehouse import staging
from warehouse.spool import Spool
from tests.conftest import T0, article

OLD, NEW = "https://belarusinfocus.info", "https://belarusinfocus.pro"
WWW = "https://www.belarusinfocus.info"
DAY = timedelta(days=1)


def rows(db, sql, params=None):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params).fetchall() if params else con.execute(sql).fetchall()


def on(site: str, path: str, **fields) -> dict:
    return article(site + path, site=site, **fields)


def write_batch(directory: Path, run_id: str, records: list[tuple[str, dict]], fetched_at: datetime) -> Path:
    """records: ("article", fields) | ("moved", {"from_sites", "to_site"}) | ("error", {"url"})."""
    with Spool(directory, run_id) as spool:
        for kind, fields in records:
            if kind == "article":
                spool.append_article(fields, fetched_at=fields.pop("fetched_at", fetched_at))
            elif kind == "moved":
                spool.append_move(fields["from_sites"], fields["to_site"], occurred_at=fetched_at)
            else:
                spool.append_error(fields["url"], "http", "HTTP 500", occurred_at=fetched_at)
        return spool.seal()


def moved(*from_sites: str) -> tuple[str, dict]:
    return ("moved", {"from_sites": list(from_sites), "to_site": NEW})


def link(url, position):
    return {"url": url, "title": None, "position": position}


def crawled_on_the_old_host(warehouse, tmp_path):
    """Two articles stored under OLD (one of them in two versions), their links, an error, a capture."""
    a = on(OLD, "/society/a", similar_links=[link(OLD + "/economy/b", 1)], body="Belarus economy reform reform")
    b = on(OLD, "/economy/b", similar_links=[link(OLD + "/society/a", 1)], body="Belarus economy growth")
    warehouse.load_batch(write_batch(tmp_path / "s", "r1", [("article", a), ("article", b),
                                                            ("error", {"url": OLD + "/broken"})], T0))
    changed = on(OLD, "/society/a", similar_links=[link(OLD + "/economy/b", 1)], body="Belarus economy reform reform",
                 title="Title, edited", content_hash="hash-2")
    warehouse.load_batch(write_batch(tmp_path / "s", "r2", [("article", changed)], T0 + DAY))
    with duckdb.connect(str(warehouse.path)) as con:
        con.execute("insert into captures values ($u, $t, 200, 'crawl-1.warc.gz', 0, 1234, 'sha1:X', 'r1')",
                    {"u": OLD + "/society/a", "t": T0})
    warehouse.refresh()


def every_url(db) -> list[str]:
    return [r[0] for r in rows(db, """
        select url from articles union all select url from article_versions
        union all select src_url from similar_links union all select dst_url from similar_links
        union all select url from crawl_errors union all select url from captures
        union all select url from internal._article_terms union all select url from internal._article_terms_source
        union all select url_a from internal._similarity_content union all select url_b from internal._similarity_content""")]


@pytest.mark.slow
def test_a_crawl_after_the_move_moves_every_row_and_doubles_none(warehouse, tmp_path):
    crawled_on_the_old_host(warehouse, tmp_path)
    versions_before = rows(warehouse.path, "select replace(url, $o, $n), version, content_hash, title, captured_at "
                                           "from article_versions order by all", {"o": OLD, "n": NEW})
    terms_before = rows(warehouse.path, "select count(*) from internal._article_terms")[0][0]

    later = T0 + 7 * DAY
    result = warehouse.load_batch(write_batch(tmp_path / "s", "r3", [
        moved(OLD, WWW),
        ("article", on(NEW, "/society/a", similar_links=[link(NEW + "/economy/b", 1)], title="Title, edited",
                       content_hash="hash-2")),
        ("article", on(NEW, "/economy/b", similar_links=[link(NEW + "/society/a", 1)])),
    ], later))

    assert (result.moved, result.new, result.updated, result.unchanged) == (2, 0, 0, 2)
    assert rows(warehouse.path, "select url, site, version, first_seen_at, last_seen_at from articles order by url") == [
        (NEW + "/economy/b", NEW, 1, T0, later),
        (NEW + "/society/a", NEW, 2, T0, later),
    ]
    assert rows(warehouse.path, "select url, version, content_hash, title, captured_at from article_versions "
                                "order by all") == versions_before
    assert rows(warehouse.path, "select src_url, dst_url from similar_links order by all") == [
        (NEW + "/economy/b", NEW + "/society/a"), (NEW + "/society/a", NEW + "/economy/b")]
    assert rows(warehouse.path, "select url from crawl_errors") == [(NEW + "/broken",)]
    assert rows(warehouse.path, "select url, warc_offset from captures") == [(NEW + "/society/a", 0)]
    assert rows(warehouse.path, "select count(*) from internal._article_terms")[0][0] == terms_before > 0
    assert all(url.startswith(NEW + "/") for url in every_url(warehouse.path))


def test_a_move_with_nothing_left_on_the_old_host_changes_nothing(warehouse, tmp_path):
    crawled_on_the_old_host(warehouse, tmp_path)
    assert warehouse.load_batch(write_batch(tmp_path / "s", "r3", [moved(OLD)], T0 + 7 * DAY)).moved == 2
    before = rows(warehouse.path, "select * from articles order by url")

    assert warehouse.load_batch(write_batch(tmp_path / "s", "r4", [moved(OLD)], T0 + 8 * DAY)).moved == 0
    assert rows(warehouse.path, "select * from articles order by url") == before


def test_records_before_the_move_in_the_same_batch_move_with_the_stored_rows(warehouse, tmp_path):
    result = warehouse.load_batch(write_batch(tmp_path / "s", "r1", [
        ("article", on(OLD, "/society/a", similar_links=[link(OLD + "/economy/b", 1)])),
        ("error", {"url": OLD + "/broken"}),
        moved(OLD),
        ("article", on(NEW, "/economy/b")),
    ], T0))

    assert result.new == 2
    assert rows(warehouse.path, "select url, site from articles order by url") == [
        (NEW + "/economy/b", NEW), (NEW + "/society/a", NEW)]
    assert rows(warehouse.path, "select dst_url from similar_links") == [(NEW + "/economy/b",)]
    assert rows(warehouse.path, "select url from crawl_errors") == [(NEW + "/broken",)]


@pytest.mark.slow
def test_an_article_stored_under_both_hosts_becomes_one_row_with_both_histories(warehouse, tmp_path):
    # Stored under OLD at T0 (v1), changed there at T0+2d (v2); under NEW at T0+1d with v1's
    # content, and seen there last (T0+3d).
    warehouse.load_batch(write_batch(tmp_path / "s", "r1", [
        ("article", on(OLD, "/society/a", content_hash="h1", title="One", similar_links=[link(OLD + "/x", 1)]))], T0))
    warehouse.load_batch(write_batch(tmp_path / "s", "r2", [
        ("article", on(NEW, "/society/a", content_hash="h1", title="One", similar_links=[link(NEW + "/y", 1)])),
        ("article", on(NEW, "/society/c", content_hash="hc"))], T0 + DAY))
    warehouse.load_batch(write_batch(tmp_path / "s", "r3", [
        ("article", on(OLD, "/society/a", content_hash="h2", title="Two", authors=["Anna"],
                       similar_links=[link(OLD + "/z", 1)]))], T0 + 2 * DAY))
    warehouse.load_batch(write_batch(tmp_path / "s", "r4", [
        ("article", on(NEW, "/society/a", content_hash="h1", title="One"))], T0 + 3 * DAY))

    result = warehouse.load_batch(write_batch(tmp_path / "s", "r5", [moved(OLD)], T0 + 4 * DAY))

    assert result.moved == 1
    # The row that changed last (under OLD, T0+2d) gives the content; the seen times span both.
    assert rows(warehouse.path, "select url, site, title, authors, content_hash, version, first_seen_at, last_seen_at, "
                                "last_changed_at from articles order by url") == [
        (NEW + "/society/a", NEW, "Two", ["Anna"], "h2", 2, T0, T0 + 3 * DAY, T0 + 2 * DAY),
        (NEW + "/society/c", NEW, "Title", [], "hc", 1, T0 + DAY, T0 + DAY, T0 + DAY),
    ]
    # h1 seen under NEW at T0+1d is v1's content again: not a version of its own.
    assert rows(warehouse.path, "select version, content_hash, title, captured_at from article_versions "
                                "where url = $u order by version", {"u": NEW + "/society/a"}) == [
        (1, "h1", "One", T0), (2, "h2", "Two", T0 + 2 * DAY)]
    assert rows(warehouse.path, "select dst_url from similar_links where src_url = $u", {"u": NEW + "/society/a"}) == [
        (NEW + "/z",)]
    assert rows(warehouse.path, "select count(*) from article_versions where starts_with(url, $o)", {"o": OLD}) == [(0,)]


@pytest.mark.slow
def test_when_the_new_hosts_row_changed_last_it_keeps_its_content_and_gains_the_old_versions(warehouse, tmp_path):
    warehouse.load_batch(write_batch(tmp_path / "s", "r1", [
        ("article", on(OLD, "/society/a", content_hash="h1", title="One"))], T0))
    warehouse.load_batch(write_batch(tmp_path / "s", "r2", [
        ("article", on(NEW, "/society/a", content_hash="h2", title="Two", similar_links=[link(NEW + "/y", 1)]))],
        T0 + DAY))

    warehouse.load_batch(write_batch(tmp_path / "s", "r3", [moved(OLD)], T0 + 2 * DAY))

    assert rows(warehouse.path, "select url, title, content_hash, version, first_seen_at from articles") == [
        (NEW + "/society/a", "Two", "h2", 2, T0)]
    assert rows(warehouse.path, "select version, content_hash from article_versions order by version") == [
        (1, "h1"), (2, "h2")]
    assert rows(warehouse.path, "select dst_url from similar_links") == [(NEW + "/y",)]


@pytest.mark.slow
def test_a_staged_move_loads_like_a_spooled_one(warehouse, tmp_path):
    crawled_on_the_old_host(warehouse, tmp_path)
    spooled = write_batch(tmp_path / "worker", "run9.w1", [
        moved(OLD),
        ("article", on(NEW, "/economy/b", period_start=date(2016, 8, 22), period_end=date(2016, 8, 28),
                       published_at=None, authors=["Anna", "Vadim"], content_hash="hash-weekly")),
    ], T0 + 7 * DAY)
    staged = staging.publish(spooled, tmp_path / "staging")

    result = warehouse.load_batches([staged], source="parquet", run_id="run9")

    assert (result.moved, result.updated) == (2, 1)
    assert rows(warehouse.path, "select url, published_at, period_start, period_end, authors from articles "
                                "where url = $u", {"u": NEW + "/economy/b"}) == [
        (NEW + "/economy/b", None, date(2016, 8, 22), date(2016, 8, 28), ["Anna", "Vadim"])]
    assert all(url.startswith(NEW + "/") for url in every_url(warehouse.path))
