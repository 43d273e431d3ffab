"""The site's machine-readable lists of pages, read for the spider: robots.txt's Sitemap lines,
sitemaps (indexes included, gzipped or not), RSS/Atom feeds, and the feeds a page announces.
Pure functions of a response's body: which of the URLs are the site's is the spider's call."""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import NamedTuple

from parsel import Selector
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

# Asked for only when the site names none (robots.txt's Sitemap: lines, the home page's feed
# links); a miss is not a page failure.
GUESSED_SITEMAPS = ("/sitemap.xml",)
GUESSED_FEEDS = ("/feed/", "/rss.xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml")
MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemap protocol's limit, uncompressed
_ANNOUNCED_FEEDS = ("//link[contains(concat(' ', normalize-space(@rel), ' '), ' alternate ')]["
                    + " or ".join(f"contains(@type, '{t}')" for t in FEED_TYPES) + "]/@href")
_FEED_LINKS = ("//*[local-name()='item']/*[local-name()='link']/text()"
               " | //*[local-name()='entry']/*[local-name()='link']/@href")


class SitemapEntry(NamedTuple):
    loc: str
    lastmod: datetime | None
    is_sitemap: bool  # an entry of a sitemap index: another sitemap


def robots_sitemaps(body: bytes, url: str) -> list[str]:
    """The absolute addresses of robots.txt's `Sitemap:` lines."""
    return list(sitemap_urls_from_robots(body, base_url=url))


def sitemap_entries(body: bytes) -> Iterator[SitemapEntry]:
    """The entries of a sitemap or sitemap index; nothing for a body that is neither."""
    if body[:2] == b"\x1f\x8b":  # a .xml.gz sitemap served as a file
        try:  # read up to the limit only: a few MB of gzip can expand to gigabytes
            with gzip.GzipFile(fileobj=io.BytesIO(body)) as unzipped:
                body = unzipped.read(MAX_SITEMAP_BYTES)
        except (OSError, EOFError):
            return
    try:
        sitemap = Sitemap(body)
    except (StopIteration, ValueError, SyntaxError):  # not XML at all (lxml's error is a SyntaxError)
        return
    for entry in sitemap:
        loc = (entry.get("loc") or "").strip()
        if loc:
            yield SitemapEntry(loc, w3c_datetime(entry.get("lastmod")), sitemap.type == "sitemapindex")


def feed_links(selector: Selector) -> list[str]:
    """The item links of an RSS or Atom feed."""
    return [link.strip() for link in selector.xpath(_FEED_LINKS).getall() if link.strip()]


def announced_feeds(selector: Selector) -> list[str]:
    """The hrefs of a page's <link rel="alternate" type="application/rss+xml|atom+xml">."""
    return [href.strip() for href in selector.xpath(_ANNOUNCED_FEEDS).getall() if href.strip()]


def w3c_datetime(text: str | None) -> datetime | None:
    """A sitemap <lastmod> (W3C datetime: a date, or a date and time with an offset)."""
    try:
        value = datetime.fromisoformat((text or "").strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
