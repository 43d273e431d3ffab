"""Field coverage: which article fields a crawl records the coverage of, which of them it judges
(layout drift, Warehouse.record_coverage), and when an article has a field.

The fields are ArticleItem's extracted ones (crawler.items.article_fields), plus `published_on`,
the date as an analyst's trends read it: published_at on a dated page, the week (period_end) on a
weekly one. The date is judged as that one field, so that a site switching rendering, which swaps
published_at for the week, is not a collapse of published_at. Authors are recorded, not judged: a
page naming no author is legitimate.

Used by the crawl's CoverageGuard (crawler/extensions.py) and by `warehouse status`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from crawler.items import article_fields

DATE_FIELD = "published_on"
# Recorded but never judged (see the module docstring).
NOT_JUDGED = frozenset({"published_at", "period_start", "period_end", "authors"})
# The rule counted for category_status when the page showed a status in words the extractor could
# not map (category_status NULL, category_status_text kept): it shows in crawl_coverage.rules.
UNKNOWN_STATUS_RULE = "unknown-words"
# The rule counted for a field no rule found.
NO_RULE = "none"


@cache
def recorded_fields() -> tuple[str, ...]:
    """Every field whose coverage a run records, in the item's order, published_on after the week."""
    fields = list(article_fields("extracted"))
    fields.insert(fields.index("period_end") + 1 if "period_end" in fields else len(fields), DATE_FIELD)
    return tuple(fields)


def judged_fields() -> tuple[str, ...]:
    """The fields a collapse of coverage fails a crawl for, unless COVERAGE_FIELDS says otherwise."""
    return tuple(name for name in recorded_fields() if name not in NOT_JUDGED)


def has(item: Mapping[str, Any], name: str) -> bool:
    """Whether an article (an ItemAdapter or a dict of its fields) has the field: not None, not empty."""
    if name == DATE_FIELD:
        return item.get("published_at") is not None or item.get("period_end") is not None
    return item.get(name) not in (None, "", [], ())


def rule(item: Mapping[str, Any], rules: Mapping[str, str], name: str) -> str:
    """The name of the rule that found the field, as counted in crawl_coverage.rules."""
    if name == DATE_FIELD:
        if item.get("published_at") is not None:
            return "date:" + rules.get("published_at", "unrecorded")
        if item.get("period_end") is not None:
            return "week:" + rules.get("period_end", rules.get("period_start", "unrecorded"))
        return NO_RULE
    if name == "category_status" and item.get("category_status") is None and item.get("category_status_text"):
        return UNKNOWN_STATUS_RULE
    return rules.get(name, "unrecorded")
