"""The weekly site's machine-readable files, WordPress style: robots.txt naming a sitemap index
(/wp-sitemap.xml) that points at post sitemaps of SITEMAP_SIZE permalinks each (every expected
article, all languages, with lastmod) and a sitemap of the section listings; RSS feeds per
language at /feed/, /ru/feed/, /be/feed/ with the 10 newest commentaries. The feed carries no
pubDate: the weekly pages show no publication time, and neither does anything else here."""

from __future__ import annotations

from datetime import timezone
from xml.sax.saxutils import escape

from warehouse.demo_site.model import Site, language_prefix
from warehouse.demo_site.vocabulary import CATEGORIES

SITEMAP_SIZE = 100
FEED_SIZE = 10
_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


class Feeds:
    def __init__(self, site: Site, base: str) -> None:
        self.site, self.base = site, base

    def robots(self) -> str:
        lines = ["User-agent: *", "Disallow: /wp-admin/", "Allow: /wp-admin/admin-ajax.php",
                 *(f"Disallow: {path}" for path in self.site.faults.robots_disallowed), "",
                 f"Sitemap: {self.base}/wp-sitemap.xml", ""]
        return "\n".join(lines)

    def _post_pages(self) -> int:
        return max(1, -(-len(self.site.expected_articles()) // SITEMAP_SIZE))

    def sitemap_index(self) -> str:
        names = [f"wp-sitemap-posts-post-{n}.xml" for n in range(1, self._post_pages() + 1)]
        names.append("wp-sitemap-taxonomies-category-1.xml")
        rows = [f"<sitemap><loc>{escape(self.base)}/{name}</loc></sitemap>" for name in names]
        return "\n".join(['<?xml version="1.0" encoding="UTF-8"?>',
                          '<?xml-stylesheet type="text/xsl" href="/wp-sitemap-index.xsl" ?>',
                          f"<sitemapindex {_NS}>", *rows, "</sitemapindex>", ""])

    def posts_sitemap(self, number: int) -> str | None:
        """Page `number` (1-based) of the post sitemap; None past the end."""
        if not 1 <= number <= self._post_pages():
            return None
        chunk = self.site.expected_articles()[(number - 1) * SITEMAP_SIZE:number * SITEMAP_SIZE]
        rows = []
        for article in chunk:
            modified = article.sort_at.astimezone(timezone.utc).isoformat(timespec="seconds")
            rows.append(f"<url><loc>{escape(self.base + article.permalink)}</loc><lastmod>{modified}</lastmod></url>")
        return "\n".join(['<?xml version="1.0" encoding="UTF-8"?>', f"<urlset {_NS}>", *rows, "</urlset>", ""])

    def listings_sitemap(self) -> str:
        rows = [f"<url><loc>{escape(self.base)}{language_prefix(language)}/analytics/{category}/</loc></url>"
                for language in ("en", "ru", "be") for category in CATEGORIES]
        return "\n".join(['<?xml version="1.0" encoding="UTF-8"?>', f"<urlset {_NS}>", *rows, "</urlset>", ""])

    def rss(self, language: str) -> str:
        prefix = language_prefix(language)
        items = []
        for article in self.site.latest(language, FEED_SIZE):
            creators = "".join(f"<dc:creator><![CDATA[{p.name(language)}]]></dc:creator>" for p in article.authors)
            items.append(
                f"<item><title>{escape(article.title)}</title><link>{escape(self.base + article.permalink)}</link>"
                f"{creators}<guid isPermaLink=\"false\">{escape(self.base)}/?p={article.node_id}</guid>"
                f"<description><![CDATA[{article.lead}]]></description></item>")
        return "\n".join([
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">',
            "<channel>",
            "<title>Belarus in Focus</title>",
            f'<atom:link href="{escape(self.base + prefix)}/feed/" rel="self" type="application/rss+xml" />',
            f"<link>{escape(self.base + prefix)}/</link>",
            "<description>Analysis of Belarusian politics, economy and society</description>",
            f"<language>{ {'en': 'en-US', 'ru': 'ru-RU', 'be': 'be-BY'}[language] }</language>",
            *items,
            "</channel>",
            "</rss>",
            "",
        ])
