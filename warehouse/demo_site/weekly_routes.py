"""What each URL of the weekly rendering answers (the WordPress site the archive moved to).

    /                    /ru/  /be/            home: sections, latest commentaries
    /analytics/          [page/N/ | ?paged=N]  all trends, newest first (links use /page/N/)
    /analytics/{cat}/    [page/N/ | ?paged=N]  one section (links use ?paged=N)
    /{cat}/{slug}/       (a few 2016 ones without the slash)   an article
    /feed/  /wp-sitemap.xml (index) -> /wp-sitemap-posts-post-N.xml, /wp-sitemap-taxonomies-category-1.xml
    /author/{slug}/      an author's commentaries

Every path takes the /ru or /be prefix except robots.txt and the sitemaps. As WordPress does,
an article asked for with the other slash form answers 301 to its permalink, and a listing,
feed or author address without its trailing slash 301 to the address with it. The dated
rendering's addresses answer 301 to their weekly equivalents: /{cat}[?page=N] ->
/analytics/{cat}/[?paged=N+1], /rss.xml -> /feed/, /sitemap.xml -> /wp-sitemap.xml,
/node/{id} -> the permalink. Pure like pages.respond: same input, same bytes.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, urlsplit

from warehouse.demo_site import weekly_feeds
from warehouse.demo_site.model import SIDEBAR_TRACKING, DemoArticle, Site, language_prefix, normalize_path
from warehouse.demo_site.people import by_slug
from warehouse.demo_site.response import PIXEL, Response, appendix
from warehouse.demo_site.vocabulary import CATEGORIES, SECTION_NAMES
from warehouse.demo_site.weekly_markup import WeeklyMarkup
from warehouse.demo_site.weekly_views import LABELS, ArticleView, Chrome, Link, ListingView, ReadMore, Teaser
from warehouse.demo_site.weeks import format_week

THEME = "weekly"
PAGE_SIZE = 10
LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "be": "Беларуская"}
CAPTIONS = {"en": "Illustrative photo.", "ru": "Иллюстративное фото.", "be": "Ілюстрацыйнае фота."}
STATUS_ICONS = {"negative": "down", "neutral": "flat", "positive": "up", None: "unknown"}
_MARKUP = WeeklyMarkup()


def listing_href(language: str, category: str | None, page: int) -> str:
    """A weekly listing page (1-based): sections page with ?paged=N, all trends with /page/N/."""
    base = f"{language_prefix(language)}/analytics/" + (f"{category}/" if category else "")
    if page <= 1:
        return base
    return base + (f"?paged={page}" if category else f"page/{page}/")


def respond(site: Site, target: str, origin):
    def moved(location: str) -> Response:
        return Response(301, b"", "text/html; charset=UTF-8", location=origin.base + location)

    parts = urlsplit(target)
    raw_path, query = parts.path or "/", parse_qs(parts.query)
    path = normalize_path(raw_path)
    feeds = weekly_feeds.Feeds(site, origin.base)
    xml = "application/xml; charset=UTF-8"
    if path == "/robots.txt":
        return Response(200, feeds.robots().encode(), "text/plain; charset=utf-8")
    if path == "/sitemap.xml":
        return moved("/wp-sitemap.xml")
    if path == "/wp-sitemap.xml":
        return Response(200, feeds.sitemap_index().encode(), xml)
    if path == "/wp-sitemap-taxonomies-category-1.xml":
        return Response(200, feeds.listings_sitemap().encode(), xml)
    if match := re.fullmatch(r"/wp-sitemap-posts-post-(\d+)\.xml", path):
        text = feeds.posts_sitemap(int(match[1]))
        return Response(200, text.encode(), xml) if text else _Pages(site, origin, "en").not_found()
    segments = path.strip("/").split("/") if path != "/" else []
    language = "en"
    if segments[:1] in (["ru"], ["be"]):
        language, segments = segments[0], segments[1:]
    prefix = language_prefix(language)
    pages = _Pages(site, origin, language)
    if not segments:
        return moved(prefix + "/") if prefix and not raw_path.endswith("/") else pages.home()
    head, rest = segments[0], segments[1:]
    if segments == ["rss.xml"]:
        return moved(prefix + "/feed/")
    if head == "wp-content":
        return Response(200, PIXEL, "image/gif")
    if head in ("analytics", "feed", "author") and not raw_path.endswith("/"):
        # WordPress's canonical redirect: every address but a few old permalinks ends with a slash
        return moved(raw_path + "/" + (f"?{parts.query}" if parts.query else ""))
    if segments == ["feed"]:
        return Response(200, feeds.rss(language).encode(), "application/rss+xml; charset=UTF-8")
    if head == "analytics":
        category = rest[0] if rest and rest[0] in CATEGORIES else None
        rest = rest[1:] if category else rest
        page = query.get("paged", ["1"])[0]
        if len(rest) == 2 and rest[0] == "page":
            page = rest[1]
        elif rest:
            return pages.not_found()
        return pages.listing(category, int(page) if page.isdigit() else -1)
    if head in CATEGORIES and not rest:  # the dated rendering's listing: /{cat}?page=N (0-based)
        old_page = query.get("page", ["0"])[0]
        new_page = int(old_page) + 1 if old_page.isdigit() else 1
        return moved(listing_href(language, head, new_page))
    if head in CATEGORIES and len(rest) == 1:
        article = site.article(path)
        if article is None:
            return pages.not_found()
        if raw_path.endswith("/") != article.weekly_slash:
            return moved(article.permalink + (f"?{parts.query}" if parts.query else ""))
        return pages.article(article)
    if head == "node" and len(rest) == 1 and rest[0].isdigit():
        article = site.by_node(int(rest[0]))
        if article is not None:
            return moved(article.permalink)
    if head == "author" and len(rest) == 1 and by_slug(rest[0]):
        return pages.author(by_slug(rest[0]))
    if head in ("wp-admin", "search"):
        return pages.simple(pages.labels["login" if head == "wp-admin" else "search"], [" ".join(rest)])
    return pages.not_found()


class _Pages:
    """Builds the weekly page models for one request and renders them."""

    def __init__(self, site: Site, origin, language: str) -> None:
        self.site, self.origin, self.language = site, origin, language
        self.labels = LABELS[language]
        self.prefix = language_prefix(language)

    def week(self, target, with_year: bool) -> str:
        return format_week(*target.period, self.language, with_year=with_year)

    def chrome(self, head_title: str, canonical: str | None = None, alternates=()) -> Chrome:
        labels, names = self.labels, SECTION_NAMES[self.language]
        latest = self.site.latest(self.language, 1)
        situation = (Link(latest[0].permalink + SIDEBAR_TRACKING, self.week(latest[0], with_year=False))
                     if latest else None)
        return Chrome(
            language=self.language, labels=labels, head_title=head_title,
            canonical=self.origin.base + canonical if canonical else None,
            home=self.prefix + "/", all_trends=Link(listing_href(self.language, None, 1), labels["all_trends"]),
            sections=[Link(listing_href(self.language, c, 1), names[c]) for c in CATEGORIES],
            languages=[Link(language_prefix(code) + "/", name) for code, name in LANGUAGE_NAMES.items()
                       if code != self.language],
            search=Link("/search/" + quote(labels["search_query"]) + "/", labels["search"]),
            login=Link("/wp-admin/", labels["login"]),
            footer=[Link("mailto:info@belarusinfocus.pro", labels["contact"]),
                    Link(self.origin.other_base + "/", labels["mirror"]), Link(self.prefix + "/feed/", "RSS")],
            situation=situation, alternates=list(alternates),
            feed=self.origin.base + self.prefix + "/feed/")

    def html(self, status: int, text: str, **extra) -> Response:
        return Response(status, text.encode("utf-8"), "text/html; charset=UTF-8", **extra)

    def article(self, article: DemoArticle):
        site, labels = self.site, self.labels
        status, sentence = article.weekly_status
        read_more = []
        for ref in article.similar:
            target = site.teaser_target(ref.path)
            read_more.append(ReadMore(target.permalink, ref.title, self.week(target, with_year=article.node_id % 3 == 2)))
        caption = None if article.node_id % 2 else CAPTIONS["be" if article.weekly_credit_label == "Фота" else self.language]
        absolute = self.origin.base + article.permalink
        alternates = []
        if article.translation and (other := site.article(article.translation)):
            alternates = [Link(self.origin.base + other.permalink, other.language)]
        view = ArticleView(
            node_id=article.node_id, layout="blocks" if article.node_id % 3 == 2 else "entry",
            title=article.title,
            authors=[Link(f"{self.prefix}/author/{p.slug}/" if article.author_links else "", p.name(self.language))
                     for p in article.authors],
            authors_joined_by=labels["and"] if self.language == "en" and article.node_id % 2 == 0 else ",",
            week=self.week(article, with_year=True),
            category=Link(listing_href(self.language, article.category, 1), SECTION_NAMES[self.language][article.category]),
            status_icon=STATUS_ICONS[status], status_text=sentence, title_again=article.node_id % 5 == 0,
            image_src=f"/wp-content/uploads/{article.sort_at:%Y/%m}/{article.slug}-1024x576.jpg",
            caption=caption, credit_label=article.weekly_credit_label, credit=article.photo_credit,
            lead=article.paragraphs[0], paragraphs=list(article.paragraphs[1:]), read_more=read_more,
            share=[Link("https://www.facebook.com/sharer/sharer.php?u=" + quote(absolute, safe=""), "Facebook"),
                   Link("https://twitter.com/intent/tweet?url=" + quote(absolute, safe="")
                        + "&text=" + quote(article.title), "Twitter")],
            appendix=appendix() if article.kind == "oversized" else [])
        chrome = self.chrome(article.title, canonical=article.permalink, alternates=alternates)
        return self.html(200, _MARKUP.article(chrome, view), last_modified=article.sort_at)

    def listing(self, category: str | None, page: int):
        if category is None:
            found = self.site.all_trends(self.language)
            count = max(1, -(-len(found) // PAGE_SIZE))
            items = found[(page - 1) * PAGE_SIZE:page * PAGE_SIZE] if 1 <= page <= count else None
        else:
            count = self.site.page_count(self.language, category)
            items = self.site.listing_page(self.language, category, page - 1)
        if items is None:
            return self.not_found()
        heading = self.labels["all_trends"] if category is None else SECTION_NAMES[self.language][category]
        view = ListingView(
            heading=heading, category=category,
            items=[Teaser(item.permalink, item.title, self.week(item, with_year=False), None) for item in items],
            page=page, page_count=count, hrefs=[listing_href(self.language, category, n) for n in range(1, count + 1)])
        title = heading + (f" – {self.labels['page']} {page}" if page > 1 else "")
        chrome = self.chrome(title, canonical=listing_href(self.language, category, page))
        return self.html(200, _MARKUP.listing(chrome, view))

    def home(self):
        teasers = [Teaser(a.permalink, a.title, self.week(a, with_year=True), a.lead)
                   for a in self.site.latest(self.language, 10)]
        chrome = self.chrome("Belarus in Focus", canonical=self.prefix + "/")
        return self.html(200, _MARKUP.home(chrome, teasers))

    def author(self, person):
        articles = self.site.by_author(person, self.language)
        teasers = [Teaser(a.permalink, a.title, self.week(a, with_year=True), None) for a in articles[:PAGE_SIZE]]
        chrome = self.chrome(person.name(self.language), canonical=f"{self.prefix}/author/{person.slug}/")
        return self.html(200, _MARKUP.author(chrome, person.name(self.language), teasers))

    def simple(self, heading: str, paragraphs: list[str]):
        return self.html(200, _MARKUP.simple(self.chrome(heading), heading, paragraphs))

    def not_found(self):
        heading = self.labels["not_found"]
        return self.html(404, _MARKUP.simple(self.chrome(heading), heading, [self.labels["not_found_text"]]))

