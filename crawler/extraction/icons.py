"""What word an icon carries: its alt/title text, its file name or its class names.

The site shows a category status only as an icon, and themes spell it differently:
<img alt="negative" src="status/negative.png">, <span class="trend-icon trend-icon--negative">,
<svg><use href="#status-negative"/></svg>, <img src="icon_negative@2x.png">.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from .labels import names_an_icon, status_word

_TEXT_ATTRS = ("alt", "title", "aria-label", "data-status", "data-value", "data-original-title", "data-tooltip")
_FILE_ATTRS = ("src", "data-src", "data-original", "data-lazy-src", "srcset", "data", "xlink:href", "href")
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")


def _text_sources(el):
    attrib = el.attrib
    for name in _TEXT_ATTRS:
        if attrib.get(name):
            yield attrib[name]
    if _local(el.tag) == "svg":
        for node in el.iter():
            if _local(node.tag) in ("title", "desc") and node.text:
                yield node.text


def _file_refs(el):
    attrib = el.attrib
    refs = [attrib.get(name) for name in _FILE_ATTRS if attrib.get(name)]
    if attrib.get(_XLINK_HREF):
        refs.append(attrib[_XLINK_HREF])
    for match in _CSS_URL.finditer(attrib.get("style", "")):
        refs.append(match.group(1))
    if _local(el.tag) == "svg":
        for node in el.iter():
            if _local(node.tag) == "use":
                refs.extend(v for k, v in node.attrib.items() if _local(k) == "href" and v)
    for ref in refs:
        ref = ref.strip().split(",")[0].split()[0] if ref.strip() else ""
        if not ref or ref.startswith("data:"):
            continue
        parts = urlsplit(ref)
        if parts.fragment:  # sprite.svg#status-negative: the symbol id is the value
            yield parts.fragment
        segments = [unquote(s) for s in parts.path.split("/") if s]
        if segments:
            yield segments[-1].split(".")[0]  # stem: "negative.3f2a.svg" → "negative"
            if len(segments) > 1:
                yield segments[-2]  # "negative/icon.png"


def _class_sources(el):
    yield from el.attrib.get("class", "").split()


def _local(name) -> str:
    """Local name of a tag or attribute: "{ns}use" → "use", "xlink:href" → "href"."""
    if not isinstance(name, str):
        return ""
    return name.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


def read_icon(el) -> tuple[str | None, bool]:
    """(word, known): a known status word from any source wins; otherwise the first other word,
    preferring text attributes, then file names, then class names."""
    fallback = None
    for kind, sources in (("text", _text_sources(el)), ("file", _file_refs(el)), ("class", _class_sources(el))):
        for raw in sources:
            word, known = status_word(raw)
            if known:
                return word, True
            if word and fallback is None and (kind != "class" or names_an_icon(raw)):
                # a class gives an unknown word only with an icon-ish part ("trend-icon--stable"),
                # never a layout class ("sep", "pull-left")
                fallback = word
    return fallback, False


def shown_text(el) -> str | None:
    """What the icon shows a reader or a file browser: its alt/title text ("Status:
    negative"), else its file name stem ("negative" of status/negative.png); None for an icon
    known only by its class."""
    for raw in _text_sources(el):
        text = " ".join(raw.split())
        if text:
            return text
    for ref in _file_refs(el):
        if ref:
            return ref
    return None
