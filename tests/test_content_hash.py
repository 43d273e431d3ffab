"""The content hash that decides versions (crawler/pipelines.py): made of the item's content
fields, and unchanged for every article stored before the weekly rendering's fields existed, so
that an upgrade does not turn every stored article into a new version at the next crawl."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest
from itemadapter import ItemAdapter

from crawler.items import ArticleItem, article_fields
from crawler.pipelines import HASHED_ALWAYS, content_hash

MINSK = timezone(timedelta(hours=3))


def hash_of(item: ArticleItem) -> str:
    return content_hash(ItemAdapter(item))


def formula_before_the_weekly_fields(item: ArticleItem) -> str:
    """The hash as the crawler computed it before period, authors and status words were fields."""
    content = {name: getattr(item, name) for name in ("title", "published_at", "category_status", "photo_credit", "body")}
    if content["published_at"] is not None:
        content["published_at"] = content["published_at"].isoformat()
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def dated(**fields) -> ArticleItem:
    """An article of the dated rendering as today's extraction gives it: the icon's text kept."""
    base = dict(url="https://belarusinfocus.pro/politics/a", site="https://belarusinfocus.pro", language="en",
                category="politics", title="Lukashenko and the elite",
                published_at=datetime(2017, 9, 18, 10, 50, tzinfo=MINSK), category_status="negative",
                category_status_text="negative", photo_credit="BelTA", body="One.\n\nTwo.")
    return ArticleItem(**{**base, **fields})


def weekly(**fields) -> ArticleItem:
    base = dict(published_at=None, period_start=date(2016, 8, 22), period_end=date(2016, 8, 28),
                authors=["Anna Maria"], category_status_text="The situation got worse")
    return dated(**{**base, **fields})


def test_a_dated_article_keeps_the_hash_it_was_stored_with():
    # pinned: computed by the crawler before the upgrade
    assert hash_of(dated()) == "59c7771c0003b3d20bc2c1759780d79be40d1a9f5e9a4eba2a5e9d58da83da0e"
    bare = dated(published_at=None, category_status=None, category_status_text=None, photo_credit=None)
    assert hash_of(bare) == "a0505acfb038e4f184a32ebea94523986268a47089ed649128d72f6e783674ba"


@pytest.mark.parametrize("fields", [
    {}, {"category_status_text": "status-red.png"}, {"category_status_text": None}, {"photo_credit": None},
    {"published_at": None}, {"category_status": None, "category_status_text": None}, {"title": "Другой заголовок"},
], ids=["icon-text", "icon-file", "no-icon-text", "no-credit", "no-date", "no-status", "russian-title"])
def test_dated_articles_hash_as_before_whatever_the_icon_showed(fields):
    item = dated(**fields)
    assert hash_of(item) == formula_before_the_weekly_fields(item)


def test_every_content_field_can_change_the_hash():
    base = weekly(category_status=None)  # status words count only when they gave no status
    changed = {"title": "Other", "published_at": datetime(2016, 8, 28, 12, 0, tzinfo=MINSK),
               "period_start": date(2016, 8, 21), "period_end": date(2016, 8, 29), "authors": ["Vadim"],
               "category_status": "neutral", "category_status_text": "The situation is unclear",
               "photo_credit": "Reuters", "body": "Other body."}
    assert set(changed) == set(article_fields("content")), "a content field without a case here"
    for name, value in changed.items():
        assert hash_of(replace(base, **{name: value})) != hash_of(base), f"{name} does not reach the hash"


def test_status_words_count_only_when_they_gave_no_status():
    worse = weekly(category_status="negative")
    assert hash_of(replace(worse, category_status_text="The situation deteriorated")) == hash_of(worse)
    unknown = weekly(category_status=None, category_status_text="The situation is unclear")
    assert hash_of(replace(unknown, category_status_text="Nobody knows")) != hash_of(unknown)


def test_the_authors_order_and_the_week_are_content():
    two = weekly(authors=["Anna", "Vadim"])
    assert hash_of(replace(two, authors=["Vadim", "Anna"])) != hash_of(two)
    assert hash_of(replace(two, authors=[])) != hash_of(two)


def test_the_fields_hashed_always_are_content_fields():
    assert set(HASHED_ALWAYS) <= set(article_fields("content"))
