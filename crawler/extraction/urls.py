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

# First path segments that are never a section: Drupal and WordPress system paths, listings,
# files, feeds.
NON_SECTION_SEGMENTS = frozenset(
    {
        "analytics", "page", "category", "wp-content", "wp-includes", "wp-admin", "wp-json",
        "wp-login.php", "xmlrpc.php", "embed", "trackback", "amp", "newsletter", "subscribe",
        "node", "print", "user", "users", "search", "taxonomy", "tags", "tag", "admin", "sites",
        "files", "misc", "modules", "themes", "profiles", "includes", "comment", "comments",
        "contact", "filter", "rss", "feed", "feeds", "author", "authors", "about", "system",
        "batch", "cron", "update", "install", "forward", "printpdf", "print_mail", "share",
        "static", "assets", "media", "images", "img", "css", "js", "ajax", "api", "login",
        "logout", "register",
    }
)
LANGUAGE_PREFIXES = {"ru": "ru", "be": "be"}
_FILE_SUFFIXES = frozenset(
    {
        ".xml", ".rss", ".atom", ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".zip", ".rar",
        ".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp", ".mp3", ".mp4", ".avi", ".css", ".js",
        ".json", ".txt", ".ico",
    }
)
_NON_ARTICLE_LAST = frozenset({"feed", "rss", "print", "edit", "delete", "amp", "page", "embed", "trackback"})
# The weekly rendering's listings: /analytics/ (all trends) and /analytics/{category}/.
LISTING_ROOT = "analytics"
# WordPress paging: /page/N/ after the listing's path, or ?paged=N; the dated rendering: ?page=N.
_PAGED_PATH = re.compile(r"/page/(\d+)/?$")
_PAGE_PARAMS = ("page", "paged")


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


def canonicalize_url(url: str, base: str | None = None) -> str:
    """The canonical form: scheme and host as given (lower-cased), no fragment, no tracking
    parameters, no trailing slash except the root "/", other parameters in their order. An
    article's address also loses a pager parameter (?page=N, ?paged=N): on an article it pages a
    block of the sidebar, and the page is the same article (the dated rendering's addresses in
    web archives carry one).

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
    dropped = [name for name, _ in parse_qsl(parts.query, keep_blank_values=True)
               if _is_tracking(name) or (name in _PAGE_PARAMS and is_article_url(url))]
    if dropped:
        # w3lib keeps each remaining "key=value" byte for byte and in order.
        parts = urlsplit(url_query_cleaner(url, dropped, remove=True, unique=False))
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
    """"ru" or "be" for the /ru/ and /be/ mirrors, "en" otherwise."""
    segments = _segments(url)
    return LANGUAGE_PREFIXES.get(segments[0].lower(), "en") if segments else "en"


def _content_segments(url: str) -> list[str]:
    segments = _segments(url)
    if segments and segments[0].lower() in LANGUAGE_PREFIXES:
        segments = segments[1:]
    return segments


def category_from_url(url: str) -> str | None:
    """The section slug: the first path segment after an optional /ru or /be ("/ru/economy/x" → "economy")."""
    segments = _content_segments(url)
    if not segments or segments[0].lower() in NON_SECTION_SEGMENTS:
        return None
    return segments[0]


def is_article_url(url: str) -> bool:
    """True for /{category}/{slug} (slash or not) and its /ru/ and /be/ forms; not listings,
    paging, system paths, files or feeds."""
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


# The site's own hosts (CONTRACT.md "The site's hosts"): a link from one to another stays on the
# site. The crawl adds the SITE_HOSTS setting's (crawler/hosts.py).
BUILTIN_SITE_HOSTS = ("belarusinfocus.pro", "www.belarusinfocus.pro", "belarusinfocus.info", "www.belarusinfocus.info")
_SITE_FAMILY = frozenset(host.removeprefix("www.") for host in BUILTIN_SITE_HOSTS)


def same_site(url: str, other: str, also: frozenset[str] = frozenset()) -> bool:
    """Same host and port, ignoring scheme and a leading "www.", or both hosts of the site
    (its built-in hosts, plus the host[:port] names in `also`)."""
    a, b = _bare_netloc(url), _bare_netloc(other)
    if not a:
        return False
    if a == b:
        return True
    family = _SITE_FAMILY | {host.removeprefix("www.") for host in also} if also else _SITE_FAMILY
    return a in family and b in family


def _bare_netloc(url: str) -> str:
    netloc = urlsplit(url).netloc.lower()
    return netloc[4:] if netloc.startswith("www.") else netloc


def is_section_url(url: str) -> bool:
    """True for a listing: the dated rendering's /{category} (and /ru/, /be/ forms), the weekly
    rendering's /analytics/ and /analytics/{category}/, on any page of either paging form."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https", ""):
        return False
    segments = _content_segments(_PAGED_PATH.sub("", parts.path))
    if segments[:1] == [LISTING_ROOT]:
        return len(segments) == 1 or (len(segments) == 2 and segments[1].lower() not in NON_SECTION_SEGMENTS)
    if len(segments) != 1 or segments[0].lower() in NON_SECTION_SEGMENTS:
        return False
    return posixpath.splitext(segments[0])[1].lower() not in _FILE_SUFFIXES


def is_weekly_listing_url(url: str) -> bool:
    """/analytics/ or /analytics/{category}/ (any page): the weekly rendering's listings."""
    return is_section_url(url) and _content_segments(url)[:1] == [LISTING_ROOT]


def listing_page_number(url: str) -> int | None:
    """The page number a listing URL names (/page/N, ?paged=N, ?page=N); None for its first
    page as linked from menus (no number at all)."""
    parts = urlsplit(url)
    match = _PAGED_PATH.search(parts.path)
    if match:
        return int(match.group(1))
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name in _PAGE_PARAMS:
            return int(value) if value.isdigit() else 0
    return None


def is_language_home(url: str) -> bool:
    """/ru or /be alone: a language's home page, which lists its sections and latest articles."""
    segments = _segments(url)
    return len(segments) == 1 and segments[0].lower() in LANGUAGE_PREFIXES
