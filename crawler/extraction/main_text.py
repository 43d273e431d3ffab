"""Where another site's article text lives: the element that holds most of its prose.

This site's article ends at a labelled block; another site's region (from the title to the end
of its <article>, or of the page) runs on into comments, teasers, sign-up boxes and the footer.
The prose of the article is what most long paragraphs share an ancestor for: the deepest
element holding ``_SHARE`` of the long paragraphs' text is the article's, and lines outside it
are left out.
"""

from __future__ import annotations

_LONG = 100  # characters: a paragraph of prose, not a teaser's title or a caption label
_SHARE = 0.8


def within_prose_container(doc, lines: list) -> list:
    """The lines inside the deepest element that holds most of the long lines' text."""
    long_lines = [line for line in lines if len(line.text) >= _LONG and line.link_density < 0.3 and line.block is not None]
    total = sum(len(line.text) for line in long_lines)
    if len(long_lines) < 2:
        return lines
    score: dict = {}
    depth: dict = {}
    for line in long_lines:
        node = line.block
        chain = []
        while node is not None:
            chain.append(node)
            node = node.getparent()
        for level, node in enumerate(reversed(chain)):  # root first: depth from the root
            score[node] = score.get(node, 0) + len(line.text)
            depth[node] = level
    best = max((node for node, chars in score.items() if chars >= _SHARE * total), key=depth.__getitem__, default=None)
    if best is None:
        return lines
    lo, hi = doc.start.get(best), doc.end.get(best)
    if lo is None or hi is None:
        return lines
    return [line for line in lines if lo <= line.start <= hi]


def unique_paragraphs(text: str) -> str | None:
    """Each paragraph once (a caption or a pull quote repeated in a slideshow)."""
    seen: set[str] = set()
    kept = []
    for paragraph in text.split("\n\n"):
        key = paragraph.casefold()
        if key not in seen:
            seen.add(key)
            kept.append(paragraph)
    return "\n\n".join(kept) or None
