"""What loading batches did, as `warehouse load` and a crawl's log report it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class LoadResult:
    """What loading one batch (or a whole spool, summed) did."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0  # error records stored in crawl_errors
    invalid: int = 0  # article records lacking a required field (stored as 'invalid' errors)
    moved: int = 0  # stored articles moved to the site's new host ('moved' records)
    torn: int = 0  # torn last lines of crashed runs' batches, skipped
    batches: int = 0  # batch files loaded by this call
    skipped: int = 0  # batch files found already loaded (no-op)
    indexed: int = 0  # archived responses added to `captures` (Warehouse.index_archive)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (batch name, why) left on disk
    # (batch name, the warehouse it names) of other warehouses' batches found and left alone
    foreign: list[tuple[str, str]] = field(default_factory=list)

    def __iadd__(self, other: LoadResult) -> LoadResult:
        for name in ("new", "updated", "unchanged", "errors", "invalid", "moved", "torn", "batches", "skipped",
                     "indexed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.failed.extend(other.failed)
        self.foreign.extend(other.foreign)
        return self

    def summary(self) -> str:
        text = (
            f"{self.batches} batch(es) loaded: {self.new} new, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.invalid} invalid, {self.errors} error record(s)"
        )
        notes = [
            (self.moved, f"{self.moved} moved to the site's new host"),
            (self.skipped, f"{self.skipped} already loaded"),
            (self.torn, f"{self.torn} torn line(s) of crashed runs skipped"),
            (self.indexed, f"{self.indexed} archived response(s) indexed"),
            (self.failed, f"{len(self.failed)} batch(es) failed"),
            (self.foreign, f"{len(self.foreign)} batch(es) of another warehouse left in place"),
        ]
        return text + "".join(f"; {note}" for present, note in notes if present)
