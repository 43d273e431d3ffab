"""URL chores: the canonical form CONTRACT fixes, and what a site URL says about its page."""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

from w3lib.url import safe_url_string, url_query_cleaner

# Tracking parameters dropped from canonical URLs; any "utm_*" goes too.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "yclid", "ysclid", "msclkid", "twclid", "igshid",
        "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "_openstat", "ref_src",
        "spm", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "wt_mc", "cmpid",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "hsa_")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters safe_url_string would escape in an ASCII URL; without them it is a no-op we skip.
_UNSAFE = re.compile(r"[\s\"<>\\^`{|}]")

# First path segments that are never a section: Drupal system paths, files, feeds.
NON_SECTION_SEGMENTS = frozenset(
    {
        "node", "print", "user", "users", "search", "taxonomy", "tags", "tag", "admin", "sites",
        "files", "misc", "modules", "themes", "profiles", "includes", "comment", "comments",
        "contact", "filter", "rss", "feed", "feeds", "author", "authors", "about", "system",
        "batch", "cron", "update", "install", "forward", "printpdf", "print_mail", "share",
        "static", "assets", "media", "images", "img", "css", "js", "ajax", "api", "login",
        "logout", "register",
    }
)
LANGUAGE_PREFIXES = {"ru": "ru"}
_FILE_SUFFIXES = frozenset(
    {
        ".xml", ".rss", ".atom", ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".zip", ".rar",
        ".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp", ".mp3", ".mp4", ".avi", ".css", ".js",
        ".json", ".txt", ".ico",
    }
)
_NON_ARTICLE_LAST = frozenset({"feed", "rss", "print", "edit", "delete", "amp", "page"})


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


def canonicalize_url(url: str, base: str | None = None) -> str:
    """The canonical form: scheme and host as given (lower-cased), no fragment, no tracking
    parameters, no trailing slash except the root "/", other parameters in their order.

    ``base`` resolves a relative URL first. Unlike w3lib's canonicalize_url this neither sorts
    nor re-encodes the query: "?page=2&sort=date" stays as the site wrote it.
    """
    url = (url or "").strip()
    if base and not url.startswith(("http://", "https://")):
        url = urljoin(base, url)
    return _canonical(url)


# Cached on the absolute URL: every page repeats its menu and sidebar links, under another base.
@lru_cache(maxsize=16384)
def _canonical(url: str) -> str:
    if not url.isascii() or _UNSAFE.search(url):
        url = safe_url_string(url)  # percent-encode non-ASCII paths, IDNA hosts
    parts = urlsplit(url)
    tracking = [name for name, _ in parse_qsl(parts.query, keep_blank_values=True) if _is_tracking(name)]
    if tracking:
        # w3lib keeps each remaining "key=value" byte for byte and in order.
        parts = urlsplit(url_query_cleaner(url, tracking, remove=True, unique=False))
    scheme = parts.scheme.lower()
    netloc = parts.netloc.lower()
    if parts.port and _DEFAULT_PORTS.get(scheme) == parts.port:
        netloc = netloc.rsplit(":", 1)[0]
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    return urlunsplit((scheme, netloc, path, parts.query, ""))


def site_of(url: str) -> str:
    """scheme://host[:port] of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _segments(url: str) -> list[str]:
    return [s for s in urlsplit(url).path.split("/") if s]


def language_from_url(url: str) -> str:
    """"ru" for the /ru/ mirror, "en" otherwise."""
    segments = _segments(url)
    return LANGUAGE_PREFIXES.get(segments[0].lower(), "en") if segments else "en"


def _content_segments(url: str) -> list[str]:
    segments = _segments(url)
    if segments and segments[0].lower() in LANGUAGE_PREFIXES:
        segments = segments[1:]
    return segments


def category_from_url(url: str) -> str | None:
    """The section slug: the first path segment after an optional /ru ("/ru/economy/x" → "economy")."""
    segments = _content_segments(url)
    if not segments or segments[0].lower() in NON_SECTION_SEGMENTS:
        return None
    return segments[0]


def is_article_url(url: str) -> bool:
    """True for /{category}/{slug} and /ru/{category}/{slug}; not system paths, files or feeds."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https", ""):
        return False
    segments = _content_segments(url)
    if len(segments) != 2:
        return False
    section, slug = segments[0].lower(), segments[1].lower()
    if section in NON_SECTION_SEGMENTS or slug in _NON_ARTICLE_LAST:
        return False
    return posixpath.splitext(slug)[1] not in _FILE_SUFFIXES


def same_site(url: str, other: str) -> bool:
    """Same host and port, ignoring scheme and a leading "www."."""
    a, b = urlsplit(url), urlsplit(other)

    def host(parts):
        netloc = parts.netloc.lower()
        return netloc[4:] if netloc.startswith("www.") else netloc

    return bool(a.netloc) and host(a) == host(b)


def is_section_url(url: str) -> bool:
    """True for a section listing: /{category} or /ru/{category}, with or without ?page=N."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https", ""):
        return False
    segments = _content_segments(url)
    if len(segments) != 1 or segments[0].lower() in NON_SECTION_SEGMENTS:
        return False
    return posixpath.splitext(segments[0])[1].lower() not in _FILE_SUFFIXES
