"""similarity_content when heavy terms are heavy in a large share of the archive: a site that
writes about the same few topics. Pass 1 then walks only part of each article's heavy terms
(PRUNING["candidate_postings"], sql/refresh/03_similarity_vectors.sql); every article must still
get its true neighbours, with exact scores."""

from __future__ import annotations

import random

import pytest

from warehouse import similarity

from .test_views import con, load_corpus, python_top10, rows, stopword_set, stored_top10  # noqa: F401

TOPICS, STORIES, STORY_SIZE = 4, 6, 5  # 120 articles: each topic's words are in 30 of them


def topical_corpus() -> tuple[dict, dict]:
    """Each article: its topic's 10 words, each several times (heavy in a quarter of the archive),
    its story's 6 words (shared with 4 other articles: its true nearest neighbours) and filler.
    Returns the corpus and each article's story mates."""
    rng = random.Random(11)
    topic_words = [[f"topic{t}word{w}" for w in range(10)] for t in range(TOPICS)]
    filler = [f"filler{i:03d}" for i in range(300)]
    corpus, mates = {}, {}
    for t in range(TOPICS):
        for s in range(STORIES):
            story_words = [f"story{t}x{s}word{w}" for w in range(6)]
            urls = [f"t{t}s{s}a{a}" for a in range(STORY_SIZE)]
            for url in urls:
                words = [w for w in topic_words[t] for _ in range(rng.randint(3, 6))]
                words += [w for w in story_words for _ in range(rng.randint(1, 3))]
                words += rng.choices(filler, k=40)
                rng.shuffle(words)
                corpus[url] = ("en", " ".join(words))
                mates[url] = {u for u in urls if u != url}
    return corpus, mates


def refresh_pruned(con, monkeypatch, corpus, candidate_postings):
    monkeypatch.setitem(similarity.PRUNING, "exact_up_to", 0)
    monkeypatch.setitem(similarity.PRUNING, "candidate_postings", candidate_postings)
    load_corpus(con, corpus)


def test_common_heavy_terms_do_not_all_find_candidates_yet_every_neighbour_is_found(con, monkeypatch):
    corpus, mates = topical_corpus()
    refresh_pruned(con, monkeypatch, corpus, candidate_postings=60)
    # the topic words are heavy in 30 articles each: an article walks a few of them, not all
    postings = dict(rows(con, "select term_id, postings from _similarity_term_postings"))
    assert max(postings.values()) >= 30
    walked = rows(con, """
        select doc, count(*), sum(postings) from _similarity_generating_terms join _similarity_term_postings
        using (term_id) group by doc""")
    heavy = dict(rows(con, "select doc, count(*) from _similarity_heavy_terms group by doc"))
    assert len(walked) == len(corpus)  # every article finds candidates
    assert all(terms < heavy[doc] for doc, terms, _ in walked)
    assert all(total < 60 + 30 for _, _, total in walked)  # the budget, overrun by one term at most

    got, expected = stored_top10(con), python_top10(corpus, stopword_set(con))
    exact = {(a, b): score for a, b, score, _ in expected}
    for a, b, score, _ in got:  # every stored score is the exact cosine
        assert score == pytest.approx(exact.get((a, b), -1.0), abs=1e-9)
    for url, story in mates.items():  # the true nearest neighbours, first
        assert {b for a, b, _, rank in got if a == url and rank <= len(story)} == story
    recall = len({(a, b) for a, b, _, _ in got} & set(exact)) / len(exact)
    assert recall >= 0.9


def test_an_article_whose_heaviest_term_alone_exceeds_the_budget_still_finds_candidates(con, monkeypatch):
    corpus, mates = topical_corpus()
    refresh_pruned(con, monkeypatch, corpus, candidate_postings=1)
    assert rows(con, "select count(distinct doc), max(n) from (select doc, count(*) n from _similarity_generating_terms "
                     "group by doc)") == [(len(corpus), 1)]
    got = stored_top10(con)
    assert {a for a, _, _, _ in got} == set(corpus)
