"""FieldCoverage: a crawl's count, per field (warehouse/coverage.py: the item's extracted fields
and the date as one field, published_on), of the articles that have it and of the rule that
found it, with the thresholds that judge a collapse (the COVERAGE_* settings; their reasons are
in settings.py). The run record (crawler/extensions.py) counts the stored articles into it and
hands its rows to Warehouse.record_coverage, which decides."""

from __future__ import annotations

from collections import Counter

from itemadapter import ItemAdapter
from scrapy.exceptions import UsageError

from warehouse import coverage


class FieldCoverage:
    def __init__(self, checked: list[str] | None = None, *, min_items: int = 20, baseline_runs: int = 5,
                 drop_ratio: float = 0.5, drop_absolute: float = 0.25):
        self.fields = coverage.recorded_fields()
        self.checked = list(checked or coverage.judged_fields())
        unknown = sorted(set(self.checked) - set(self.fields))
        if unknown:
            raise UsageError(f"COVERAGE_FIELDS names unknown field(s) {unknown}; choose from {', '.join(self.fields)}")
        self.thresholds = {"min_items": min_items, "baseline_runs": baseline_runs,
                           "drop_ratio": drop_ratio, "drop_absolute": drop_absolute}
        self.items = 0
        self.present: Counter[str] = Counter()
        self.rules: dict[str, Counter[str]] = {name: Counter() for name in self.fields}

    @classmethod
    def from_settings(cls, settings) -> FieldCoverage:
        return cls(settings.getlist("COVERAGE_FIELDS") or None,
                   min_items=settings.getint("COVERAGE_MIN_ITEMS", 20),
                   baseline_runs=settings.getint("COVERAGE_BASELINE_RUNS", 5),
                   drop_ratio=settings.getfloat("COVERAGE_DROP_RATIO", 0.5),
                   drop_absolute=settings.getfloat("COVERAGE_DROP_ABSOLUTE", 0.25))

    def add(self, item) -> None:
        """Count one stored article (an ArticleItem that passed every pipeline)."""
        self.items += 1
        adapter = ItemAdapter(item)
        for name in self.fields:
            if coverage.has(adapter, name):
                self.present[name] += 1
            self.rules[name][coverage.rule(adapter, item.rules, name)] += 1

    def rows(self) -> list[dict]:
        return [{"field": name, "items": self.items, "present": self.present[name], "rules": dict(self.rules[name])}
                for name in self.fields]

    def shares(self) -> dict[str, float]:
        if not self.items:
            return {}
        return {name: round(self.present[name] / self.items, 3) for name in self.fields}
