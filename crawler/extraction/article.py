"""ArticlePage: one article page → ArticleItem, found by visible labels and page structure.

Each field has named rules tried in a fixed order (class attributes ``*_rules``): the visible
label ("Category status:", "Similar articles") or the page's reading order first, CSS hints
last, so a theme that renames its classes still yields every field. The first rule that gives
a value wins and its name goes to ``item.rules``. A rule that raises is skipped (logged); a
field no rule fills is None with rule "none" ("error" if a rule raised). Nothing here imports
Scrapy: ``from_response`` only reads ``response.url`` and ``response.text``.
"""

from __future__ import annotations

import bisect
import json
import logging
from functools import cached_property
from urllib.parse import urljoin, urlsplit

from ..items import ArticleItem, SimilarLink
from . import labels
from .dates import find_date, parse_site_datetime
from .document import Document, Line, Marker
from .icons import read_icon
from .labels import status_word
from .text import (
    contains_label,
    join_paragraphs,
    match_label,
    match_normalized_label,
    normalize_whitespace,
    strip_label,
)
from .urls import canonicalize_url, category_from_url, is_article_url, language_from_url, same_site, site_of

log = logging.getLogger(__name__)

FIELDS = ("title", "published_at", "category_status", "photo_credit", "body", "similar_links")
# Block-level text that counts as a body paragraph when the article has any <p> at all.
PARAGRAPH_TAGS = frozenset({"p", "blockquote", "pre", "li"})
_MAX_DATE_LINE = 100  # characters; a longer line with a date in it is prose
_MAX_CREDIT_LINE = 300
_STATUS_WINDOW = 60  # positions after the label within which the icon must start


def _is_read_more(text: str | None) -> bool:
    if not text or len(text) > 40:
        return False
    bare = normalize_whitespace(text).strip(" ›»→.…>").casefold()
    return bare in _READ_MORE


_READ_MORE = {label.strip(" ›»").casefold() for label in labels.READ_MORE}
_META_LABELS = labels.PHOTO_CREDIT + labels.CATEGORY_STATUS


class ArticlePage:
    """Fields of one article page. ``html`` may be text or raw bytes (decoded by its BOM,
    ``encoding``, the ``content_type`` header or <meta charset>, in that order)."""

    title_rules = (
        ("structure", "_title_from_h1"),  # the page's main <h1>, not the site name
        ("label", "_title_before_status_label"),  # the heading/line just above "Category status:"
        ("meta", "_title_from_meta"),  # og:title and friends
        ("title-tag", "_title_from_title_tag"),  # <title> minus " | site name"
    )
    category_status_rules = (
        ("label", "_status_after_label"),  # the icon right after "Category status:"
        ("structure", "_status_between_title_and_date"),  # a known status icon in the header area
        ("css", "_status_from_css"),  # an icon inside a *status* class
    )
    published_at_rules = (
        ("structure", "_date_after_title"),  # first <time>/date line after the title, before the body
        ("meta", "_date_from_meta"),  # article:published_time, JSON-LD datePublished
        ("css", "_date_from_css"),  # an element with a *date* class
    )
    photo_credit_rules = (
        ("label", "_credit_by_label"),  # "Фото: …" / "Photo: …" in the article
        ("css", "_credit_from_css"),  # an element with a *credit*/*copyright* class
    )
    body_rules = (
        ("structure", "_body_paragraphs"),  # paragraphs between the meta lines and the next block
        ("largest-block", "_body_largest_block"),  # the block with the most text
    )
    similar_links_rules = (
        ("label", "_similar_after_heading"),  # links under the "Similar articles" heading
        ("css", "_similar_from_css"),  # links inside a *similar*/*related* class
    )

    def __init__(self, url: str, html: str | bytes | None, encoding: str | None = None, content_type: str | None = None):
        self.response_url = url
        self._html = html
        self._encoding = encoding
        self._content_type = content_type
        self._results: dict[str, tuple[object, str]] = {}
        self._title_pos: int | None = None  # set by the title rule that found it
        self._title_el = None

    @classmethod
    def from_response(cls, response) -> ArticlePage:
        """A page from a Scrapy (or any) response with ``url`` and ``text`` (or ``body``)."""
        try:
            return cls(response.url, response.text)
        except (AttributeError, ValueError):  # not a text response: let the decoder try
            headers = getattr(response, "headers", None) or {}
            content_type = headers.get("Content-Type") if hasattr(headers, "get") else None
            if isinstance(content_type, bytes):
                content_type = content_type.decode("latin-1")
            return cls(response.url, getattr(response, "body", b""), content_type=content_type)

    # ---- fields taken from the URL

    def url(self) -> str:
        try:
            return canonicalize_url(self.response_url)
        except ValueError:  # an unparsable address is kept as given rather than lost
            return self.response_url or ""

    def site(self) -> str:
        try:
            return site_of(self.url())
        except ValueError:
            return ""

    def language(self) -> str:
        try:
            return language_from_url(self.url())
        except ValueError:
            return "en"

    def category(self) -> str | None:
        try:
            return category_from_url(self.url())
        except ValueError:
            return None

    # ---- fields taken from the page

    def title(self) -> str | None:
        return self._field("title")[0]

    def published_at(self):
        return self._field("published_at")[0]

    def category_status(self) -> str | None:
        return self._field("category_status")[0]

    def photo_credit(self) -> str | None:
        return self._field("photo_credit")[0]

    def body(self) -> str | None:
        return self._field("body")[0]

    def similar_links(self) -> list[SimilarLink]:
        return self._field("similar_links")[0] or []

    def links(self) -> list[str]:
        """Every same-site link on the page, for discovery (not an item field)."""
        from .listing import site_links  # listing imports this module

        try:
            return site_links(self.doc, self.base_url, self.response_url)
        except Exception:  # noqa: BLE001 - discovery must not cost the item
            log.warning("link discovery failed on %s", self.response_url, exc_info=True)
            return []

    def to_item(self) -> ArticleItem:
        item = ArticleItem(url=self.url(), site=self.site(), language=self.language(), category=self.category() or "")
        for name in FIELDS:
            value, rule = self._field(name)
            setattr(item, name, value if value is not None or name != "similar_links" else [])
            item.rules[name] = rule
        return item

    def _field(self, name: str) -> tuple[object, str]:
        if name not in self._results:
            failed = False
            result: tuple[object, str] = (None, "none")
            for rule, method in getattr(self, f"{name}_rules"):
                try:
                    value = getattr(self, method)()
                except Exception:  # noqa: BLE001 - one broken rule must not cost the page
                    log.warning("extraction rule %s.%s failed on %s", name, rule, self.response_url, exc_info=True)
                    failed = True
                    continue
                if value not in (None, "", []):
                    result = (value, rule)
                    break
            else:
                if failed:
                    result = (None, "error")
            self._results[name] = result
        return self._results[name]

    # ---- the parsed page and its landmarks

    @cached_property
    def doc(self) -> Document:
        return Document(self.response_url, self._html, self._encoding, self._content_type)

    @cached_property
    def base_url(self) -> str:
        base = self.doc.base_href
        try:
            return urljoin(self.response_url, base) if base else self.response_url
        except ValueError:
            return self.response_url

    @cached_property
    def status_label(self) -> tuple[Line, int] | None:
        """The "Category status:" line and the position where its label text ends."""
        doc = self.doc
        blocks = self.teaser_blocks
        # A theme may put the article's header (title, status, date) in the page <header>:
        # chrome lines are searched too, after the others.
        ordered = [line for line in doc.lines if not line.chrome] + [line for line in doc.lines if line.chrome]
        for line in ordered:
            if len(line.text) > 200 or any(lo <= line.start < hi for lo, hi in blocks):
                continue
            rest = match_normalized_label(line.text, labels.CATEGORY_STATUS)
            if rest is not None:
                label_chars = sum(ch.isalnum() for ch in line.text[: len(line.text) - len(rest)])
                return line, self._pos_after_chars(line, label_chars)
            if contains_label(line.text, labels.CATEGORY_STATUS):
                # the label in its own element inside a longer line:
                # <span>Category status</span><i class="…"></i><span>18.09.2017</span>
                index = doc.next_token_after(line.start - 1)
                while index < len(doc.token_pos) and doc.token_pos[index] <= line.end:
                    token = doc.token_text(index)
                    if match_label(token, labels.CATEGORY_STATUS) == "" and _strong_label(token):
                        return line, doc.token_pos[index]
                    index += 1
        return None

    def in_teaser_block(self, pos: int) -> bool:
        return any(lo <= pos < hi for lo, hi in self.teaser_blocks)

    def _css_candidate(self, el) -> bool:
        """Whether an element found by a CSS hint may hold the article's date or credit: in the
        region, not in the site chrome (the footer's "© …") unless the title is, and neither
        inside nor around a teaser block (the region may step over a teaser box)."""
        doc = self.doc
        start, end = self.region
        lo = doc.start.get(el, -1)
        if not start <= lo < end or self.overlaps_teaser_block(el):
            return False
        index = bisect.bisect_left(doc.element_pos, lo)
        chrome = index < len(doc.elements) and doc.elements[index][0] is el and doc.elements[index][2]
        return not chrome or self.title_in_chrome

    def overlaps_teaser_block(self, el) -> bool:
        """Whether an element is inside a teaser block or holds (part of) one: its text would
        then carry a teaser's date or credit."""
        doc = self.doc
        lo = doc.start.get(el)
        if lo is None:
            return True
        hi = doc.end.get(el, lo)
        return any(lo < block_hi and hi >= block_lo for block_lo, block_hi in self.teaser_blocks)

    @cached_property
    def teaser_blocks(self) -> list[tuple[int, int]]:
        """Position ranges of the "Similar articles" and "Recent trends" blocks: teasers there
        carry their own status, date and credit, never the article's."""
        names = labels.SIMILAR_ARTICLES + labels.RECENT_TRENDS
        doc = self.doc
        return [(doc.lines[i].start, block_end(doc, doc.lines[i])) for i in sorted(doc.label_lines(names))]

    def _pos_after_chars(self, line: Line, chars: int) -> int:
        """Position of the text piece of ``line`` in which its first ``chars`` letters end."""
        doc = self.doc
        seen = 0
        index = doc.next_token_after(line.start - 1)
        while index < len(doc.token_pos) and doc.token_pos[index] <= line.end:
            seen += sum(ch.isalnum() for ch in doc.token_text(index))
            if seen >= chars:
                return doc.token_pos[index]
            index += 1
        return line.end

    @cached_property
    def article_container(self):
        """The <article>/<main> element around the title, when the theme has one."""
        anchor = self._title_el
        if anchor is None and self.status_label:
            anchor = self.status_label[0].block
        node = anchor
        while node is not None:
            tag = node.tag if isinstance(node.tag, str) else ""
            if tag.lower() in ("article", "main") or node.get("role", "").lower() == "main":
                return node
            node = node.getparent()
        return None

    @cached_property
    def region(self) -> tuple[int, int]:
        """(start, end) positions of the article: from its title to the first block heading
        ("Similar articles", "Recent trends", …) after it, within its <article>/<main>."""
        title = self.title()
        doc = self.doc
        if self._title_pos is None and title:
            self._locate_title(title)
        start = self._title_pos
        if start is None and self.status_label:
            start = self.status_label[0].start
        container = self.article_container
        if start is None:
            start = doc.start.get(container, 0) if container is not None else 0
        # doc.end is the container's last position, inclusive: the region's end is exclusive
        end = doc.end.get(container, 10**12) + 1 if container is not None else 10**12
        # A block heading in a sidebar (chrome) need not end the article: chrome lines are
        # left out anyway, and a floated sidebar may come before the body in page order.
        title_line = doc.line_of_pos(start)
        with_chrome = bool(title_line and title_line.chrome)
        index = doc.lines_from(start + 1)
        while True:
            following = _next_label_line(doc, labels.BLOCK_HEADINGS, index, with_chrome=with_chrome)
            if following is None or following.start >= end:
                break
            # A block before any body text (a teaser box between the header and the body) is
            # stepped over, its lines left out as teaser lines; after the body it ends it.
            if any(
                len(line.text) > 150 and not line.chrome and line.link_density <= 0.5
                for line in doc.lines[doc.lines_from(start): following.index]
            ):
                end = following.start
                break
            index = following.index + 1
        return start, end

    @cached_property
    def title_in_chrome(self) -> bool:
        """Whether the title sits in the page header (then so may its status and date)."""
        self.region
        line = self.doc.line_of_pos(self._title_pos) if self._title_pos is not None else None
        return bool(line and line.chrome)

    def _locate_title(self, title: str) -> None:
        """Find a title known only from <meta>/<title> in the page text, so that "after the
        title" still means something: the first line (not in a link) that reads the same."""
        wanted = title.casefold()
        for line in self.doc.lines:
            if line.text.casefold() == wanted and line.link_density <= 0.5:
                self._title_pos, self._title_el = line.start, line.block
                return

    def region_lines(self, start: int | None = None, end: int | None = None) -> list[Line]:
        region_start, region_end = self.region
        start = region_start if start is None else start
        end = region_end if end is None else end
        doc = self.doc
        return doc.lines[doc.lines_from(start): doc.lines_from(end)]

    # ---- title

    @cached_property
    def site_names(self) -> set[str]:
        """What the site calls itself: og:site_name and the shorter parts of <title>
        ("Title | Belarus in Focus"), case-folded."""
        names = {normalize_whitespace(self.doc.meta.get("og:site_name", "")).casefold()}
        text = self.doc.title_text
        for separator in _TITLE_SEPARATORS:
            if separator in text:
                parts = [normalize_whitespace(p).casefold() for p in text.split(separator)]
                longest = max(parts, key=len)
                names.update(p for p in parts if p != longest)
                break
        names.discard("")
        return names

    def _is_site_name(self, el) -> bool:
        """A heading around a link to the home page (a logo), or reading the site's name."""
        if self.doc.text_of(el).casefold() in self.site_names:
            return True
        for a in el.iter("a"):
            href = a.get("href")
            if href is None:
                continue
            target = urljoin(self.base_url, href.strip())
            path = urlsplit(target).path.rstrip("/")
            if path in ("", "/ru", "/en", "/index.php") and same_site(target, self.base_url):
                return True
        return False

    def _title_from_h1(self) -> str | None:
        doc = self.doc
        candidates = []
        for marker in doc.headings:
            if marker.el.tag != "h1" or marker.chrome or self._is_site_name(marker.el):
                continue
            text = doc.text_of(marker.el)
            if text:
                candidates.append((marker, text))
        if not candidates:
            return None
        chosen = None
        if len(candidates) == 1:
            chosen = candidates[0]
        elif self.status_label:
            before = [c for c in candidates if c[0].pos < self.status_label[0].start]
            chosen = before[-1] if before else None
        if chosen is None:
            in_main = [c for c in candidates if c[0].main]
            guide = (self._title_from_meta() or self._title_from_title_tag() or "").casefold()
            matching = [c for c in candidates if c[1].casefold() == guide]
            chosen = (matching or in_main or [max(candidates, key=lambda c: len(c[1]))])[0]
        self._title_pos = chosen[0].pos
        self._title_el = chosen[0].el
        return chosen[1]

    def _title_before_status_label(self) -> str | None:
        if not self.status_label:
            return None
        lines = self.doc.lines
        index = self.status_label[0].index
        window = [line for line in lines[max(0, index - 4): index] if self._could_be_title(line)]
        # a theme may put the title in the page <header>; the site name there links home
        headed = [line for line in window if line.heading and not self._is_site_name(_heading_of(line))]
        plain = [line for line in window if line.link_density < 0.5 and not line.chrome]
        if headed:  # the whole heading, even when a <br> splits it into lines
            heading = _heading_of(headed[-1])
            self._title_pos, self._title_el = self.doc.start.get(heading, headed[-1].start), heading
            return self.doc.text_of(heading) or headed[-1].text
        if plain:
            line = plain[-1]
            self._title_pos, self._title_el = line.start, line.block
            return line.text
        return None

    def _could_be_title(self, line: Line) -> bool:
        text = line.text
        if len(text) < 4 or len(text) > 300:
            return False
        if match_label(text, labels.PHOTO_CREDIT + labels.CATEGORY_STATUS + labels.BLOCK_HEADINGS) is not None:
            return False
        return not self._is_date_line(line)

    def _title_from_meta(self) -> str | None:
        meta = self.doc.meta
        for key in ("og:title", "twitter:title", "headline", "dc.title", "title"):
            if meta.get(key):
                return normalize_whitespace(meta[key])
        return None

    def _title_from_title_tag(self) -> str | None:
        text = self.doc.title_text
        if not text:
            return None
        for separator in _TITLE_SEPARATORS:
            if separator in text:
                return max(text.split(separator), key=len).strip() or None
        return text

    # ---- category status

    def _status_after_label(self) -> str | None:
        if not self.status_label:
            return None
        line, pos = self.status_label
        limit = pos + _STATUS_WINDOW
        # The icon sits next to its label: in the label's block or a sibling of it
        # (<dt>/<dd>, field-label/field-items), never further out (the article photo).
        parent = line.block.getparent() if line.block is not None else None
        if parent is not None and parent.tag not in ("body", "html"):
            limit = min(limit, self.doc.end.get(parent, limit) + 1)
        return self._status_in_window(pos, limit)

    def _status_in_window(self, pos: int, limit: int) -> str | None:
        """The word of the first icon after ``pos`` and before the next text with content
        (the date), preferring a known status word; a hidden text status word counts too.
        An unknown word counts only if it is one word or two: a longer alt text describes a
        photo, it is not a status."""
        doc = self.doc
        text_word = None
        index = doc.next_token_after(pos)
        for index in range(index, min(index + 6, len(doc.token_pos))):
            token = doc.token_text(index)
            if not any(ch.isalnum() for ch in token):
                continue
            word, known = status_word(token)
            if word is None and not any(ch.isdigit() for ch in token):
                continue  # "Status", "icon": generic words around the icon
            limit = min(limit, doc.token_pos[index])
            if known and len(token) <= 40:
                text_word = word
            break
        fallback = None
        for marker in doc.icons_between(pos, limit):
            word, known = read_icon(marker.el)
            if known:
                return word
            if word and word.count("-") <= 1 and not _is_photo(marker.el):
                fallback = fallback or word
        return text_word or fallback

    def _status_between_title_and_date(self) -> str | None:
        self.region  # locates the title
        start = self._title_pos
        if start is None:
            return None
        date = self._date_after_title_found
        if date is not None:
            end = date[0] + 1
        else:  # no date: up to the first body paragraph
            body = [line for line in self._body_candidates() if len(line.text) > 150]
            if not body:
                return None
            end = body[0].start
        doc = self.doc
        for marker in doc.icons_between(start, end):
            if self.in_teaser_block(marker.pos):  # a teaser box between the title and the body
                continue
            word, known = read_icon(marker.el)
            if known and (not marker.chrome or self.title_in_chrome) and not _is_photo(marker.el):
                return word
        return None

    def _status_from_css(self) -> str | None:
        doc = self.doc
        start, end = self.region
        for el in doc.root.xpath(
            "//*[contains(translate(@class, 'STATUS', 'status'), 'status')"
            " or contains(translate(@id, 'STATUS', 'status'), 'status')]"
        ):
            lo, hi = doc.start.get(el), doc.end.get(el)
            if lo is None or not start <= lo < end:
                continue
            icons = doc.icons_between(lo - 1, hi + 1)
            for marker in icons:
                if marker.chrome or self.in_teaser_block(marker.pos):
                    continue
                word, _known = read_icon(marker.el)
                if word:
                    return word
        return None

    # ---- published_at

    def _is_date_line(self, line: Line) -> bool:
        if len(line.text) > _MAX_DATE_LINE:
            return False
        found = find_date(line.text)
        return bool(found) and (found[1] - found[0]) * 2 >= len(line.text) - 2

    @cached_property
    def _date_after_title_found(self) -> tuple[int, object] | None:
        """(position, datetime) of the first date after the title and before the body."""
        doc = self.doc
        start, end = self.region
        language = self.language()
        line_hit = None
        stop = end
        for line in self.region_lines(start, end):
            if (line.chrome and not self.title_in_chrome) or self.in_teaser_block(line.start):
                continue
            if len(line.text) <= _MAX_DATE_LINE:
                found = find_date(line.text)
                if found:
                    line_hit = (line.start, found[2])
                    stop = line.start
                    break
            elif not line.link_density > 0.5 and len(line.text) > 200:
                stop = line.start  # the body has begun: a later date is in the prose
                break
        for marker in doc.markers_between(doc.times, doc.time_pos, start - 1, stop):
            if (marker.chrome and not self.title_in_chrome) or self.in_teaser_block(marker.pos):
                continue
            value = self._time_value(marker.el, language)
            if value is not None:
                return marker.pos, value
        return line_hit

    def _time_value(self, el, language):
        attr = el.get("datetime") or el.get("content")
        text = self.doc.text_of(el)
        from_attr = parse_site_datetime(attr, language) if attr else None
        from_text = parse_site_datetime(text, language) if text else None
        if from_attr is not None and from_text is not None and ":" not in attr and from_text.date() == from_attr.date():
            return from_text  # the attribute has only the date, the visible text has the time too
        return from_attr or from_text

    def _date_after_title(self):
        found = self._date_after_title_found
        return found[1] if found else None

    def _date_from_meta(self):
        meta = self.doc.meta
        language = self.language()
        for key in ("article:published_time", "datepublished", "dc.date", "dc.date.issued", "date", "pubdate"):
            if meta.get(key):
                value = parse_site_datetime(meta[key], language)
                if value:
                    return value
        for el in self.doc.root.xpath("//*[@itemprop='datePublished']"):
            value = parse_site_datetime(el.get("content") or el.get("datetime") or self.doc.text_of(el), language)
            if value:
                return value
        for raw in self.doc.jsonld:
            value = _jsonld_date(raw)
            if value:
                return parse_site_datetime(value, language)
        return None

    def _date_from_css(self):
        doc = self.doc
        for el in doc.root.xpath("//*[contains(@class, 'date') or contains(@class, 'submitted') or contains(@class, 'Date')]"):
            if not self._css_candidate(el):  # never a teaser's or the sidebar's date
                continue
            value = parse_site_datetime(doc.text_of(el)[:_MAX_DATE_LINE], self.language())
            if value:
                return value
        return None

    # ---- photo credit

    @cached_property
    def _credit_found(self) -> tuple[str, set[int]] | None:
        """(credit, indices of the lines it used) for the first credit label in the article."""
        doc = self.doc
        start, end = self.region
        container = self.article_container
        if container is not None:  # a hero photo may sit above the title inside the article
            start = min(start, doc.start.get(container, start))
        lines = self.region_lines(start, end)
        for position, line in enumerate(lines):
            if (line.chrome and not self.title_in_chrome) or len(line.text) > _MAX_CREDIT_LINE:
                continue
            if self.in_teaser_block(line.start):
                continue
            rest = match_label(
                line.text,
                labels.PHOTO_CREDIT,
                extra_separators=labels.PHOTO_CREDIT_SEPARATORS,
                separators=labels.PHOTO_CREDIT_PUNCTUATION,
            )
            if rest is None:
                rest = _credit_inside(line.text)
            if rest is None:
                continue
            if rest:
                return rest, {line.index}
            # the label alone on its line ("<dt>Photo</dt><dd>Reuters</dd>"): the value follows
            following = lines[position + 1] if position + 1 < len(lines) else None
            if following is not None and match_label(following.text, labels.BLOCK_HEADINGS) is None and not self._is_date_line(following):
                return following.text, {line.index, following.index}
        return None

    def _credit_by_label(self) -> str | None:
        found = self._credit_found
        return found[0] if found else None

    def _credit_from_css(self) -> str | None:
        doc = self.doc
        for el in doc.root.xpath(
            "//*[contains(@class, 'credit') or contains(@class, 'copyright') or contains(@class, 'photo-author')"
            " or contains(@class, 'Credit')]"
        ):
            if not self._css_candidate(el):
                continue
            text = strip_label(doc.text_of(el), labels.PHOTO_CREDIT)
            if text and len(text) <= _MAX_CREDIT_LINE:
                return text
        return None

    # ---- body

    def _body_candidates(self) -> list[Line]:
        return self.body_lines

    @cached_property
    def body_lines(self) -> list[Line]:
        """Lines that may be body paragraphs, before the <p>-or-not choice."""
        start, end = self.region
        skip = set()
        if self.status_label:
            skip.add(self.status_label[0].index)
        if self._credit_found:
            skip |= self._credit_found[1]
        kept = []
        for line in self.region_lines(start, end):
            if line.index in skip or line.chrome or line.caption or line.heading:
                continue
            if self.in_teaser_block(line.start):
                continue
            if line.start <= start:  # the title line itself
                continue
            if line.link_density > 0.5 or _is_read_more(line.text):
                continue
            if self._is_date_line(line) or match_normalized_label(line.text, _META_LABELS) is not None:
                continue
            if len(line.text) <= 40 and status_word(line.text)[1] and len(line.text.split()) <= 3:
                continue  # a visually hidden status word
            kept.append(line)
        # Unlabelled meta lines ("Published", "By …") sit between the title and the body: the
        # body starts after the last status/date/credit line that precedes its first long line.
        first_long = next((line.start for line in kept if len(line.text) > 150), None)
        if first_long is not None:
            meta = [self.status_label[0].start] if self.status_label else []
            if self._date_after_title_found:
                meta.append(self._date_after_title_found[0])
            if self._credit_found:
                meta.extend(self.doc.lines[i].start for i in self._credit_found[1])
            floor = max((pos for pos in meta if pos < first_long), default=None)
            if floor is not None:
                kept = [line for line in kept if line.start > floor]
        return kept

    def _body_paragraphs(self) -> str | None:
        lines = self._body_candidates()
        in_paragraphs = [line for line in lines if line.tag in PARAGRAPH_TAGS]
        if in_paragraphs:
            # With <p> markup, other blocks are chrome-like (tags, share bars, captions), but a
            # long prose block before the last <p> (a lead in a <div>) is still body.
            last = in_paragraphs[-1].start
            lines = [line for line in lines if line.tag in PARAGRAPH_TAGS or (len(line.text) >= 150 and line.start < last)]
        paragraphs: list[str] = []
        previous = None
        for line in lines:
            if previous is not None and line.block is previous.block and line.brs == 1 and line.index == previous.index + 1:
                paragraphs[-1] += " " + line.text  # one <br> breaks a line, two break a paragraph
            else:
                paragraphs.append(line.text)
            previous = line
        return join_paragraphs(paragraphs) or None

    def _body_largest_block(self) -> str | None:
        # The page-wide fallback, so it filters what the region would have: a page whose
        # article block is gone must yield no body (and be recorded as invalid), not its title,
        # its caption or a teaser's lead.
        title = (self.title() or "").casefold()
        skip = {self.status_label[0].index} if self.status_label else set()
        if self._credit_found:
            skip |= self._credit_found[1]
        sizes: dict = {}
        for line in self.doc.lines:
            if line.chrome or line.link_density > 0.5 or line.block is None or line.heading or line.caption:
                continue
            if line.index in skip or self.in_teaser_block(line.start) or line.text.casefold() == title:
                continue
            if self._is_date_line(line) or match_normalized_label(line.text, _META_LABELS) is not None:
                continue
            sizes.setdefault(line.block, []).append(line)
        if not sizes:
            return None
        best = max(sizes.values(), key=lambda group: sum(len(line.text) for line in group))
        return join_paragraphs(line.text for line in best) or None

    # ---- similar links

    def similar_headings(self) -> list[Line]:
        """"Similar articles" heading lines, those after the title first."""
        doc = self.doc
        start = self.region[0]
        ordered = doc.lines[doc.lines_from(start):] + doc.lines[: doc.lines_from(start)]
        wanted = self.doc.label_lines(labels.SIMILAR_ARTICLES)
        return [line for line in ordered if line.index in wanted]

    def block_end(self, heading: Line) -> int:
        """End position of the block a heading opens: the next block heading, or the end of the
        smallest element around the heading that holds the first link after it."""
        return block_end(self.doc, heading)

    def _similar_after_heading(self) -> list[SimilarLink]:
        doc = self.doc
        for heading in self.similar_headings():
            found = self._links_to_similar(doc.markers_between(doc.links, doc.link_pos, heading.end, self.block_end(heading)))
            if found:
                return found
        return []

    def _similar_from_css(self) -> list[SimilarLink]:
        doc = self.doc
        for el in doc.root.xpath(
            "//*[contains(@class, 'similar') or contains(@id, 'similar') or contains(@class, 'related')"
            " or contains(@id, 'related')]"
        ):
            lo, hi = doc.start.get(el), doc.end.get(el)
            if lo is None:
                continue
            found = self._links_to_similar(doc.markers_between(doc.links, doc.link_pos, lo - 1, hi + 1))
            if found:
                return found
        return []

    def _links_to_similar(self, markers: list[Marker]) -> list[SimilarLink]:
        own = self.url()
        found: dict[str, SimilarLink] = {}
        for marker in markers:
            url = self._article_link(marker.el)
            if url is None or url == own:
                continue
            text = self._link_title(marker)
            title = None if not text or _is_read_more(text) else text
            if url in found:
                if found[url].title is None and title:
                    found[url].title = title
                continue
            found[url] = SimilarLink(url=url, title=title, position=len(found) + 1)
        return list(found.values())

    def _link_title(self, marker: Marker) -> str:
        """A teaser link's title: its text, or the first line of a card-like link that wraps
        a heading, date and lead; an image-only link falls back to its title attribute."""
        doc = self.doc
        el = marker.el
        text = ""
        if any(isinstance(child.tag, str) and child.tag in _BLOCKISH for child in el.iter()):
            first = doc.line_of_pos(marker.pos)
            if first is not None and first.start <= doc.end.get(el, -1):
                text = first.text
                found = find_date(text)
                if found and found[0] > 0 and found[1] >= len(text) - 1:
                    text = text[: found[0]].rstrip(" ,|·—-")  # "Title October 02, 2017 11:57"
        text = text or doc.text_of(el)
        return text or normalize_whitespace(el.get("title"))

    def _article_link(self, a) -> str | None:
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "mailto:", "javascript:", "tel:")):
            return None
        try:
            url = canonicalize_url(href, self.base_url)
        except ValueError:
            return None
        if not same_site(url, self.response_url) or not is_article_url(url):
            return None
        return url


def block_end(doc: Document, heading: Line) -> int:
    """End position of the block a heading line opens: the next block heading, or the end of
    the smallest element around the heading that holds the first link after it, whichever
    comes first. Shared with ListingPage (to leave out the "Recent trends" block)."""
    following = _next_label_line(doc, labels.BLOCK_HEADINGS, heading.index + 1)
    end = following.start if following is not None else 10**12
    index = bisect.bisect_right(doc.link_pos, heading.end)
    if index < len(doc.link_pos) and heading.block is not None:
        container = doc.smallest_ancestor_covering(heading.block, doc.link_pos[index])
        if container is not None:
            end = min(end, doc.end.get(container, end) + 1)
    return end


_TITLE_SEPARATORS = (" | ", " — ", " – ", " - ", " :: ")
_BLOCKISH = frozenset("h1 h2 h3 h4 h5 h6 p div li time".split())


def _is_photo(el) -> bool:
    """A picture rather than an icon: inside <figure>/<picture>, or wider/taller than 64 px."""
    for size in (el.get("width"), el.get("height")):
        if size and size.strip().rstrip("px").isdigit() and int(size.strip().rstrip("px")) > 64:
            return True
    parent = el.getparent()
    for _ in range(3):
        if parent is None:
            break
        if parent.tag in ("figure", "picture"):
            return True
        parent = parent.getparent()
    return False


def _strong_label(token: str) -> bool:
    """A label token trusted inside a longer line: a specific one, or a common one with a colon."""
    bare = token.strip().rstrip(":：").strip().casefold()
    return bare not in labels.WEAK_LABELS or token.strip().endswith((":", "："))


def _heading_of(line: Line):
    """The heading element around a heading line."""
    node = line.block
    while node is not None and node.tag != line.heading:
        node = node.getparent()
    return node if node is not None else line.block


def _next_label_line(doc: Document, names: tuple[str, ...], from_index: int, with_chrome: bool = True) -> Line | None:
    """The first line at or after ``from_index`` that is only one of these labels."""
    indices = sorted(doc.label_lines(names))
    for index in indices[bisect.bisect_left(indices, from_index):]:
        if with_chrome or not doc.lines[index].chrome:
            return doc.lines[index]
    return None


def _credit_inside(text: str) -> str | None:
    """A credit label after a separator inside a short meta line ("10:50 | Photo: Reuters")."""
    if len(text) > 200:
        return None
    folded = text.casefold()
    for label in sorted(labels.PHOTO_CREDIT, key=len, reverse=True):
        label = label.casefold()
        at = folded.find(label + ":")
        if at == -1:
            at = folded.find(label + " :")
        if at > 0 and not folded[at - 1].isalnum():
            return text[at + len(label):].lstrip(" :").strip() or None
    return None


def _jsonld_date(raw: str) -> str | None:
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("datePublished"), str):
                return node["datePublished"]
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return None
