"""Hostile pages: real `scrapy crawl belarusinfocus` processes (marked e2e) against a hostile site
on loopback (tests/hostile_site.py), then the pieces that decide, on their own. Every trap ends:
a budget bounds it and leaves a 'budget' row; every bad page ends in a crawl_errors row
(redirect, oversized, invalid) or is cleaned before it is stored. The budgets are lowered with -s
to keep the crawls short; benchmarks/hostile.py runs the defaults.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import duckdb
import pytest

from crawler.extraction import ArticlePage
from crawler.extraction.markup import decode_html
from crawler.extraction.text import normalize_whitespace, strip_control_chars
from crawler.pipelines import InvalidItem, ValidatePipeline
from tests import hostile_site
from tests.hostile_site import HostileSite, article_html

ROOT = Path(__file__).resolve().parents[1]


def crawl(site: HostileSite, db: Path, *settings: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "scrapy", "crawl", "belarusinfocus", "-a", f"base_url={site.base_url}",
           "-s", f"WAREHOUSE_PATH={db}", "-s", "ARCHIVE_ENABLED=0", *(f"-s{s}" for s in settings)]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def rows(db: Path, sql: str, params=()) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def errors(db: Path, kind: str) -> dict[str, str]:
    return dict(rows(db, "select url, message from crawl_errors where kind = ? order by url", [kind]))


def stored_urls(db: Path, prefix: str) -> set[str]:
    return {url for (url,) in rows(db, "select url from articles where url like ?", [prefix + "%"])}


def assert_exit(proc: subprocess.CompletedProcess, code: int) -> None:
    assert proc.returncode == code, f"crawl exited {proc.returncode}, not {code}:\n{proc.stderr[-3000:]}"
    if code == 0:
        assert "crawl: error" not in proc.stderr


# ---- budgets ---------------------------------------------------------------------------------------

@pytest.mark.e2e
def test_endless_pager_stops_at_the_listing_depth(tmp_path):
    """Each trap page lists 10 fresh articles and a next page: the pager is followed 5 listings
    deep, no further; the crawl finishes (exit 0) with one 'budget' row where it stopped."""
    db = tmp_path / "warehouse.duckdb"
    with HostileSite(home=["/trap"]) as site:
        proc = crawl(site, db, "CRAWL_MAX_LISTING_DEPTH=5")
        listings = site.paths("/trap?") + [p for p in site.paths("/trap") if p == "/trap"]
    assert_exit(proc, 0)
    assert sorted(listings) == ["/trap", "/trap?page=2", "/trap?page=3", "/trap?page=4", "/trap?page=5"]
    assert len(stored_urls(db, site.base_url + "/trap/")) == 5 * hostile_site.TRAP_ARTICLES
    budget = errors(db, "budget")
    assert list(budget) == [site.base_url + "/trap?page=5"]
    assert "listing depth" in budget[site.base_url + "/trap?page=5"]
    assert "/trap?page=6" in budget[site.base_url + "/trap?page=5"]
    assert rows(db, "select finish_reason from crawl_runs") == [("finished",)]


@pytest.mark.e2e
def test_pages_per_run_budget_ends_the_crawl_cleanly_and_fails_it(tmp_path):
    """With no listing depth bound the pager would run for ever: the pages of a run (Scrapy's
    CLOSESPIDER_PAGECOUNT) end it; what was fetched is stored, the run recorded, exit 1."""
    db = tmp_path / "warehouse.duckdb"
    with HostileSite(home=["/trap"]) as site:
        proc = crawl(site, db, "CRAWL_MAX_LISTING_DEPTH=0", "CLOSESPIDER_PAGECOUNT=60")
        fetched = len(site.requests)
    assert_exit(proc, 1)
    assert "crawl: error: the crawl stopped at its budget of 60 pages per run (CLOSESPIDER_PAGECOUNT)" in proc.stderr
    assert proc.stderr.count("crawl: error") == 1
    assert fetched < 60 + 16 + 5, "in-flight requests may finish; nothing new is asked for"
    (run_id, reason, pages), = rows(db, "select run_id, finish_reason, pages_fetched from crawl_runs")
    assert reason == "closespider_pagecount" and pages >= 60
    budget = rows(db, "select run_id, message from crawl_errors where kind = 'budget'")
    assert len(budget) == 1 and budget[0][0] == run_id and "pages per run: 60 pages" in budget[0][1]
    stored = len(stored_urls(db, site.base_url + "/trap/"))
    assert 30 <= stored <= 60, f"{stored} articles: what was fetched is stored"


@pytest.mark.e2e
def test_link_flood_takes_the_first_links_only(tmp_path):
    """One page with 5,000 same-site links: the first CRAWL_MAX_LINKS_PER_PAGE are followed."""
    db = tmp_path / "warehouse.duckdb"
    with HostileSite(home=["/flood/hub"], flood_links=5000) as site:
        proc = crawl(site, db, "CRAWL_MAX_LINKS_PER_PAGE=50")
        flood = site.paths("/flood/f-")
    assert_exit(proc, 0)
    assert sorted(flood) == sorted(f"/flood/f-{i}" for i in range(50))
    assert len(stored_urls(db, site.base_url + "/flood/")) == 51  # the hub and its first 50 links
    budget = errors(db, "budget")
    assert list(budget) == [site.base_url + "/flood/hub"]
    assert "links per page: the first 50 followed" in budget[site.base_url + "/flood/hub"]
    # its "Similar articles" block of 5,000 teasers is a link list: the first 100 are kept
    assert rows(db, "select count(*), max(position) from similar_links where src_url = ?",
                [site.base_url + "/flood/hub"]) == [(100, 100)]


@pytest.mark.e2e
def test_page_of_100000_links_is_not_read(tmp_path):
    """100,000 links in a list are 400,000 tags (opening and closing), past CRAWL_MAX_PAGE_TAGS: the
    page is refused before it is parsed (an 'oversized' row, as for a body past DOWNLOAD_MAXSIZE) and none of its links is asked for."""
    db = tmp_path / "warehouse.duckdb"
    with HostileSite(home=["/flood/hub", "/politics/plain"]) as site:
        proc = crawl(site, db)
        flood = site.paths("/flood/f-")
    assert_exit(proc, 0)
    assert flood == []
    assert list(errors(db, "oversized")) == [site.base_url + "/flood/hub"]
    message = errors(db, "oversized")[site.base_url + "/flood/hub"]
    assert re.fullmatch(r"page of 400,0\d\d tags, more than CRAWL_MAX_PAGE_TAGS \(50,000\): not read",
                        message), message
    assert stored_urls(db, site.base_url) == {site.base_url + "/politics/plain"}


@pytest.mark.e2e
def test_queue_budget_drops_what_does_not_fit(tmp_path):
    """A page's requests past CRAWL_MAX_QUEUED_REQUESTS waiting are not queued."""
    db = tmp_path / "warehouse.duckdb"
    with HostileSite(home=["/flood/hub"], flood_links=500) as site:
        proc = crawl(site, db, "CRAWL_MAX_QUEUED_REQUESTS=20")
        flood = site.paths("/flood/f-")
    assert_exit(proc, 0)
    assert 0 < len(flood) <= 20
    message = errors(db, "budget")[site.base_url + "/flood/hub"]
    assert "requests queued" in message and "CRAWL_MAX_QUEUED_REQUESTS" in message
    dropped = int(message.split("requests queued: ")[1].split()[0])
    assert dropped + len(flood) == 500


# ---- one crawl through the hostile pages -------------------------------------------------------------

HOSTILE_PAGES = ["/redirect/loop-a", "/redirect/self", "/redirect/chain-0", "/redirect/offsite", "/redirect/hop-1",
                 "/redirect/refresh-loop-a", "/redirect/refresh-chain-0",
                 "/hostile/bomb", "/hostile/huge-stream", "/hostile/huge-title", "/ru/hostile/lying-meta",
                 "/ru/hostile/lying", "/hostile/escapes", "/politics/plain-one", "/politics/plain-two"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    db = tmp_path_factory.mktemp("hostile") / "warehouse.duckdb"
    with HostileSite(home=HOSTILE_PAGES) as site:
        proc = crawl(site, db)
        return site, db, proc, list(site.requests)


@pytest.mark.e2e
def test_hostile_crawl_finishes(hostile):
    site, db, proc, _ = hostile
    assert_exit(proc, 0)
    assert rows(db, "select finish_reason from crawl_runs") == [("finished",)]
    assert stored_urls(db, site.base_url + "/politics/") == {site.base_url + "/politics/plain-one",
                                                            site.base_url + "/politics/plain-two"}


@pytest.mark.e2e
def test_bad_redirects_leave_a_row_for_the_url_asked_for(hostile):
    site, db, _, requests = hostile
    redirect = errors(db, "redirect")
    base = site.base_url
    assert sorted(redirect) == sorted(base + p for p in ("/redirect/loop-a", "/redirect/self", "/redirect/chain-0",
                                                         "/redirect/offsite", "/redirect/refresh-loop-a",
                                                         "/redirect/refresh-chain-0"))
    assert redirect[base + "/redirect/refresh-loop-a"].startswith("redirect loop: ")
    assert redirect[base + "/redirect/refresh-chain-0"].startswith("more than 10 redirects (REDIRECT_MAX_TIMES)")
    assert redirect[base + "/redirect/loop-a"].startswith("redirect loop: ")
    assert redirect[base + "/redirect/self"].startswith("redirect loop: ")
    assert redirect[base + "/redirect/chain-0"].startswith("more than 10 redirects (REDIRECT_MAX_TIMES)")
    assert redirect[base + "/redirect/offsite"].startswith("redirected off the site: ")
    assert hostile_site.OFFSITE in redirect[base + "/redirect/offsite"]
    for prefix in ("/redirect/chain-", "/redirect/refresh-chain-"):
        chain = [p for p, _ in requests if p.startswith(prefix)]
        assert len(chain) == 11, "the first request and 10 redirects, no more"
    # a short chain that ends on the site is followed as before
    assert stored_urls(db, base + "/redirect/") == {base + "/redirect/landed"}


@pytest.mark.e2e
def test_decompression_bomb_and_streamed_oversized_body_leave_rows(hostile):
    site, db, _, _ = hostile
    oversized = errors(db, "oversized")
    assert sorted(oversized) == [site.base_url + "/hostile/bomb", site.base_url + "/hostile/huge-stream"]
    assert "DOWNLOAD_MAXSIZE" in oversized[site.base_url + "/hostile/bomb"]


@pytest.mark.e2e
def test_huge_title_makes_the_page_invalid(hostile):
    site, db, _, _ = hostile
    message = errors(db, "invalid")[site.base_url + "/hostile/huge-title"]
    assert message.startswith(f"title of {hostile_site.HUGE_TITLE_CHARS:,} characters (at most 1,000)")
    assert site.base_url + "/hostile/huge-title" not in stored_urls(db, site.base_url)
    assert rows(db, "select max(length(title)) from articles")[0][0] < 100


@pytest.mark.e2e
def test_lying_charset_decoded_by_the_pages_meta_or_refused(hostile):
    site, db, _, _ = hostile
    (title, body), = rows(db, "select title, body from articles where url = ?",
                          [site.base_url + "/ru/hostile/lying-meta"])
    assert title == hostile_site.RUSSIAN_TITLE
    assert body == "\n\n".join([hostile_site.RUSSIAN_BODY] * 2)
    message = errors(db, "invalid")[site.base_url + "/ru/hostile/lying"]
    assert message.startswith("garbled text: ") and "declared charset does not match its bytes" in message
    assert rows(db, "select count(*) from articles where title like '%\ufffd%' or body like '%\ufffd%'") == [(0,)]


@pytest.mark.e2e
def test_escape_sequences_and_controls_are_not_stored(hostile):
    site, db, _, _ = hostile
    (title, body), = rows(db, "select title, body from articles where url = ?", [site.base_url + "/hostile/escapes"])
    assert title == "Escapes red and title"
    assert body == ("First paragraph with a bell, a backspace and a C1 CSI here.\n\n"
                    "Second paragraph with an entity escape and a NUL-free DEL end.")
    for (text,) in rows(db, "select concat_ws(' ', title, body, photo_credit, category_status_text) from articles"):
        controls = {ch for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\t"}
        assert not controls, f"control characters stored: {controls}"


# ---- the pieces, without a crawl -------------------------------------------------------------------

@pytest.mark.parametrize("raw, clean", [
    ("a\x1b[31mred\x1b[0m b", "ared b"),  # SGR colours, with their parameters
    ("x\x1b]0;window title\x07y", "xy"),  # OSC: sets the terminal's title
    ("p\x9b2Jq", "pq"),  # C1 CSI: clears the screen
    ("stray \x9d and \x1b]unterminated, the rest stays", "stray  and unterminated, the rest stays"),
    ("keep\ttab\nand newline", "keep\ttab\nand newline"),
    ("nul\x00 bell\x07 bs\x08 del\x7f nel\x85 end", "nul bell bs del nel end"),
    ("Минск \u2014 plain text", "Минск \u2014 plain text"),
])
def test_control_characters_are_stripped(raw, clean):
    assert strip_control_chars(raw) == clean
    # after parsing (a character reference like &#27; makes an ESC) the normalised text loses the
    # same sequences
    assert normalize_whitespace(raw) == " ".join(clean.split())


def test_a_lying_header_gives_way_to_the_pages_own_meta_charset():
    page = article_html(hostile_site.RUSSIAN_TITLE, charset="windows-1251").encode("cp1251")
    assert hostile_site.RUSSIAN_TITLE in decode_html(page, "utf-8")
    # a header that tells the truth is kept, and so is a page whose <meta> lies as well
    assert hostile_site.RUSSIAN_TITLE in decode_html(article_html(hostile_site.RUSSIAN_TITLE).encode(), "utf-8")
    soup = decode_html(article_html(hostile_site.RUSSIAN_TITLE).encode("cp1251"), "utf-8")
    assert soup.count("\ufffd") > 30


def _item(url: str, html: str):
    return ArticlePage(url, html.encode()).to_item()


def test_validation_refuses_a_title_past_the_cap_and_garbled_text():
    validate = ValidatePipeline().process_item
    ok = _item("http://127.0.0.1:9/politics/a", article_html("T" * 1000))
    assert validate(ok).title == "T" * 1000
    with pytest.raises(InvalidItem, match=r"^title of 1,001 characters \(at most 1,000\)"):
        validate(_item("http://127.0.0.1:9/politics/a", article_html("T" * 1001)))
    with pytest.raises(InvalidItem, match=r"^body of 500,001 characters \(at most 500,000\)"):
        validate(_item("http://127.0.0.1:9/politics/a", article_html("Title", ["x" * 500_001])))
    garbled = article_html("Title", ["\ufffd" * 20 + " then words" * 50])
    with pytest.raises(InvalidItem, match="^garbled text: 20 of "):
        validate(_item("http://127.0.0.1:9/politics/a", garbled))
    stray = article_html("Title", ["one stray \ufffd" * 4 + " and many words" * 100])
    assert validate(_item("http://127.0.0.1:9/politics/a", stray)).body.count("\ufffd") == 4
