"""photo_credit: who took the article's photo, without its label.

Rules: a credit label in the article ("label": ``Photo: X``, ``Фото: X``, ``Фота: X``, also
inside a caption "… Фота: X", or the label alone with the value on the next line); an element
with a *credit*/*copyright* class ("css"). Both renderings show it the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import labels
from ..dates import is_date_text
from ..text import match_label, strip_label

_MAX_CREDIT_LINE = 300
_MAX_META_LINE = 200  # a longer line that is not a caption is prose citing a photo


@dataclass(frozen=True)
class Credit:
    """The photo credit without its label, and the lines it was read from."""

    text: str
    lines: frozenset[int]


def find_credit(marks) -> Credit | None:
    """The first credit label in the article, with the lines it used (the body leaves them out)."""
    doc = marks.doc
    start, end = marks.region
    if marks.container is not None:  # a hero photo may sit above the title inside the article
        start = min(start, doc.start.get(marks.container, start))
    lines = marks.region_lines(start, end)
    for position, line in enumerate(lines):
        if len(line.text) > _MAX_CREDIT_LINE or not marks.is_article_line(line):
            continue
        rest = match_label(
            line.text,
            labels.PHOTO_CREDIT,
            extra_separators=labels.PHOTO_CREDIT_SEPARATORS,
            separators=labels.PHOTO_CREDIT_PUNCTUATION,
        )
        if rest is None:
            rest = credit_inside(line.text, _MAX_CREDIT_LINE if line.caption else _MAX_META_LINE)
        if rest is None:
            continue
        if rest:
            return Credit(rest, frozenset({line.index}))
        # the label alone on its line ("<dt>Photo</dt><dd>Reuters</dd>"): the value follows
        following = lines[position + 1] if position + 1 < len(lines) else None
        if (
            following is not None
            and match_label(following.text, labels.BLOCK_HEADINGS) is None
            and not is_date_text(following.text)
        ):
            return Credit(following.text, frozenset({line.index, following.index}))
    return None


def credit_inside(text: str, max_length: int = _MAX_META_LINE) -> str | None:
    """A credit label after a separator inside a short line: "10:50 | Photo: Reuters", or a
    caption that ends with its credit ("Lukashenka at a meeting. Фота: president.gov.by")."""
    if len(text) > max_length:
        return None
    folded = text.casefold()
    for label in sorted(labels.PHOTO_CREDIT, key=len, reverse=True):
        label = label.casefold()
        at = folded.find(label + ":")
        if at == -1:
            at = folded.find(label + " :")
        if at > 0 and not folded[at - 1].isalnum():
            return text[at + len(label):].lstrip(" :").strip() or None
    return None


def _by_label(marks) -> str | None:
    return marks.credit.text if marks.credit else None


def _from_css(marks) -> str | None:
    doc = marks.doc
    for el in doc.root.xpath(
        "//*[contains(@class, 'credit') or contains(@class, 'copyright') or contains(@class, 'photo-author')"
        " or contains(@class, 'Credit')]"
    ):
        if not marks.css_candidate(el):
            continue
        text = strip_label(doc.text_of(el), labels.PHOTO_CREDIT)
        if text and len(text) <= _MAX_CREDIT_LINE:
            return text
    return None


_RULES = (
    ("label", _by_label),  # "Фото: …" / "Photo: …" / "Фота: …" in the article
    ("css", _from_css),  # an element with a *credit*/*copyright* class
)
RULES = {"dated": _RULES, "weekly": _RULES}
