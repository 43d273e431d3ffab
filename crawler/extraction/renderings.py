"""The site's two renderings of an article, as data, and the chooser that reads which one a
page uses from the page itself (never from its host or date).

- dated: the Drupal site until about 2019: title, ``Category status:`` and an icon, a date and
  time, photo credit, body, ``Similar articles`` and ``Recent trends`` blocks;
- weekly: the later rendering: ``by`` line, the week covered, category name, title, a status
  sentence, photo caption, lead and body, then a newsletter box, ``Situation in Belarus`` and
  a ``Read more`` list that plays the role of the similar articles.

What differs between them is which labels open which blocks and how the status is shown; the
field rules of each rendering are listed per field (``fields.RULES``).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import labels
from .dates import find_date
from .document import Document
from .periods import find_period
from .text import match_normalized_label

_MAX_META_LINE = 100  # characters; a longer line with a date in it is prose


@dataclass(frozen=True)
class Rendering:
    name: str
    # Headings of the block whose links are the article's similar links.
    similar_headings: tuple[str, ...]
    # Headings of blocks whose teasers carry their own dates, statuses and credits.
    teaser_headings: tuple[str, ...]
    # Headings that end the article (and any block before them).
    block_headings: tuple[str, ...]
    # How the status is shown: "icon" after a "Category status:" label, or a "sentence".
    status: str


DATED = Rendering(
    name="dated",
    similar_headings=labels.SIMILAR_ARTICLES,
    teaser_headings=labels.SIMILAR_ARTICLES + labels.RECENT_TRENDS,
    block_headings=labels.BLOCK_HEADINGS,
    status="icon",
)
WEEKLY = Rendering(
    name="weekly",
    similar_headings=labels.WEEKLY_READ_MORE + labels.SIMILAR_ARTICLES,
    teaser_headings=labels.WEEKLY_FURNITURE + labels.SIMILAR_ARTICLES + labels.RECENT_TRENDS,
    block_headings=labels.BLOCK_HEADINGS + labels.WEEKLY_FURNITURE,
    status="sentence",
)


def choose_rendering(doc: Document) -> Rendering:
    """The rendering the page shows, from the first decisive line: a "Category status:" label
    or a date with its time of day means dated, a week with its year (alone or on the author's
    line) means weekly. Without either: weekly when a status sentence or the weekly furniture
    ("Read more", "Situation in Belarus") is shown, dated otherwise."""
    status_label = labels.CATEGORY_STATUS
    sentence = prose = False
    for line in doc.lines:
        text = line.text
        if len(text) > _MAX_META_LINE:
            # the status sentence comes before the body: one after it is the body's own
            prose = prose or (len(text) > 150 and not line.chrome and line.link_density <= 0.5)
            continue
        if line.chrome:
            continue
        if text[:1].isalpha() and _is_status_label(text, status_label):
            return DATED
        if any(ch.isdigit() for ch in text):
            week = find_period(text)
            found = find_date(text)
            # "October 5, 2017 - 09:30" also reads as a week ending on the 9th: the longer
            # reading wins
            if found is not None and week is not None and found[1] - found[0] >= week.span[1] - week.span[0]:
                week = None
            if week is not None and week.has_year:  # alone or on the author's line
                return WEEKLY
            if found is not None and _covers(found[:2], text) and ":" in text[found[0]: found[1]]:
                return DATED  # a date with its time of day: the weekly rendering shows none
        elif not sentence and not prose and labels.opens_with_situation(text) and not _is_furniture(text):
            sentence = True
    # the last resort: a page that lost its article still shows the weekly furniture
    return WEEKLY if sentence or doc.label_lines(_WEEKLY_ONLY) else DATED


def _covers(span: tuple[int, int], text: str) -> bool:
    """Whether a match is most of its line: a meta line, not a sentence that cites a date."""
    return (span[1] - span[0]) * 2 >= len(text) - 2


def _is_status_label(text: str, names: tuple[str, ...]) -> bool:
    return match_normalized_label(text, names) is not None


def _is_furniture(text: str) -> bool:
    return match_normalized_label(text, labels.WEEKLY_FURNITURE) == ""


# Headings only the weekly rendering shows ("Read more" is a teaser's link on dated pages,
# and label lines are never links).
_WEEKLY_ONLY = labels.WEEKLY_READ_MORE + labels.SITUATION_BOX
