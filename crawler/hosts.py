"""The site's hosts: one site answering under several names, and which of them is current.

CONTRACT.md: belarusinfocus.pro, belarusinfocus.info and their www. forms are one site; the
SITE_HOSTS setting adds others (host or host:port, e.g. two loopback servers of the offline
site), and so does the base URL's own host. The current host is where the base URL's home page
ends up after redirects; every URL the crawl requests or stores is moved onto it (same path,
the current scheme and host), so an article is one row whichever host it was reached through.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit, urlunsplit

from scrapy.exceptions import UsageError

from crawler.extraction.urls import BUILTIN_SITE_HOSTS, canonicalize_url, site_of

DEFAULT_BASE_URL = "https://belarusinfocus.pro"
_SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_HOST_PORT = re.compile(r"^(\[[0-9a-f:.]+\]|[a-z0-9.\-]+)(:\d{1,5})?$")


class BadSiteHosts(ValueError):
    """A SITE_HOSTS entry that is not a host or host:port."""


def parse_site_hosts(value) -> tuple[str, ...]:
    """SITE_HOSTS as netlocs: a list, or one comma-separated string (as `-s` gives it)."""
    if not value:
        return ()
    entries = value.split(",") if isinstance(value, str) else list(value)
    hosts = []
    for entry in entries:
        netloc = str(entry).strip().lower()
        if not netloc:
            continue
        if not _HOST_PORT.match(netloc):
            raise BadSiteHosts(f"SITE_HOSTS entry {entry!r} is not a host or host:port (like 127.0.0.2:8018)")
        hosts.append(netloc)
    return tuple(hosts)


def checked_base_url(base_url: str) -> str:
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"-a base_url must be an http(s) address like {DEFAULT_BASE_URL}, got {base_url!r}")
    return base_url.rstrip("/")


def checked_site_hosts(value) -> tuple[str, ...]:
    try:
        return parse_site_hosts(value)
    except BadSiteHosts as exc:
        raise UsageError(str(exc)) from None


def netloc_of(url: str) -> str:
    """host[:port] of a URL, lower-cased, without the scheme's default port."""
    parts = urlsplit(url)
    netloc = parts.netloc.lower().rsplit("@", 1)[-1]
    try:
        port = parts.port
    except ValueError:
        return netloc
    if port and _DEFAULT_PORTS.get(parts.scheme.lower()) == port:
        netloc = netloc.rsplit(":", 1)[0]
    return netloc


def is_loopback(url: str) -> bool:
    """A URL on this machine: 127.0.0.0/8, ::1 or localhost."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class SiteHosts:
    """The set of the site's hosts and the current one (scheme://host[:port])."""

    def __init__(self, base_url: str, extra: tuple[str, ...] | list[str] = ()):
        self.current = site_of(canonicalize_url(base_url))
        self.netlocs = frozenset((*BUILTIN_SITE_HOSTS, *extra, netloc_of(base_url)))

    def is_site(self, url: str) -> bool:
        try:
            parts = urlsplit(url)
        except ValueError:
            return False
        return parts.scheme.lower() in _SCHEMES and netloc_of(url) in self.netlocs

    def move_to(self, url: str) -> bool:
        """Make `url`'s scheme and host the current ones (the home page's final address);
        True when that changed the current host. A URL off the site changes nothing."""
        if not self.is_site(url):
            return False
        site = site_of(canonicalize_url(url))
        moved, self.current = site != self.current, site
        return moved

    def on_current(self, url: str, as_written: bool = False) -> str | None:
        """`url` moved onto the current host, canonical (or, `as_written`, keeping its path's
        trailing slash: the address to ask for); None when it is not on the site."""
        if not self.is_site(url):
            return None
        canonical = canonicalize_url(url)
        parts = urlsplit(canonical)
        path = parts.path
        if as_written and urlsplit(url).path.endswith("/") and not path.endswith("/"):
            path += "/"
        scheme, netloc = self.current.split("://", 1)
        return urlunsplit((scheme, netloc, path, parts.query, ""))

    def other_sites(self) -> list[str]:
        """scheme://netloc of every site host but the current one, both schemes."""
        sites = {f"{scheme}://{netloc}" for netloc in self.netlocs for scheme in _SCHEMES}
        return sorted(sites - {self.current})

    def extra(self) -> frozenset[str]:
        """The hosts beyond the built-in ones (SITE_HOSTS, the base URL's), for extraction."""
        return self.netlocs - frozenset(BUILTIN_SITE_HOSTS)

    def domains(self) -> list[str]:
        """Host names (no ports) for Scrapy's allowed_domains, so that a redirect between the
        site's hosts is followed and one off the site is not."""
        return sorted({urlsplit(f"http://{netloc}").hostname for netloc in self.netlocs})


class AddressStyle:
    """Whether the site writes page addresses with a trailing slash (WordPress does, and answers
    the other form with a redirect): learned from the first such redirect, so that later requests
    ask for the form the site serves. Canonical URLs (the stored form) never end with a slash."""

    def __init__(self):
        self.trailing_slash = False

    def learn(self, response_url: str, redirect_urls: list[str] | None) -> None:
        if self.trailing_slash or not redirect_urls:
            return
        asked, got = urlsplit(redirect_urls[-1]), urlsplit(response_url)
        if got.path == asked.path + "/" and got.query == asked.query:
            self.trailing_slash = True

    def address(self, url: str) -> str:
        """The address to ask for a canonical page URL (not for files such as sitemaps)."""
        if not self.trailing_slash:
            return url
        parts = urlsplit(url)
        if parts.path.endswith("/") or "." in parts.path.rsplit("/", 1)[-1]:
            return url
        return urlunsplit((parts.scheme, parts.netloc, parts.path + "/", parts.query, ""))
