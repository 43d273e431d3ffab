"""body: the article's paragraphs (the lead included), separated by a blank line.

This site's pages (``foreign.is_site_page``): the paragraphs of the article's region after its
meta lines (status, date, credit, caption, a repeated title) and before the next block
("structure"); the page's block with the most text, filtered the same way ("largest-block").

Another site's page: the same paragraphs when they look like a whole article
("other:structure"), else trafilatura's main text ("fallback:trafilatura"), else ours anyway.
"""

from __future__ import annotations

from .. import fallbacks, labels, main_text
from ..dates import is_date_text
from ..document import Line
from ..foreign import is_site_page
from ..labels import status_word
from ..text import join_paragraphs, match_normalized_label, normalize_whitespace

# Block-level text that counts as a body paragraph when the article has any <p> at all.
PARAGRAPH_TAGS = frozenset({"p", "blockquote", "pre", "li"})
_META_LABELS = labels.PHOTO_CREDIT + labels.CATEGORY_STATUS
_READ_MORE = frozenset(label.strip(" ›»").casefold() for label in labels.READ_MORE)


def is_read_more(text: str | None) -> bool:
    """A teaser's "Read more ›" link text."""
    if not text or len(text) > 40:
        return False
    return normalize_whitespace(text).strip(" ›»→.…>").casefold() in _READ_MORE


def _meta_lines(marks) -> set[int]:
    skip = {marks.anchor.line.index} if marks.anchor else set()
    if marks.credit:
        skip |= marks.credit.lines
    return skip


def _is_meta(marks, line: Line, title: str) -> bool:
    """A line of the article's header rather than its text."""
    if line.text.casefold() == title:  # the title repeated above the body
        return True
    if is_date_text(line.text) or match_normalized_label(line.text, _META_LABELS) is not None:
        return True
    return len(line.text) <= 40 and bool(status_word(line.text)[1]) and len(line.text.split()) <= 3


def candidate_lines(marks) -> list[Line]:
    """Lines that may be body paragraphs, before the <p>-or-not choice."""
    start, end = marks.region
    skip = _meta_lines(marks)
    title = marks.title.text.casefold() if marks.title else ""
    kept = []
    for line in marks.region_lines(start, end):
        if line.index in skip or line.chrome or line.caption or line.heading:
            continue
        if marks.in_teaser_block(line.start) or line.start <= start:  # a teaser's, or the title
            continue
        if line.link_density > 0.5 or is_read_more(line.text) or _is_meta(marks, line, title):
            continue
        kept.append(line)
    # Unlabelled meta lines ("Published", "By …") sit between the title and the body: the
    # body starts after the last status/date/credit line that precedes its first long line.
    first_long = next((line.start for line in kept if len(line.text) > 150), None)
    if first_long is not None:
        meta = [marks.anchor.line.start] if marks.anchor else []
        if marks.date_line:
            meta.append(marks.date_line[0])
        if marks.credit:
            meta.extend(marks.doc.lines[i].start for i in marks.credit.lines)
        floor = max((pos for pos in meta if pos < first_long), default=None)
        if floor is not None:
            kept = [line for line in kept if line.start > floor]
    return kept


def _paragraphs(marks) -> str | None:
    return _assemble(candidate_lines(marks))


def _assemble(lines: list[Line]) -> str | None:
    in_paragraphs = [line for line in lines if line.tag in PARAGRAPH_TAGS]
    if in_paragraphs:
        # With <p> markup, other blocks are chrome-like (tags, share bars, captions), but a
        # long prose block before the last <p> (a lead in a <div>) is still body.
        last = in_paragraphs[-1].start
        lines = [line for line in lines if line.tag in PARAGRAPH_TAGS or (len(line.text) >= 150 and line.start < last)]
    paragraphs: list[str] = []
    previous = None
    for line in lines:
        if previous is not None and line.block is previous.block and line.brs == 1 and line.index == previous.index + 1:
            paragraphs[-1] += " " + line.text  # one <br> breaks a line, two break a paragraph
        else:
            paragraphs.append(line.text)
        previous = line
    return join_paragraphs(paragraphs) or None


def _largest_block(marks) -> str | None:
    # The page-wide fallback, so it filters what the region would have: a page whose article
    # block is gone must yield no body (and be recorded as invalid), not its title, its
    # caption or a teaser's lead.
    title = marks.title.text.casefold() if marks.title else ""
    skip = _meta_lines(marks)
    sizes: dict = {}
    for line in marks.doc.lines:
        if line.chrome or line.link_density > 0.5 or line.block is None or line.heading or line.caption:
            continue
        if line.index in skip or marks.in_teaser_block(line.start):
            continue
        if line.text.casefold() == title or _is_meta(marks, line, title):
            continue
        sizes.setdefault(line.block, []).append(line)
    if not sizes:
        return None
    best = max(sizes.values(), key=lambda group: sum(len(line.text) for line in group))
    return join_paragraphs(line.text for line in best) or None


# ---- another site's page: our reading order when it looks whole, else trafilatura's

_TRUSTED_CHARS = 500  # a body shorter than this lost its article more often than not
_TRUSTED_SHARE = 0.4  # nor may it hold less than this share of the page's readable text


def _on_site(rule):
    return lambda marks: rule(marks) if is_site_page(marks) else None


def _elsewhere(rule):
    return lambda marks: None if is_site_page(marks) else rule(marks)


def _readable_chars(marks) -> int:
    return sum(len(line.text) for line in marks.doc.lines if not line.chrome and line.link_density <= 0.5)


def _other_paragraphs(marks) -> str | None:
    """The region's paragraphs inside the element that holds the article's prose (another
    site's region runs on into comments, teasers and the footer), each paragraph once."""
    lines = main_text.within_prose_container(marks.doc, candidate_lines(marks))
    text = _assemble(lines)
    return main_text.unique_paragraphs(text) if text else None


def _trusted_paragraphs(marks) -> str | None:
    """Our paragraphs, unless they are too short to be the whole article: then trafilatura's
    boilerplate handling does better on unknown markup (the AEB pages)."""
    text = _other_paragraphs(marks)
    length = len(text or "")
    if length >= _TRUSTED_CHARS and length >= _TRUSTED_SHARE * _readable_chars(marks):
        return text
    if _readable_chars(marks) - length < _TRUSTED_CHARS:
        return text  # the page shows little else: nothing a fallback could find
    return None


def _trafilatura(marks) -> str | None:
    text = fallbacks.trafilatura_body(marks.doc, marks.page_url)
    if text:  # its text may open with the page's title: ours never does
        first, _, rest = text.partition("\n\n")
        if _is_a_title(marks, normalize_whitespace(first).casefold()):
            text = rest
    return text or None


def _is_a_title(marks, text: str) -> bool:
    doc = marks.doc
    titles = [marks.title.text if marks.title else "", doc.meta.get("og:title") or "", doc.title_text or ""]
    titles = [normalize_whitespace(title).casefold() for title in titles if title]
    return len(text) >= 10 and any(title == text or title.startswith(text + " ") for title in titles)


_SITE = (
    ("structure", _on_site(_paragraphs)),  # paragraphs between the meta lines and the next block
    ("largest-block", _on_site(_largest_block)),  # the block with the most text
)
_RULES = _SITE + (
    ("other:structure", _elsewhere(_trusted_paragraphs)),
    ("fallback:trafilatura", _elsewhere(_trafilatura)),
    ("other:structure", _elsewhere(_other_paragraphs)),  # trafilatura found nothing: ours, short or not
    ("other:largest-block", _elsewhere(_largest_block)),
)
RULES = {"dated": _RULES, "weekly": _RULES}
