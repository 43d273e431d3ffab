"""Extraction: pure functions from a page (url + html, or a response) to an item.

The seam the spider and the tests share. Nothing here imports Scrapy, reads the clock or
touches the warehouse.
"""

from .article import ArticlePage
from .dates import find_date_text, parse_site_datetime
from .listing import ListingPage
from .text import join_paragraphs, normalize_whitespace, strip_label, word_count
from .urls import canonicalize_url, category_from_url, is_article_url, language_from_url, site_of

__all__ = [
    "ArticlePage",
    "ListingPage",
    "canonicalize_url",
    "category_from_url",
    "find_date_text",
    "is_article_url",
    "join_paragraphs",
    "language_from_url",
    "normalize_whitespace",
    "parse_site_datetime",
    "site_of",
    "strip_label",
    "word_count",
]
