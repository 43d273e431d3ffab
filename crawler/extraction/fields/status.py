"""category_status and category_status_text: what the page says of the situation.

The dated rendering shows an icon after ``Category status:``; its word is in the icon's
alt/title text, file name or class ("label": right after the label; "structure": a known status
icon between the title and the date; "css": an icon inside a *status* class). The weekly
rendering shows a sentence ("The situation got worse"), mapped by the stems of its words
("label"). Either way the stored status is positive/negative/neutral or None, and the text is
what the page showed: the sentence, or the icon's text or file name.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import labels
from ..icons import read_icon, shown_text
from ..labels import status_word
from .body import candidate_lines

_STATUS_WINDOW = 60  # positions after the label within which the icon must start
_KNOWN = frozenset(labels.STATUS_WORDS)


@dataclass(frozen=True)
class StatusHit:
    word: str | None  # positive | negative | neutral, None when the page's words map to none
    text: str | None  # what the page showed


def _hit(word: str | None, text: str | None) -> StatusHit | None:
    if not word and not text:
        return None
    return StatusHit(word if word in _KNOWN else None, text or word)


def _icon_hit(el, word: str | None) -> StatusHit | None:
    return _hit(word, shown_text(el) or word)


# ---- dated: an icon


def _after_label(marks) -> StatusHit | None:
    if marks.anchor is None:
        return None
    line, pos = marks.anchor.line, marks.anchor.pos
    limit = pos + _STATUS_WINDOW
    # The icon sits next to its label: in the label's block or a sibling of it
    # (<dt>/<dd>, field-label/field-items), never further out (the article photo).
    parent = line.block.getparent() if line.block is not None else None
    if parent is not None and parent.tag not in ("body", "html"):
        limit = min(limit, marks.doc.end.get(parent, limit) + 1)
    return _in_window(marks.doc, pos, limit)


def _in_window(doc, pos: int, limit: int) -> StatusHit | None:
    """The first icon after ``pos`` and before the next text with content (the date),
    preferring a known status word; a hidden text status word counts too. An unknown word
    counts only if it is one word or two: a longer alt text describes a photo."""
    text_hit = None
    index = doc.next_token_after(pos)
    for index in range(index, min(index + 6, len(doc.token_pos))):
        token = doc.token_text(index)
        if not any(ch.isalnum() for ch in token):
            continue
        word, known = status_word(token)
        if word is None and not any(ch.isdigit() for ch in token):
            continue  # "Status", "icon": generic words around the icon
        limit = min(limit, doc.token_pos[index])
        if known and len(token) <= 40:
            text_hit = StatusHit(word, token)
        break
    fallback = None
    for marker in doc.icons_between(pos, limit):
        word, known = read_icon(marker.el)
        if known:
            return _icon_hit(marker.el, word)
        if word and word.count("-") <= 1 and not is_photo(marker.el):
            fallback = fallback or _icon_hit(marker.el, word)
    return text_hit or fallback


def _between_title_and_date(marks) -> StatusHit | None:
    if marks.title is None or marks.title.pos is None:
        return None
    start = marks.title.pos
    if marks.date_line is not None:
        end = marks.date_line[0] + 1
    else:  # no date: up to the first body paragraph
        body = [line for line in candidate_lines(marks) if len(line.text) > 150]
        if not body:
            return None
        end = body[0].start
    for marker in marks.doc.icons_between(start, end):
        if marks.in_teaser_block(marker.pos):  # a teaser box between the title and the body
            continue
        word, known = read_icon(marker.el)
        if known and (not marker.chrome or marks.title_in_chrome) and not is_photo(marker.el):
            return _icon_hit(marker.el, word)
    return None


def _from_css(marks) -> StatusHit | None:
    doc = marks.doc
    start, end = marks.region
    for el in doc.root.xpath(
        "//*[contains(translate(@class, 'STATUS', 'status'), 'status')"
        " or contains(translate(@id, 'STATUS', 'status'), 'status')]"
    ):
        lo, hi = doc.start.get(el), doc.end.get(el)
        if lo is None or not start <= lo < end:
            continue
        for marker in doc.icons_between(lo - 1, hi + 1):
            if marker.chrome or marks.in_teaser_block(marker.pos):
                continue
            word, _known = read_icon(marker.el)
            if word:
                return _icon_hit(marker.el, word)
    return None


def is_photo(el) -> bool:
    """A picture rather than an icon: inside <figure>/<picture>, or wider/taller than 64 px."""
    for size in (el.get("width"), el.get("height")):
        if size and size.strip().rstrip("px").isdigit() and int(size.strip().rstrip("px")) > 64:
            return True
    parent = el.getparent()
    for _ in range(3):
        if parent is None:
            break
        if parent.tag in ("figure", "picture"):
            return True
        parent = parent.getparent()
    return False


# ---- weekly: a sentence


def _sentence(marks) -> StatusHit | None:
    if marks.anchor is None:
        return None
    text = marks.anchor.line.text
    return StatusHit(labels.sentence_status(text), text)


RULES = {
    "dated": (
        ("label", _after_label),  # the icon right after "Category status:"
        ("structure", _between_title_and_date),  # a known status icon in the header area
        ("css", _from_css),  # an icon inside a *status* class
    ),
    "weekly": (
        ("label", _sentence),  # "The situation got worse", "Ситуация не изменилась"
    ),
}
