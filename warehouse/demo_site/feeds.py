"""The dated rendering's machine-readable files: robots.txt, sitemap.xml (every expected article,
in every language, with lastmod) and rss.xml (the 20 latest English articles). The weekly
rendering's are in weekly_feeds.py."""

from __future__ import annotations

from email.utils import format_datetime
from xml.sax.saxutils import escape

from warehouse.demo_site.content import Site

def robots(site: Site, base: str) -> str:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in site.faults.robots_disallowed),
             "", f"Sitemap: {base}/sitemap.xml", ""]
    return "\n".join(lines)


def sitemap(site: Site, base: str) -> str:
    rows = []
    for article in site.expected_articles():
        modified = (article.published_at or article.sort_at).isoformat(timespec="minutes")
        rows.append(f"  <url><loc>{escape(base + article.path)}</loc><lastmod>{modified}</lastmod></url>")
    return "\n".join([
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">', *rows, "</urlset>", ""])


def rss(site: Site, base: str) -> str:
    items = []
    for article in site.latest("en", 20):
        date = (f"<pubDate>{format_datetime(article.published_at)}</pubDate>"
                if article.published_at else "")
        items.append(
            f"    <item><title>{escape(article.title)}</title><link>{escape(base + article.path)}</link>"
            f"<description>{escape(article.lead)}</description>{date}"
            f'<guid isPermaLink="false">{article.node_id} at {escape(base)}</guid></item>')
    return "\n".join([
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0" xml:base="' + escape(base) + '">',
        "  <channel>",
        "    <title>Belarus in Focus</title>",
        f"    <link>{escape(base)}/</link>",
        "    <description>Analysis of Belarusian politics, economy and society</description>",
        "    <language>en</language>",
        *items,
        "  </channel>",
        "</rss>",
        "",
    ])
