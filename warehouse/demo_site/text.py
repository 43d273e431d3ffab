"""Seeded text generation: titles, analytical paragraphs, leads and URL slugs.

Everything takes a `random.Random` so one seed always gives the same words.
"""

from __future__ import annotations

import random
import re

from warehouse.demo_site.vocabulary import (
    EVENTS, EVENTS_BE, PARTNERS, PERIODS, SENTENCES, SHARED_ACTORS, TITLE_OUTCOMES, TITLES, TOPIC_ACTORS,
    TOPIC_PHRASES,
)

# Drupal pathauto's default "strings to remove", so generated slugs look like the seed's
# ("minsk-seeks-reduce-military-technical-dependence-russia").
_PATHAUTO_IGNORE = frozenset(
    "a an as at before but by for from is in into like of off on onto per since than the this that "
    "to up via with".split()
)


def slugify(title: str) -> str:
    words = re.sub(r"[^a-z0-9\s-]", "", title.lower().replace("’", "").replace("'", "")).split()
    kept = [w.strip("-") for w in words if w not in _PATHAUTO_IGNORE]
    return "-".join(w for w in kept if w)[:100].rstrip("-")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def event_phrases(category: str, language: str, month: str) -> list[str]:
    """Phrases of the events running in `month` ("YYYY-MM") in this topic."""
    running = [e for e in EVENTS if e[2] == category and e[0] <= month <= e[1]]
    if language == "be":
        return [EVENTS_BE[e[3]] for e in running]
    return [e[3 if language == "en" else 4] for e in running]


def _slots(rng: random.Random, category: str, language: str, month: str) -> dict[str, str]:
    phrases = TOPIC_PHRASES[category][language]
    events = event_phrases(category, language, month)
    x, y = rng.sample(phrases, 2)
    if events and rng.random() < 0.35:
        x = rng.choice(events)
    partner = rng.randrange(len(PARTNERS["en"]))
    cases = "be" if language == "be" else "ru"
    number = f"{rng.uniform(0.5, 14.9):.1f}"
    return {
        "X": x,
        "Y": y,
        "A": rng.choice(SHARED_ACTORS[language] + TOPIC_ACTORS[category][language]),
        "P": PARTNERS["en"][partner],
        "Pn": PARTNERS[f"{cases}_nom"][partner],
        "Pi": PARTNERS[f"{cases}_ins"][partner],
        "Pg": PARTNERS[f"{cases}_gen"][partner],
        "T": rng.choice(PERIODS[language]),
        "N": number if language == "en" else number.replace(".", ","),
        "O": rng.choice(TITLE_OUTCOMES[language]),
    }


def make_title(rng: random.Random, category: str, language: str, month: str) -> str:
    return _cap(rng.choice(TITLES[language]).format(**_slots(rng, category, language, month)))


def make_paragraphs(rng: random.Random, category: str, language: str, month: str) -> list[str]:
    """3-8 paragraphs, about 300-700 words, on the topic and the events of `month`."""
    target = rng.randint(320, 660)
    sentences: list[str] = []
    words = 0
    deck: list[str] = []  # templates dealt without repeats until all are used, then reshuffled
    while words < target:
        if not deck:
            deck = rng.sample(SENTENCES[language], len(SENTENCES[language]))
        sentence = _cap(deck.pop().format(**_slots(rng, category, language, month)))
        sentences.append(sentence)
        words += len(sentence.split())
    count = min(rng.randint(3, 8), len(sentences) // 2)
    # Split the sentences into `count` runs of nearly equal length.
    cuts = [round(i * len(sentences) / count) for i in range(count + 1)]
    return [" ".join(sentences[a:b]) for a, b in zip(cuts, cuts[1:])]


def make_lead(paragraph: str, limit: int = 260) -> str:
    """A teaser lead: the first paragraph, cut at a word boundary when long."""
    if len(paragraph) <= limit + 60:
        return paragraph
    return paragraph[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"
