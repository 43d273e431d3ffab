"""Running a field's named rules: the first rule that gives a value wins.

A rule is ``(name, function)``; the function takes the page's landmarks and returns a value or
None. A rule that raises is skipped (logged), so one broken rule never costs the page; a field
no rule fills is None with rule "none" ("error" when a rule raised).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

log = logging.getLogger(__name__)

Rule = tuple[str, Callable]
EMPTY = (None, "", [], ())


def first_value(rules: Sequence[Rule], marks, field: str) -> tuple[object, str]:
    """(value, rule name) of the first rule that gives a value."""
    failed = False
    for name, rule in rules:
        try:
            value = rule(marks)
        except Exception:  # noqa: BLE001 - one broken rule must not cost the page
            log.warning("extraction rule %s.%s failed on %s", field, name, marks.page_url, exc_info=True)
            failed = True
            continue
        if value not in EMPTY:
            return value, name
    return None, "error" if failed else "none"
