"""Who wrote the commentaries: a fixed staff of (fictional) analysts, named in each language,
assigned to articles from the seed. The dated rendering never shows them; the weekly one does
(`by A`, `by A and B`, `by A, B`, or a bare `by`)."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    slug: str  # the author archive: /author/<slug>/
    en: str
    ru: str
    be: str

    def name(self, language: str) -> str:
        return getattr(self, language)


STAFF = (
    Person("alena-kavaliova", "Alena Kavaliova", "Алёна Ковалёва", "Алена Кавалёва"),
    Person("ihar-dubrouski", "Ihar Dubrouski", "Игорь Дубровский", "Ігар Дуброўскі"),
    Person("maryna-sakalova", "Maryna Sakalova", "Марина Соколова", "Марына Сакалова"),
    Person("pavel-hrynevich", "Pavel Hrynevich", "Павел Гриневич", "Павел Грыневіч"),
    Person("volha-zhuravel", "Volha Zhuravel", "Ольга Журавель", "Вольга Жураўль"),
    Person("siarhei-lukyanchyk", "Siarhei Lukyanchyk", "Сергей Лукьянчик", "Сяргей Лук'янчык"),
    Person("kiryl-tsikhanau", "Kiryl Tsikhanau", "Кирилл Тихонов", "Кірыл Ціханаў"),
    Person("hanna-dabravolskaya", "Hanna Dabravolskaya", "Анна Добровольская", "Ганна Дабравольская"),
)


def assign_authors(seed: int, articles: list) -> None:
    """Give each article its authors (none for about one in seven, two for about one in ten) and
    whether the page links their names. Uses its own random stream, so the rest of the site
    does not change with it."""
    rng = random.Random(f"{seed}:authors")
    for article in articles:
        roll = rng.random()
        count = 0 if roll < 0.15 else 2 if roll < 0.25 else 1
        article.authors = tuple(rng.sample(STAFF, count))
        article.author_links = rng.random() < 0.55


def by_slug(slug: str) -> Person | None:
    return next((p for p in STAFF if p.slug == slug), None)
