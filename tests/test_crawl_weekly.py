"""End to end on the weekly rendering: a real `scrapy crawl belarusinfocus` process against the
offline site's weekly theme on loopback, into a real DuckDB file; then the site moves to another
loopback host (the old one answers 301 to the new) and a crawl with the old base URL must move
the stored rows instead of adding new ones. Expectations come from the site's ground truth
(warehouse.demo_site.truth), field by field."""

from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from protego import Protego

from tests.test_crawl_e2e import counts, query, run_crawl
from warehouse.demo_site import DemoServer, build_site
from warehouse.demo_site.pages import Origin, respond
from warehouse.demo_site.truth import expected_fields

pytestmark = pytest.mark.e2e  # real `scrapy crawl` processes against the offline site

# The default seed has no commentary on a week across a year end; this one has three (en, ru, be).
SEED = 2020
FIELDS = ["title", "published_at", "period_start", "period_end", "authors", "category_status",
          "category_status_text", "photo_credit", "body", "language", "category"]


@dataclass
class WeeklyCrawl:
    base_url: str
    db: Path
    requests: list
    counts_after_first: dict
    counts_after_second: dict
    moved_db: Path  # a copy of the first crawl's warehouse, crawled again after the move
    old_base_url: str
    new_base_url: str
    moved_requests: list


@pytest.fixture(scope="module")
def site():
    return build_site(seed=SEED)


@pytest.fixture(scope="module")
def weekly(site, tmp_path_factory) -> WeeklyCrawl:
    folder = tmp_path_factory.mktemp("weekly")
    db, moved_db = folder / "warehouse.duckdb", folder / "moved.duckdb"
    with DemoServer(site, theme="weekly") as old:
        run_crawl(old.base_url, db)
        first, requests = counts(db), list(old.requests)
        shutil.copyfile(db, moved_db)
        run_crawl(old.base_url, db)
        second = counts(db)
        with DemoServer(site, theme="weekly", host="127.0.0.2") as new:
            old.moved_to = new.base_url
            hosts = f"{old.base_url.split('://')[1]},{new.base_url.split('://')[1]}"
            run_crawl(old.base_url, moved_db, "-s", f"SITE_HOSTS={hosts}")
            return WeeklyCrawl(old.base_url, db, requests, first, second, moved_db, old.base_url, new.base_url,
                               list(new.requests))


def test_every_article_stored_exactly_once(weekly, site):
    stored = [row[0] for row in query(weekly.db, "select url from articles")]
    expected = {weekly.base_url + a.path for a in site.expected_articles()}
    assert len(stored) == len(set(stored)), "an article is stored twice"
    assert set(stored) == expected, (
        f"missing {len(expected - set(stored))}, e.g. {sorted(expected - set(stored))[:3]}; "
        f"unexpected {len(set(stored) - expected)}, e.g. {sorted(set(stored) - expected)[:3]}")


@pytest.mark.parametrize("field", FIELDS)
def test_every_field_right(weekly, site, field):
    stored = dict(query(weekly.db, f"select url, {field} from articles"))
    wrong = []
    for article in site.expected_articles():
        url = weekly.base_url + article.path
        if url not in stored:
            continue  # reported by test_every_article_stored_exactly_once
        expected = expected_fields(article, "weekly")[field]
        if stored[url] != expected:
            wrong.append((article.path, expected, stored[url]))
    assert not wrong, f"{len(wrong)} articles with a wrong {field} on the weekly theme, e.g. {wrong[:2]}"


def test_no_publication_time_is_invented(weekly):
    assert query(weekly.db, "select count(*) from articles where published_at is not null") == [(0,)]
    assert query(weekly.db, "select count(*) from articles where period_start is null or period_end is null") == [(0,)]


def test_year_end_weeks_and_languages_present(weekly, site):
    rows = query(weekly.db, "select language, count(*) from articles "
                            "where year(period_start) <> year(period_end) group by all order by 1")
    expected = Counter(a.language for a in site.expected_articles() if a.period[0].year != a.period[1].year)
    assert set(expected) == {"en", "ru", "be"}, "the seed no longer has a year-end week in every language"
    assert rows == sorted(expected.items())


def test_similar_links_are_the_read_more_lists(weekly, site):
    rows = query(weekly.db, "select src_url, dst_url, dst_title, position from similar_links order by all")
    expected = sorted((weekly.base_url + a.path, weekly.base_url + path, title, position)
                      for a in site.expected_articles() for path, title, position in a.similar_links)
    assert rows == expected


def test_trend_views_are_full(weekly, site):
    assert query(weekly.db, "select count(*) from stg_articles where published_on is distinct from period_end") == [(0,)]
    months = query(weekly.db, "select count(distinct month), sum(articles) from trend_monthly")[0]
    assert months[0] >= 24 and months[1] == len(site.expected_articles())
    statuses = dict(query(weekly.db, "select coalesce(category_status, 'null'), sum(articles) "
                                     "from trend_status_monthly group by 1"))
    assert statuses.get("positive") and statuses.get("negative") and statuses.get("neutral")


def test_faults_end_in_a_row(weekly, site):
    errors = dict(query(weekly.db, "select url, kind from crawl_errors"))
    for path in site.faults.missing_paths:
        assert errors.get(weekly.base_url + path) == "http", f"404 {path} not recorded"
    assert errors.get(weekly.base_url + site.faults.oversized_path) == "oversized"
    for path in (site.faults.transient_500_path, site.faults.alias_target, site.faults.unclear_status_path):
        assert query(weekly.db, "select count(*) from articles where url = ?", [weekly.base_url + path]) == [(1,)]


def test_polite_to_robots_and_other_hosts(weekly, site):
    origin = Origin(weekly.base_url, "http://localhost:1")
    robots = Protego.parse(respond(site, "weekly", "/robots.txt", origin).body.decode())
    host = weekly.base_url.split("://", 1)[1]
    assert {r.host for r in weekly.requests} == {host}, "requests to another host"
    disallowed = [r.path for r in weekly.requests if not robots.can_fetch(weekly.base_url + r.path, "*")]
    assert not disallowed, f"robots-disallowed paths requested: {disallowed[:5]}"


def test_each_article_page_fetched_once(weekly, site):
    paths = {a.path for a in site.articles}
    fetched = [r.path.split("?")[0].rstrip("/") for r in weekly.requests if r.status == 200]
    fetched = [p for p in fetched if p in paths]
    repeated = sorted({p for p in fetched if fetched.count(p) > 1})
    assert not repeated, f"article pages fetched more than once: {repeated[:5]}"
    assert set(fetched) >= {a.path for a in site.expected_articles()}


def test_second_crawl_of_unchanged_site_adds_nothing(weekly):
    assert weekly.counts_after_second == weekly.counts_after_first
    assert query(weekly.db, "select max(version) from articles") == [(1,)]
    runs = query(weekly.db, "select finish_reason, items_new, items_updated from crawl_runs order by started_at")
    assert [r[0] for r in runs] == ["finished", "finished"] and runs[1][1:] == (0, 0)


# --- the move ---------------------------------------------------------------------------------

def test_move_keeps_the_same_rows_on_the_new_host(weekly, site):
    before = weekly.counts_after_first
    after = counts(weekly.moved_db)
    assert after["articles"] == before["articles"], f"rows before the move {before}, after {after}"
    urls = [row[0] for row in query(weekly.moved_db, "select url from articles")]
    assert len(urls) == len(set(urls))
    off_host = [u for u in urls if not u.startswith(weekly.new_base_url + "/")]
    assert not off_host, f"{len(off_host)} stored URLs not on the new host, e.g. {off_host[:3]}"
    assert query(weekly.moved_db, "select distinct site from articles") == [(weekly.new_base_url,)]


def test_move_moves_links_and_versions_too(weekly):
    new = weekly.new_base_url + "/"
    stale = query(weekly.moved_db, "select src_url, dst_url from similar_links "
                                   "where not starts_with(src_url, ?) or not starts_with(dst_url, ?)", [new, new])
    assert not stale, f"similar links left on the old host: {stale[:3]}"
    assert query(weekly.moved_db, "select count(*) from article_versions where not starts_with(url, ?)", [new]) == [(0,)]
    assert query(weekly.moved_db, "select max(version) from articles") == [(1,)], "a move is not a new version"


def test_move_crawl_fetched_the_new_host(weekly):
    assert weekly.moved_requests, "nothing was requested from the new host"
    assert {r.host for r in weekly.moved_requests} == {weekly.new_base_url.split("://")[1]}
