"""What a correct extractor returns for an article page of each theme: the ground truth as the
page shows it, field by field, with the item's types (datetime, date, list).

    expected_fields(article, "weekly")["period_start"]  # date(2017, 9, 18)

The dated themes show a date and time, an icon and no author; the weekly theme shows the week,
a sentence and the byline. Both show the same title, credit, body and similar links.
"""

from __future__ import annotations

from warehouse.demo_site.model import DemoArticle
from warehouse.demo_site.pages import icon_text
from warehouse.demo_site.weekly_routes import THEME as WEEKLY

DATED_THEMES = ("classic", "modern", "broken")
THEMES = (*DATED_THEMES, WEEKLY)


def status_text(article: DemoArticle, theme: str) -> str:
    """What the page shows for the status: the weekly sentence; classic's icon alt/title text;
    modern's only trace, the status word in the icon's class name."""
    if theme == WEEKLY:
        return article.weekly_status[1]
    if theme == "classic":
        return icon_text(article.category_status, article.language)
    return article.category_status


def expected_fields(article: DemoArticle, theme: str) -> dict:
    """The extracted fields of the article's page under `theme` (similar_links as root-relative
    (path, title, position) triples; url and site depend on the host and are left to the caller)."""
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}")
    weekly = theme == WEEKLY
    start, end = article.period if weekly else (None, None)
    return {
        "language": article.language,
        "category": article.category,
        "title": article.title,
        "published_at": None if weekly else article.published_at,
        "period_start": start,
        "period_end": end,
        "authors": article.author_names if weekly else [],
        "category_status": article.weekly_status[0] if weekly else article.category_status,
        "category_status_text": status_text(article, theme),
        # the broken theme hides the credit from a label-first extractor (its test expects None)
        "photo_credit": None if theme == "broken" else article.photo_credit,
        "body": article.body,
        "similar_links": article.similar_links,
    }
