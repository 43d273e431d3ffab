"""Whose page this is, and how its dates read: this site's pages against any other site's.

This site's pages are on one of its hosts or show its rendering (the "Category status:" label,
the weekly status sentence, its "Recent trends" or "Situation in Belarus" block); they keep the
site's label-first rules and Minsk time (CONTRACT). Any other page is read with generic rules
whose names start with ``other:`` (or name the library that answered), so ``item.rules`` says
which kind of page it was taken for.

Another site's numeric dates follow its locale: the <html lang> (or og:locale / Content-Language
meta), and for English without a region the host's country domain.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from . import labels
from .dates import UNZONED, Reading
from .text import contains_label
from .urls import BUILTIN_SITE_HOSTS

_SITE_HOSTS = frozenset(BUILTIN_SITE_HOSTS)
_STATUS_LABELS = tuple(label for label in labels.CATEGORY_STATUS if label.casefold() not in labels.WEAK_LABELS)
# Blocks only this site shows, in either rendering.
_SITE_BLOCKS = labels.RECENT_TRENDS + labels.SITUATION_BOX
# English is written month first in these regions (and, without a region, on generic domains).
_MONTH_FIRST_REGIONS = frozenset({"us", "ph", "ca", "fm", "mh", "pw", "as", "gu", "pr", "vi", "um"})
_GENERIC_DOMAINS = frozenset({"com", "org", "net", "edu", "gov", "mil", "io", "co", "info", "biz", "us", "app", "dev", "blog", "news"})
_PATH_LOCALE = re.compile(r"/([a-z]{2}[-_][a-z]{2})(?=/|$)", re.IGNORECASE)
_DAY_FIRST = Reading(day_first=True, zone=UNZONED, convert=False)
_MONTH_FIRST = Reading(day_first=False, zone=UNZONED, convert=False)


def is_site_page(marks) -> bool:
    """Whether the page is this site's: one of its hosts, or its rendering and labels shown."""
    if _host(marks.own_url or marks.page_url) in _SITE_HOSTS:
        return True
    anchor = marks.anchor
    if anchor is not None:
        if marks.rendering.status == "sentence":  # the weekly status sentence
            return True
        if contains_label(anchor.line.text, _STATUS_LABELS):  # "Category status:", not a bare "Status"
            return True
    return bool(marks.doc.label_lines(_SITE_BLOCKS))


def page_locale(doc) -> str:
    """The page's language tag, lower-case with "-" ("en-gb", "de", ""), as the page states it."""
    root = doc.root
    tag = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    if not tag:
        tag = doc.meta.get("og:locale") or doc.meta.get("content-language") or doc.meta.get("language") or ""
    if not tag:  # a locale in the address: /en-gb/news/...
        found = _PATH_LOCALE.search(_path(doc.url))
        tag = found.group(1) if found else ""
    return tag.strip().replace("_", "-").lower()


def reading_for(marks) -> Reading:
    """How another site's page writes numeric dates: day first unless it is English written in
    a month-first region (or an English page on a generic domain without a region)."""
    tag = page_locale(marks.doc)
    language, _, region = tag.partition("-")
    region = region.split("-")[0]
    if language and language != "en":
        return _DAY_FIRST
    if region:
        return _MONTH_FIRST if region in _MONTH_FIRST_REGIONS else _DAY_FIRST
    host = _host(marks.page_url)
    country = host.rsplit(".", 1)[-1] if "." in host else ""
    if country and country not in _GENERIC_DOMAINS and len(country) == 2:
        return _DAY_FIRST
    return _MONTH_FIRST


def _host(url: str | None) -> str:
    try:
        return (urlsplit(url or "").hostname or "").lower()
    except ValueError:  # an unparsable address ("http://[::1") has no host to go by
        return ""


def _path(url: str | None) -> str:
    try:
        return urlsplit(url or "").path
    except ValueError:
        return ""
