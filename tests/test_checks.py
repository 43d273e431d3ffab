"""The data checks of sql/checks/: each is one read-only query returning offending rows.

Given rows in: a clean warehouse makes every check return nothing, and each kind of bad row
makes its check return exactly that row. (The run on a crawled warehouse is added with the
crawl end-to-end test.)
"""

from __future__ import annotations

import duckdb
import pytest

from warehouse.config import SQL_DIR
from warehouse.migrate import migrate

CHECKS = sorted(p.stem for p in (SQL_DIR / "checks").glob("*.sql"))


def run_check(con, name: str) -> list[tuple]:
    return con.execute((SQL_DIR / "checks" / f"{name}.sql").read_text(encoding="utf-8")).fetchall()


@pytest.fixture
def con():
    con = duckdb.connect()
    migrate(con)
    yield con
    con.close()


def add_article(con, url, *, title="Title", body="Body.", status="neutral", version=1, versions=(1,)):
    con.execute(
        """
        insert into articles (url, site, language, category, title, published_at, category_status,
                              body, word_count, content_hash, version,
                              first_seen_at, last_seen_at, last_changed_at)
        values ($url, 'https://belarusinfocus.test', 'en', 'politics', $title,
                '2017-09-18 10:50:00+03', $status, $body, 1, 'h', $version, now(), now(), now())
        """,
        {"url": url, "title": title, "body": body, "status": status, "version": version},
    )
    for v in versions:
        con.execute(
            """
            insert into article_versions (url, version, content_hash, title, published_at,
                                          category_status, body, captured_at)
            values ($url, $v, 'h', $title, '2017-09-18 10:50:00+03', $status, $body, now())
            """,
            {"url": url, "v": v, "title": title, "body": body, "status": status},
        )


def add_link(con, src, dst, position=1):
    con.execute("insert into similar_links values ($src, $dst, 'a title', $position)",
                {"src": src, "dst": dst, "position": position})


def add_clean_rows(con):
    add_article(con, "https://x/politics/a", status="positive")
    add_article(con, "https://x/politics/b", status=None, version=3, versions=(1, 2, 3))
    add_link(con, "https://x/politics/a", "https://x/politics/b")
    add_link(con, "https://x/politics/a", "https://x/politics/not-crawled", 2)


def test_there_are_the_checks_the_issue_asks_for():
    assert CHECKS == [
        "accepted_values_articles_category_status",
        "article_versions_no_gaps",
        "not_null_articles_authors",
        "not_null_articles_body",
        "not_null_articles_title",
        "relationships_similar_links_src_url",
        "unique_articles_url",
        "valid_articles_period",
    ]


@pytest.mark.parametrize("name", CHECKS)
def test_each_check_is_one_select_with_a_header(name):
    text = (SQL_DIR / "checks" / f"{name}.sql").read_text(encoding="utf-8")
    statements = duckdb.extract_statements(text)
    assert [s.type for s in statements] == [duckdb.StatementType.SELECT]
    assert text.startswith("-- Check: ")


@pytest.mark.parametrize("name", CHECKS)
def test_check_passes_on_clean_rows(con, name):
    add_clean_rows(con)
    assert run_check(con, name) == []


def test_not_null_articles_authors_finds_null_lists_and_blank_names(con):
    add_clean_rows(con)
    add_article(con, "https://x/politics/c")
    add_article(con, "https://x/politics/d")
    add_article(con, "https://x/politics/e")
    con.execute("update articles set authors = null where url = 'https://x/politics/c'")
    con.execute("update articles set authors = ['Anna', ' '] where url = 'https://x/politics/d'")
    con.execute("update articles set authors = ['Anna', 'Vadim'] where url = 'https://x/politics/e'")
    assert run_check(con, "not_null_articles_authors") == [
        ("https://x/politics/c", None), ("https://x/politics/d", ["Anna", " "])]


def test_valid_articles_period_finds_half_reversed_and_overlong_weeks(con):
    from datetime import date

    add_clean_rows(con)
    weeks = {"ok": ("2020-12-28", "2021-01-03"), "half": (None, "2021-01-03"), "reversed": ("2021-01-03", "2020-12-28"),
             "year-misread": ("2020-12-28", "2022-01-03")}
    for name, (start, end) in weeks.items():
        add_article(con, f"https://x/politics/{name}")
        con.execute("update articles set period_start = $s, period_end = $e where url = $u",
                    {"s": start, "e": end, "u": f"https://x/politics/{name}"})
    assert run_check(con, "valid_articles_period") == [
        ("https://x/politics/half", None, date(2021, 1, 3)),
        ("https://x/politics/reversed", date(2021, 1, 3), date(2020, 12, 28)),
        ("https://x/politics/year-misread", date(2020, 12, 28), date(2022, 1, 3)),
    ]


def test_unique_articles_url_finds_duplicates(con):
    add_clean_rows(con)
    # the primary key already forbids duplicates; a temp copy without it shadows the table
    con.execute("create temp table articles as select * from main.articles")
    con.execute("insert into temp.articles select * from main.articles where url = 'https://x/politics/a'")
    assert run_check(con, "unique_articles_url") == [("https://x/politics/a", 2)]


def test_not_null_articles_title_finds_missing_and_blank_titles(con):
    add_clean_rows(con)
    add_article(con, "https://x/politics/c", title=None)
    add_article(con, "https://x/politics/d", title="  ")
    assert run_check(con, "not_null_articles_title") == [("https://x/politics/c", None), ("https://x/politics/d", "  ")]


def test_not_null_articles_body_finds_missing_and_blank_bodies(con):
    add_clean_rows(con)
    add_article(con, "https://x/politics/c", body=None)
    add_article(con, "https://x/politics/d", body="")
    assert run_check(con, "not_null_articles_body") == [("https://x/politics/c", None), ("https://x/politics/d", "")]


def test_accepted_values_finds_unknown_statuses(con):
    add_clean_rows(con)
    add_article(con, "https://x/politics/d", status="unclear")
    add_article(con, "https://x/politics/c", status="unclear")
    add_article(con, "https://x/politics/e", status="Positive")  # stored words are lower-case
    assert run_check(con, "accepted_values_articles_category_status") == [
        ("Positive", 1, "https://x/politics/e"),
        ("unclear", 2, "https://x/politics/c"),
    ]


def test_relationships_finds_links_from_articles_not_held(con):
    add_clean_rows(con)
    add_link(con, "https://x/politics/gone", "https://x/politics/a", 1)
    assert run_check(con, "relationships_similar_links_src_url") == [
        ("https://x/politics/gone", "https://x/politics/a", 1),  # src_url, dst_url, position
    ]


def test_article_versions_no_gaps_finds_gaps_missing_and_extra_versions(con):
    add_clean_rows(con)
    add_article(con, "https://x/politics/gap", version=3, versions=(1, 3))
    add_article(con, "https://x/politics/none", version=1, versions=())
    add_article(con, "https://x/politics/extra", version=1, versions=(1, 2))
    add_article(con, "https://x/politics/late", version=2, versions=(2,))
    assert run_check(con, "article_versions_no_gaps") == [
        # url, articles.version, versions stored, first, last
        ("https://x/politics/extra", 1, 2, 1, 2),
        ("https://x/politics/gap", 3, 2, 1, 3),
        ("https://x/politics/late", 2, 1, 2, 2),
        ("https://x/politics/none", 1, None, None, None),
    ]
