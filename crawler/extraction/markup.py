"""HTML as the walk sees it: decoding, parsing, and what each tag is (block, chrome, icon, ...).

Kept apart from the walk so that the tables can be read (and tuned) in one place.
"""

from __future__ import annotations

import re

from lxml import etree
from w3lib.encoding import html_body_declared_encoding, html_to_unicode

from .text import strip_control_chars

BLOCK_TAGS = frozenset(
    """address article aside blockquote body caption center dd details dialog dir div dl dt
    fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li
    main menu nav ol p pre section summary table tbody td tfoot th thead tr ul""".split()
)
# Subtrees whose text is not page content (head elements are read for <title>/<meta> only).
SKIP_TAGS = frozenset(
    "script style template textarea select button iframe canvas audio video map head title meta link base".split()
)
HEADING_TAGS = frozenset("h1 h2 h3 h4 h5 h6".split())
# Always icon-like, whatever their attributes.
ICON_TAGS = frozenset("img svg object embed".split())
# Icon-like when empty of text and carrying a class/title/alt-like attribute: <i class="fa-…">,
# <span class="trend-icon trend-icon--negative"></span>.
MAYBE_ICON_TAGS = frozenset("i span em b strong div abbr a u s small mark ins del font".split())
_ICON_ATTRS = frozenset(
    {"class", "title", "aria-label", "alt", "data-status", "data-value", "data-icon", "data-src", "style"}
)
MAIN_TAGS = frozenset({"article", "main"})
CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search", "menubar"})
# Exact class/id tokens of site chrome in common themes (Drupal 7 Bartik/Garland, Bootstrap).
CHROME_TOKENS = frozenset(
    """header site-header footer site-footer sidebar sidebar-first sidebar-second sidebar-left
    sidebar-right region-sidebar-first region-sidebar-second navigation nav navbar menu main-menu
    breadcrumb breadcrumbs site-nav topbar top-bar""".split()
)
HEADER_FOOTER_TOKENS = frozenset({"header", "site-header", "footer", "site-footer"})
_CHROME_HINT = re.compile(r"header|footer|sidebar|nav|menu|breadcrumb|top-?bar", re.IGNORECASE)
# Drupal puts "sidebar-second" etc. on <body> to describe the layout: not chrome.
_NO_CHROME_HINTS = frozenset({"html", "body", "main", "article"})
# What a tag is, as bits, so the walk asks one dict per element instead of a chain of sets.
K_SKIP, K_BLOCK, K_BR, K_MAIN, K_CHROME, K_HEADER = 1, 2, 4, 8, 16, 32
K_NO_HINTS, K_CAPTION, K_LINK, K_HEADING, K_TIME, K_SVG = 64, 128, 256, 512, 1024, 2048


def _tag_kinds() -> dict[str, int]:
    kinds: dict[str, int] = {}

    def add(tags, bit):
        for tag in tags:
            kinds[tag] = kinds.get(tag, 0) | bit

    add(SKIP_TAGS, K_SKIP)
    add(BLOCK_TAGS, K_BLOCK)
    add(("br",), K_BR)
    add(MAIN_TAGS, K_MAIN)
    add(("nav", "aside"), K_CHROME)
    add(("header", "footer"), K_HEADER)
    add(_NO_CHROME_HINTS, K_NO_HINTS)
    add(("figcaption", "caption"), K_CAPTION)
    add(("a",), K_LINK)
    add(HEADING_TAGS, K_HEADING)
    add(("time",), K_TIME)
    add(("svg",), K_SVG)
    return kinds


TAG_KINDS = _tag_kinds()
_CHROME_CACHE: dict[str, frozenset[str]] = {}


def chrome_tokens(hints: str) -> frozenset[str]:
    """Chrome tokens among an element's class and id (memoised: themes repeat their classes)."""
    tokens = _CHROME_CACHE.get(hints)
    if tokens is None:
        tokens = frozenset(hints.lower().split()) & CHROME_TOKENS if _CHROME_HINT.search(hints) else frozenset()
        if len(_CHROME_CACHE) < 50_000:
            _CHROME_CACHE[hints] = tokens
    return tokens


def decode_html(html: str | bytes | None, encoding: str | None = None, content_type: str | None = None) -> str:
    """Text of a page body: BOM, then the declared charset, then <meta charset>, then UTF-8.

    A header that lies (charset=utf-8 on windows-1251 bytes: a server's default charset over a
    page's own) gives U+FFFD for every letter. Then the page's own <meta charset> is used when
    the bytes decode by it without an error; no charset is guessed from the bytes' statistics
    (a wrong guess is plausible-looking mojibake stored as valid). What still decodes to U+FFFD
    soup is refused by the validation (crawler/pipelines.py)."""
    if html is None:
        return ""
    if isinstance(html, str):
        return html
    body = bytes(html)
    header = f"text/html; charset={encoding}" if encoding else content_type
    try:
        used, text = html_to_unicode(header, body)
    except Exception:  # noqa: BLE001 - an unknown charset name must not stop extraction
        return body.decode("utf-8", "replace")
    if "\ufffd" in text and not _decodes(body, used):
        declared = html_body_declared_encoding(body)
        if declared and declared != used and _decodes(body, declared):
            return body.decode(declared)
    return text


def _decodes(body: bytes, encoding: str | None) -> bool:
    try:
        body.decode(encoding or "utf-8")
    except (LookupError, UnicodeDecodeError):
        return False
    return True


def parse_html(text: str):
    """The lxml root of an HTML text; an empty or unparsable page gives an empty <html>.

    Plain lxml.etree rather than lxml.html/parsel: their per-element Python class lookup costs
    a third of the walk, and nothing here needs HtmlElement methods. Comments and processing
    instructions are dropped at parse time (their neighbouring text is merged)."""
    root = None
    try:
        # Control characters (terminal escape sequences among them) are no page text.
        root = etree.fromstring(strip_control_chars(text).encode("utf-8", "replace"), _PARSER)
    except (etree.LxmlError, ValueError):
        root = None
    return root if root is not None else etree.fromstring(b"<html></html>", _PARSER)


_PARSER = etree.HTMLParser(encoding="utf-8", recover=True, remove_comments=True, remove_pis=True, huge_tree=True)

def tag_of(el) -> str | None:
    tag = el.tag
    if not isinstance(tag, str):
        return None
    if "}" in tag:
        tag = tag.rsplit("}", 1)[1]
    return tag.lower()


def looks_like_icon(el) -> bool:
    keys = el.keys()
    if not keys or len(el):
        return False
    if not any(name in _ICON_ATTRS or name.startswith("data-") for name in keys):
        return False
    if "style" in keys and len(keys) == 1 and "url(" not in el.get("style", ""):
        return False
    text = el.text
    return not (text and any(ch.isalnum() for ch in text))
