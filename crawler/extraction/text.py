"""Pure text chores shared by the page objects: whitespace, paragraphs, word counts, labels."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from .labels import PHOTO_CREDIT

# Characters that render as nothing; pages use them for hyphenation hints and joiners.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# C0 and C1 control characters other than tab, newline and carriage return (and DEL): no page
# shows them, and ESC or CSI would steer a terminal that prints the stored text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# A whole terminal escape sequence, so that its parameters ("[31m") go with its ESC: CSI (ESC [ or
# U+009B) with parameters and a final byte, OSC and DCS/SOS/PM/APC strings with their terminator
# (only when it comes within 256 characters: a stray introducer must not eat the rest of the
# page), and two-character escapes.
_ESCAPE_SEQUENCE = re.compile(
    "(?:\x1b\\[|\x9b)[0-?]*[ -/]*[@-~]"
    "|(?:\x1b[\\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]{0,256}(?:\x07|\x1b\\\\|\x9c)"
    "|\x1b[ -/]*[0-~]"
)
# A word: letters/digits in any script, kept whole across inner hyphens and apostrophes.
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
# What may sit between a label and its value ("Фото: X", "Photo — X").
_LABEL_SEPARATORS = " \t:：-–—|"


def strip_control_chars(text: str) -> str:
    """The text without terminal escape sequences and control characters (tab, newline and
    carriage return stay)."""
    if _CONTROL.search(text) is None:
        return text
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def normalize_whitespace(text: str | None) -> str:
    """Collapse every run of Unicode whitespace (NBSP, thin spaces, newlines) to one space; drop
    terminal escape sequences and control characters (a character reference such as &#27;[5m
    makes one after parsing)."""
    if not text:
        return ""
    text = strip_control_chars(text)
    if not text.isascii() and _INVISIBLE.search(text):  # rare: search is cheaper than sub
        text = _INVISIBLE.sub("", text)
    # str.split() without arguments already splits on all Unicode whitespace, NBSP included.
    return " ".join(text.split())


def join_paragraphs(paragraphs: Iterable[str | None]) -> str:
    """Normalise each paragraph, drop empty ones, separate the rest by one blank line."""
    cleaned = (normalize_whitespace(p) for p in paragraphs)
    return "\n\n".join(p for p in cleaned if p)


def word_count(text: str | None) -> int:
    """Number of words in any script; "military-technical" and "Kazakhstan’s" count once."""
    if not text:
        return 0
    return len(_WORD.findall(text))


def match_label(
    text: str | None,
    labels: Iterable[str],
    *,
    extra_separators: Iterable[str] = (),
    separators: str = ":：",
) -> str | None:
    """The text after a leading label, or None when the text does not start with one.

    The label matches case-insensitively and must be followed by the end of the text or a
    separator containing one of ``separators`` (a colon by default), or by one of the words in
    ``extra_separators`` ("by" for "Photo by Reuters"), so "Status quo of ..." is not the label
    "Status". Labels are tried longest first.
    """
    return match_normalized_label(
        normalize_whitespace(text), tuple(labels), extra_separators=extra_separators, separators=separators
    )


def match_normalized_label(
    norm: str, labels: tuple[str, ...], *, extra_separators: Iterable[str] = (), separators: str = ":："
) -> str | None:
    """match_label for text that is already whitespace-normalised (page lines are)."""
    if not norm:
        return None
    match = _label_regex(labels).match(norm)
    if match is None:
        return None
    rest = norm[match.end():]
    stripped = rest.lstrip(_LABEL_SEPARATORS)
    if not stripped:
        return ""
    separator = rest[: len(rest) - len(stripped)]
    if any(ch in separator for ch in separators):
        return stripped.strip()
    folded = stripped.casefold()
    for word in extra_separators:
        if folded.startswith(word.casefold() + " "):
            return stripped[len(word):].strip(_LABEL_SEPARATORS)
    return None


def contains_label(text: str | None, labels: Iterable[str]) -> bool:
    """Whether any label occurs as whole words anywhere in the text (a cheap pre-check)."""
    return bool(text) and _label_regex(tuple(labels), anywhere=True).search(text) is not None


@lru_cache(maxsize=64)
def _label_regex(labels: tuple[str, ...], anywhere: bool = False) -> re.Pattern:
    # One compiled alternation per label table: most lines are rejected in C, not in Python.
    alternatives = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    prefix = r"(?<![^\W_])" if anywhere else "^"
    return re.compile(prefix + "(?:" + alternatives.replace(r"\ ", r"\s+") + r")(?![^\W_])", re.IGNORECASE)


def strip_label(text: str | None, labels: Iterable[str] = PHOTO_CREDIT) -> str:
    """The text without a leading label ("Фото: X" → "X"); unchanged when no label leads it.
    The default labels are the photo-credit ones."""
    rest = match_label(text, labels)
    return normalize_whitespace(text) if rest is None else rest
