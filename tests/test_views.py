"""The views of sql/views/ (and the refresh behind the term and similarity ones): given rows
in, exact rows out, one behaviour per test (dbt unit-test style).

Each test migrates a fresh in-memory database with warehouse.migrate, inserts articles and
links, runs warehouse.similarity.refresh_similarity where the view reads refreshed tables,
and compares whole result rows. TF-IDF cosines are recomputed here in plain Python.
"""

from __future__ import annotations

import math
import random
import re
from collections import Counter
from datetime import date, timedelta
from itertools import count

import duckdb
import pytest

from warehouse.migrate import migrate
from warehouse import similarity
from warehouse.similarity import PRUNING, refresh_similarity

_seq = count()


@pytest.fixture
def con():
    con = duckdb.connect()
    migrate(con)
    yield con
    con.close()


def add_article(con, url, body="text", *, published_at="2017-01-15 12:00:00+03", language="en",
                category="politics", status=None, title="Title", period_start=None, period_end=None):
    con.execute(
        """
        insert into articles (url, site, language, category, title, published_at, period_start, period_end,
                              category_status, body, word_count, content_hash, version,
                              first_seen_at, last_seen_at, last_changed_at)
        values ($url, 'https://belarusinfocus.test', $language, $category, $title, $published_at,
                $period_start, $period_end, $status, $body, 0, $hash, 1, now(), now(), now())
        """,
        {"url": url, "language": language, "category": category, "title": title,
         "published_at": published_at, "period_start": period_start, "period_end": period_end,
         "status": status, "body": body, "hash": f"h{next(_seq)}"},
    )


def add_weekly_article(con, url, body="text", *, week: tuple[str, str], **fields):
    """An article of the weekly rendering: the week it covers, no date and time."""
    add_article(con, url, body, published_at=None, period_start=week[0], period_end=week[1], **fields)


def change_body(con, url, body):
    # As a load does: a new body comes with a new content hash (which the refresh goes by).
    con.execute("update articles set body = $body, content_hash = $hash where url = $url",
                {"url": url, "body": body, "hash": f"h{next(_seq)}"})


def add_link(con, src, dst, position):
    con.execute("insert into similar_links values ($src, $dst, NULL, $position)",
                {"src": src, "dst": dst, "position": position})


def rows(con, sql):
    return con.execute(sql).fetchall()


# ---- trend_monthly, trend_status_monthly

MONTHS = [date(2017, 1, 1), date(2017, 2, 1), date(2017, 3, 1)]


def add_trend_articles(con):
    add_article(con, "p1", published_at="2017-01-10 10:00:00+03", category="politics", status="positive")
    add_article(con, "p2", published_at="2017-01-20 10:00:00+03", category="politics", status="negative")
    add_article(con, "e1", published_at="2017-01-15 10:00:00+03", category="economy", status=None)
    # February: nothing at all. March: the two ends of the month on the Minsk clock, which
    # are February in Los Angeles and April in Tokyo.
    add_article(con, "e2", published_at="2017-03-01 00:30:00+03", category="economy", status="positive")
    add_article(con, "p3", published_at="2017-03-31 23:30:00+03", category="politics", status="neutral")
    # undated: no month, so in no trend, and its status makes no column either
    add_article(con, "u1", published_at=None, category="economy", status="mystery")


@pytest.mark.parametrize("session_zone", ["UTC", "America/Los_Angeles", "Asia/Tokyo", "Europe/Minsk"])
def test_trend_monthly_fills_gaps_in_minsk_months_whatever_the_session_zone(con, session_zone):
    add_trend_articles(con)
    con.execute(f"set TimeZone = '{session_zone}'")
    assert rows(con, "select * from trend_monthly") == [
        (date(2017, 1, 1), "economy", 1, 0.33, None),  # shares rounded to 2 decimals
        (date(2017, 1, 1), "politics", 2, 0.67, None),
        (date(2017, 2, 1), "economy", 0, None, -1),  # a month without articles: zeros, no share
        (date(2017, 2, 1), "politics", 0, None, -2),
        (date(2017, 3, 1), "economy", 1, 0.5, 1),
        (date(2017, 3, 1), "politics", 1, 0.5, 1),
    ]


def test_trend_monthly_share_is_zero_for_a_silent_category_in_a_busy_month(con):
    add_article(con, "a", published_at="2017-01-10 10:00:00+03", category="politics")
    add_article(con, "b", published_at="2017-02-10 10:00:00+03", category="economy")
    assert rows(con, "select month, category, share from trend_monthly") == [
        (date(2017, 1, 1), "economy", 0.0),
        (date(2017, 1, 1), "politics", 1.0),
        (date(2017, 2, 1), "economy", 1.0),
        (date(2017, 2, 1), "politics", 0.0),
    ]


def test_trend_views_are_empty_without_dated_articles(con):
    add_article(con, "u1", published_at=None)
    assert rows(con, "select * from trend_monthly") == []
    assert rows(con, "select * from trend_status_monthly") == []


@pytest.mark.parametrize("session_zone", ["America/Los_Angeles", "Asia/Tokyo"])
def test_trend_status_monthly_counts_every_status_of_every_month_and_category(con, session_zone):
    add_trend_articles(con)
    con.execute(f"set TimeZone = '{session_zone}'")
    published = {
        (date(2017, 1, 1), "economy", None): 1,
        (date(2017, 1, 1), "politics", "negative"): 1,
        (date(2017, 1, 1), "politics", "positive"): 1,
        (date(2017, 3, 1), "economy", "positive"): 1,
        (date(2017, 3, 1), "politics", "neutral"): 1,
    }
    expected = [
        (month, category, status, published.get((month, category, status), 0))
        for month in MONTHS
        for category in ["economy", "politics"]
        for status in ["negative", "neutral", "positive", None]  # NULL last: no status shown
    ]
    assert rows(con, "select * from trend_status_monthly") == expected


def test_trend_status_monthly_adds_up_to_trend_monthly(con):
    add_trend_articles(con)
    assert rows(con, """
        select month, category, sum(articles) from trend_status_monthly
        group by all order by all
    """) == rows(con, "select month, category, articles from trend_monthly order by all")


# ---- published_on: the day trends bucket by, for both renderings


@pytest.mark.parametrize("session_zone", ["America/Los_Angeles", "Asia/Tokyo"])
def test_published_on_is_the_minsk_day_or_else_the_last_day_of_the_week(con, session_zone):
    add_article(con, "dated", published_at="2017-03-01 00:30:00+03")
    add_weekly_article(con, "weekly", week=("2016-08-22", "2016-08-28"))
    add_weekly_article(con, "new-year", week=("2020-12-28", "2021-01-03"))
    add_article(con, "neither", published_at=None)
    con.execute(f"set TimeZone = '{session_zone}'")
    assert rows(con, "select url, published_on, month, period_start from stg_articles order by url") == [
        ("dated", date(2017, 3, 1), date(2017, 3, 1), None),
        ("neither", None, None, None),
        ("new-year", date(2021, 1, 3), date(2021, 1, 1), date(2020, 12, 28)),
        ("weekly", date(2016, 8, 28), date(2016, 8, 1), date(2016, 8, 22)),
    ]


def test_stg_articles_has_every_column_of_articles(con):
    add_weekly_article(con, "weekly", week=("2016-08-22", "2016-08-28"))
    articles = [r[0] for r in rows(con, "select column_name from (describe articles)")]
    staged = [r[0] for r in rows(con, "select column_name from (describe stg_articles)")]
    assert staged[:len(articles)] == articles
    assert rows(con, "select authors from stg_articles") == [([],)]


def add_weekly_trend_articles(con):
    """Weekly-rendered pages only (published_at NULL everywhere), across a month and a year end."""
    add_weekly_article(con, "p1", week=("2020-11-23", "2020-11-29"), category="politics", status="negative")
    add_weekly_article(con, "e1", week=("2020-11-30", "2020-12-06"), category="economy", status="neutral")
    add_weekly_article(con, "p2", week=("2020-12-07", "2020-12-13"), category="politics", status="positive")
    # ends in January: a January article, though most of its week is in December
    add_weekly_article(con, "p3", week=("2020-12-28", "2021-01-03"), category="politics", status=None)
    add_weekly_article(con, "e2", week=("2021-01-04", "2021-01-10"), category="economy", status="negative")


def test_trend_monthly_of_weekly_pages_buckets_by_the_end_of_the_week(con):
    add_weekly_trend_articles(con)
    assert rows(con, "select * from trend_monthly") == [
        (date(2020, 11, 1), "economy", 0, 0.0, None),
        (date(2020, 11, 1), "politics", 1, 1.0, None),
        (date(2020, 12, 1), "economy", 1, 0.5, 1),
        (date(2020, 12, 1), "politics", 1, 0.5, 0),
        (date(2021, 1, 1), "economy", 1, 0.5, 0),
        (date(2021, 1, 1), "politics", 1, 0.5, 0),
    ]


def test_trend_status_monthly_of_weekly_pages(con):
    add_weekly_trend_articles(con)
    published = {
        (date(2020, 11, 1), "politics", "negative"): 1,
        (date(2020, 12, 1), "economy", "neutral"): 1,
        (date(2020, 12, 1), "politics", "positive"): 1,
        (date(2021, 1, 1), "economy", "negative"): 1,
        (date(2021, 1, 1), "politics", None): 1,
    }
    expected = [
        (month, category, status, published.get((month, category, status), 0))
        for month in [date(2020, 11, 1), date(2020, 12, 1), date(2021, 1, 1)]
        for category in ["economy", "politics"]
        for status in ["negative", "neutral", "positive", None]
    ]
    assert rows(con, "select * from trend_status_monthly") == expected


def test_a_warehouse_of_both_renderings_has_one_trend(con):
    add_article(con, "dated", published_at="2016-08-25 10:00:00+03", category="politics")
    add_weekly_article(con, "weekly", week=("2016-08-29", "2016-09-04"), category="politics")
    assert rows(con, "select month, category, articles from trend_monthly") == [
        (date(2016, 8, 1), "politics", 1), (date(2016, 9, 1), "politics", 1)]


# ---- similarity_editorial


def test_similarity_editorial_flags_links_made_both_ways(con):
    for url in ["a", "b", "c"]:
        add_article(con, url)
    add_link(con, "a", "b", 1)
    add_link(con, "a", "c", 2)
    add_link(con, "a", "b", 3)  # listed twice in one block: one row
    add_link(con, "a", "x", 4)  # not held: stays, not reciprocal
    add_link(con, "b", "a", 1)
    add_link(con, "c", "b", 1)
    add_link(con, "x", "a", 1)  # an orphan (data check failure): x is not held, so not reciprocal
    assert rows(con, "select * from similarity_editorial") == [
        ("a", "b", True),
        ("a", "c", False),
        ("a", "x", False),
        ("b", "a", True),
        ("c", "b", False),
        ("x", "a", False),
    ]


# ---- tokens (_article_terms, shared by trend_terms_monthly and similarity_content)


def test_tokens_are_unicode_words_lower_cased_without_stop_words(con):
    add_article(con, "en", "The Ёлка and the ЁЛКА: Belarus's 2017 e-Mail, café x9 9x", language="en")
    add_article(con, "ru", "И вот МИНСК и Минск — это ещё не всё, ёлка", language="ru")
    refresh_similarity(con)
    assert rows(con, "select url, term, tf from internal._article_terms order by url, term") == [
        ("en", "9x", 1),  # a number is no term, a word with digits is
        ("en", "belarus", 1),  # the "s" after the apostrophe is one letter: dropped
        ("en", "café", 1),
        ("en", "mail", 1),  # "e" is one letter
        ("en", "x9", 1),
        ("en", "елка", 2),  # ё is е, and case folds in Cyrillic too
        ("ru", "елка", 1),  # ещё and всё are stop words once written with е
        ("ru", "минск", 2),
    ]


def test_stop_words_come_from_the_csv_and_cover_both_languages(con):
    refresh_similarity(con)
    assert rows(con, """
        select language, count(*) > 100, bool_or(word in ('the', 'и', 'еще')) from internal.stopwords
        group by language order by language
    """) == [("en", True, True), ("ru", True, True)]


# ---- trend_terms_monthly


@pytest.mark.parametrize("rendering", ["dated", "weekly"])
def test_trend_terms_monthly_lifts_terms_against_the_three_months_before(con, rendering):
    def article(url, month_day, body):
        if rendering == "dated":
            add_article(con, url, body, published_at=f"{month_day} 12:00:00+03")
        else:  # the week that ends that day
            end = date.fromisoformat(month_day)
            add_weekly_article(con, url, body, week=(str(end - timedelta(days=6)), month_day))

    article("d1", "2016-12-05", "sanctions")  # four months before April: outside its baseline
    article("j1", "2017-01-05", "oil")
    article("j2", "2017-01-06", "gas")
    # February: no articles
    article("m1", "2017-03-05", "oil")
    article("m2", "2017-03-06", "gas")
    article("m3", "2017-03-07", "gas")
    article("a1", "2017-04-05", "oil sanctions the minsk")
    article("a2", "2017-04-06", "oil sanctions The minsk")
    article("a3", "2017-04-07", "gas sanctions kyiv")
    article("a4", "2017-04-08", "potash kyiv")
    article("y1", "2017-05-05", "sanctions oil")
    article("y2", "2017-05-06", "sanctions oil")
    refresh_similarity(con)
    assert rows(con, "select * from trend_terms_monthly") == [
        # January: nothing in two articles. February: no articles.
        # March: 3 articles; baseline December..February: 3 articles, one of them with gas.
        (date(2017, 3, 1), "gas", 2, (2 / 3) / ((1 + 1) / (3 + 1))),
        # April: 4 articles; baseline January..March: 5 articles (February has none).
        # sanctions: 3/4 now, (0 + 1)/(5 + 1) before. oil: 2/4 against 3/6, lift 1: not rising.
        # "the" is a stop word; gas and potash are in one April article only.
        (date(2017, 4, 1), "sanctions", 3, (3 / 4) / (1 / 6)),
        (date(2017, 4, 1), "kyiv", 2, (2 / 4) / (1 / 6)),  # a tie in lift and articles:
        (date(2017, 4, 1), "minsk", 2, (2 / 4) / (1 / 6)),  # alphabetical
        # May: 2 articles; baseline February..April: 7. oil: 1 in March + 2 in April (January's
        # is out of the window); sanctions: 3 in April. A tie: alphabetical.
        (date(2017, 5, 1), "oil", 2, (2 / 2) / ((3 + 1) / (7 + 1))),
        (date(2017, 5, 1), "sanctions", 2, (2 / 2) / ((3 + 1) / (7 + 1))),
    ]


def test_trend_terms_monthly_keeps_the_top_20_of_a_month(con):
    words = ("alfa bravo charlie delta echo foxtrot golf hotel india juliett kilo lima mike "
             "november oscar papa quebec romeo sierra tango uniform").split()
    add_article(con, "jan", "nothing new", published_at="2017-01-10 12:00:00+03")
    add_article(con, "feb1", " ".join(words), published_at="2017-02-10 12:00:00+03")
    add_article(con, "feb2", " ".join(words), published_at="2017-02-11 12:00:00+03")
    refresh_similarity(con)
    got = rows(con, "select month, term, articles, lift from trend_terms_monthly")
    assert got == [(date(2017, 2, 1), word, 2, 1 / ((0 + 1) / (1 + 1))) for word in sorted(words)[:20]]


# ---- similarity_content


def python_tokens(text):
    # written apart from the SQL: runs of letters and digits with a letter in them, lower case,
    # ё as е, two characters or more
    return [t for t in re.findall(r"[^\W_]+", text.lower().replace("ё", "е"))
            if len(t) >= 2 and any(c.isalpha() for c in t)]


def python_top10(articles, stopwords):
    """articles: {url: (language, body)} -> [(url_a, url_b, score, rank)], all pairs, exact."""
    counts = {url: Counter(t for t in python_tokens(body) if t not in stopwords)
              for url, (_, body) in articles.items()}
    vectors = {}
    for language in {lang for lang, _ in articles.values()}:
        urls = [u for u, (lang, _) in articles.items() if lang == language and counts[u]]
        df = Counter(t for u in urls for t in counts[u])
        n = len(urls)
        for u in urls:
            vectors[u] = {t: tf * math.log(n / df[t]) for t, tf in counts[u].items() if 2 <= df[t] and 2 * df[t] <= n}
    norms = {u: math.sqrt(sum(w * w for w in v.values())) for u, v in vectors.items()}
    result = []
    for a, va in vectors.items():
        scored = []
        for b, vb in vectors.items():
            if b == a or articles[a][0] != articles[b][0]:
                continue
            dot = sum(w * vb[t] for t, w in va.items() if t in vb)
            if dot > 0:
                scored.append((-round(dot / (norms[a] * norms[b]), 12), b))
        for rank, (negative, b) in enumerate(sorted(scored)[:10], start=1):
            result.append((a, b, -negative, rank))
    return sorted(result, key=lambda row: (row[0], row[3]))


def stored_top10(con):
    return rows(con, "select url_a, url_b, score, rank from similarity_content order by url_a, rank")


def assert_same_neighbours(got, expected):
    assert [(a, b, r) for a, b, _, r in got] == [(a, b, r) for a, b, _, r in expected]
    for (a, b, score, _), (_, _, want, _) in zip(got, expected):
        assert score == pytest.approx(want, abs=1e-9), (a, b)
        assert 0.0 <= score <= 1.0


def load_corpus(con, corpus):
    for url, (language, body) in corpus.items():
        add_article(con, url, body, language=language)
    refresh_similarity(con)


def stopword_set(con):
    return {w for (w,) in rows(con, "select word from internal.stopwords")}


def test_similarity_content_scores_are_tf_idf_cosines(con):
    rng = random.Random(7)
    en_pool = "minsk kyiv moscow warsaw trade oil gas potash army border visa election court".split()
    ru_pool = "минск киев москва варшава торговля нефть газ калий армия граница виза выборы суд".split()
    corpus = {}
    for i in range(12):
        words = rng.choices(en_pool, k=rng.randint(4, 12)) + rng.choices(["the", "of", "and"], k=3)
        corpus[f"https://x/en/{i:02d}"] = ("en", " ".join(words).capitalize() + ".")
    for i in range(8):
        words = rng.choices(ru_pool, k=rng.randint(4, 12)) + rng.choices(["и", "в", "не"], k=3)
        corpus[f"https://x/ru/{i:02d}"] = ("ru", " ".join(words).upper())
    load_corpus(con, corpus)
    expected = python_top10(corpus, stopword_set(con))
    assert len(expected) > 100  # most articles have a full top 10
    assert_same_neighbours(stored_top10(con), expected)


def test_similarity_content_breaks_ties_by_url_and_keeps_ten(con):
    # b00..b11 are the same text: every pair ties at 1.0, so the smaller urls win.
    corpus = {f"b{i:02d}": ("en", "potash potash belaruskali") for i in range(12)}
    corpus.update({f"z{i}": ("en", f"filler{i} filler{i + 1}") for i in range(12)})
    load_corpus(con, corpus)
    got = [row for row in stored_top10(con) if row[0] == "b05"]
    others = [f"b{i:02d}" for i in range(12) if i != 5][:10]  # never itself, ten at most
    assert got == [("b05", b, 1.0, rank) for rank, b in enumerate(others, start=1)]


def test_similarity_content_ignores_stop_words(con):
    corpus = {
        "a": ("en", "the and of alpha beta"),
        "b": ("en", "the and of gamma delta"),  # shares only stop words with a
        "c": ("en", "alpha beta"),
        "d": ("en", "gamma delta"),
    }
    load_corpus(con, corpus)
    assert stored_top10(con) == [("a", "c", 1.0, 1), ("b", "d", 1.0, 1), ("c", "a", 1.0, 1), ("d", "b", 1.0, 1)]


def test_similarity_content_pairs_articles_of_one_language_only(con):
    corpus = {
        "en1": ("en", "nato summit"), "en2": ("en", "nato summit"), "en3": ("en", "oil"), "en4": ("en", "gas"),
        "ru1": ("ru", "nato саммит"), "ru2": ("ru", "nato саммит"), "ru3": ("ru", "нефть"), "ru4": ("ru", "газ"),
    }
    load_corpus(con, corpus)
    assert stored_top10(con) == [
        ("en1", "en2", 1.0, 1), ("en2", "en1", 1.0, 1), ("ru1", "ru2", 1.0, 1), ("ru2", "ru1", 1.0, 1),
    ]


def many_term_corpus(articles: int = 60) -> dict:
    """Articles with far more distinct terms than PRUNING["top_terms"], in 8 topics."""
    rng = random.Random(3)
    vocabulary = [f"w{i:03d}x" for i in range(400)]
    topics = [rng.sample(vocabulary, 60) for _ in range(8)]
    corpus = {}
    for i in range(articles):
        words = rng.choices(topics[i % 8], k=120) + rng.choices(vocabulary, k=120)
        corpus[f"a{i:03d}"] = ("en", " ".join(words))
    return corpus


def test_a_small_archive_gets_the_exact_top_10(con):
    # Up to PRUNING["exact_up_to"] articles nothing is pruned, however many terms they have.
    corpus = many_term_corpus()
    load_corpus(con, corpus)
    assert_same_neighbours(stored_top10(con), python_top10(corpus, stopword_set(con)))


def test_similarity_content_is_exact_in_score_and_near_exact_in_neighbours_when_pruning(con, monkeypatch):
    # Candidates are pruned (as in an archive over PRUNING["exact_up_to"] articles): stored scores
    # must still be the exact cosines, and nearly all true neighbours found.
    monkeypatch.setitem(similarity.PRUNING, "exact_up_to", 0)
    corpus = many_term_corpus()
    load_corpus(con, corpus)
    assert rows(con, "select min(c) from (select count(*) c from internal.int_article_terms group by url)")[0][0] \
        > 1.5 * PRUNING["top_terms"]
    got, expected = stored_top10(con), python_top10(corpus, stopword_set(con))
    exact = {(a, b): score for a, b, score, _ in expected}
    for a, b, score, _ in got:  # every stored score is the true cosine, wherever it ranks
        pair_score = exact.get((a, b))
        if pair_score is not None:
            assert score == pytest.approx(pair_score, abs=1e-9)
    recall = len({(a, b) for a, b, _, _ in got} & set(exact)) / len(exact)
    assert recall >= 0.9
    for url in corpus:  # ranks follow scores
        scores = [s for a, _, s, _ in got if a == url]
        assert scores == sorted(scores, reverse=True)


@pytest.mark.slow
def test_pruned_candidates_are_ranked_by_cosine_not_by_dot_product(con, monkeypatch):
    # A long article has a long vector: its dot product with everything is large while its
    # cosine is not. Pruning must keep the candidates with the best cosines, or the long articles
    # crowd every shortlist. Here each text is repeated 1 to 6 times (the cosines stay the same).
    monkeypatch.setitem(similarity.PRUNING, "exact_up_to", 0)
    monkeypatch.setitem(similarity.PRUNING, "shortlist", 15)
    monkeypatch.setitem(similarity.PRUNING, "shortlist_terms", 0)  # 15 candidates, not more
    corpus = {url: (language, " ".join([body] * (1 + i % 6)))
              for i, (url, (language, body)) in enumerate(many_term_corpus(120).items())}
    load_corpus(con, corpus)
    got, expected = stored_top10(con), python_top10(corpus, stopword_set(con))
    recall = len({(a, b) for a, b, _, _ in got} & {(a, b) for a, b, _, _ in expected}) / len(expected)
    assert recall >= 0.9


def test_similarity_in_chunks_of_documents_equals_one_chunk(con, monkeypatch):
    # The refresh computes neighbours a chunk of documents at a time to bound its memory; an
    # article's neighbours must not depend on which chunk it falls in.
    rng = random.Random(5)
    vocabulary = [f"t{i:03d}y" for i in range(300)]
    corpus = {f"d{i:02d}": ("en" if i % 3 else "ru", " ".join(rng.choices(vocabulary[: 60 + i], k=150)))
              for i in range(40)}
    load_corpus(con, corpus)
    whole = stored_top10(con)
    monkeypatch.setattr(similarity, "CHUNK_DOCUMENTS", 3)
    refresh_similarity(con)
    assert len(whole) > 200  # most of the 40 articles have 10 neighbours
    assert stored_top10(con) == whole


def article_terms(con):
    return rows(con, "select url, term, tf from internal._article_terms order by all")


def test_refresh_counts_only_what_changed_and_ends_as_a_full_recount(con):
    # The refresh recounts new and changed articles and drops the terms of deleted ones; the
    # result must equal counting everything from scratch.
    load_corpus(con, {"a": ("en", "alpha beta beta"), "b": ("en", "gamma delta"), "c": ("en", "epsilon")})
    untouched = rows(con, "select * from internal._article_terms_source where url = 'a'")
    change_body(con, "b", "zeta zeta eta")
    con.execute("delete from articles where url = 'c'")
    add_article(con, "d", "theta iota")
    refresh_similarity(con)
    assert article_terms(con) == [("a", "alpha", 1), ("a", "beta", 2), ("b", "eta", 1), ("b", "zeta", 2),
                                  ("d", "iota", 1), ("d", "theta", 1)]
    assert rows(con, "select * from internal._article_terms_source where url = 'a'") == untouched
    incremental = article_terms(con)
    con.execute("delete from internal._article_terms_source")  # forget every count: all are recounted
    refresh_similarity(con)
    assert article_terms(con) == incremental


def test_a_changed_stop_word_list_recounts_every_article(con, tmp_path):
    import shutil
    from warehouse.config import SQL_DIR

    load_corpus(con, {"a": ("en", "alpha beta"), "b": ("en", "beta gamma")})
    sql_dir = tmp_path / "sql"
    shutil.copytree(SQL_DIR, sql_dir)
    with open(sql_dir / "data" / "stopwords.csv", "a", encoding="utf-8") as csv:
        csv.write("en,beta\n")
    refresh_similarity(con, sql_dir)
    assert article_terms(con) == [("a", "alpha", 1), ("b", "gamma", 1)]


def test_count_terms_counts_ahead_of_the_refresh(con):
    corpus = {"a": ("en", "alpha beta"), "b": ("en", "alpha beta"), "d": ("en", "gamma"), "e": ("en", "gamma")}
    load_corpus(con, {**corpus, **{f"f{i}": ("en", f"filler{i}") for i in range(4)}})
    before = stored_top10(con)
    add_article(con, "c", "alpha gamma")
    similarity.count_terms(con)
    assert [row for row in article_terms(con) if row[0] == "c"] == [("c", "alpha", 1), ("c", "gamma", 1)]
    assert stored_top10(con) == before  # the similarity waits for the refresh
    refresh_similarity(con)
    assert "c" in {a for a, _, _, _ in stored_top10(con)}


def test_similarity_refresh_replaces_the_previous_result(con):
    load_corpus(con, {"a": ("en", "alpha beta"), "b": ("en", "alpha beta"), "c": ("en", "x1"), "d": ("en", "x2")})
    change_body(con, "b", "gamma")
    refresh_similarity(con)
    assert stored_top10(con) == []
