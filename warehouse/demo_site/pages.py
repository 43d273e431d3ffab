"""What each URL of the offline site answers: routing plus the theme-independent page models.

`respond(site, theme, target, origin)` is pure: same site, theme, target and origin give the
same bytes. Per-server behaviour (the transient 500, conditional requests, logging) lives in
server.py; the markup lives in themes.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qs, quote, urlsplit

from warehouse.demo_site import feeds, weekly_routes
from warehouse.demo_site.model import (
    SIDEBAR_TRACKING, DemoArticle, MissingArticle, Site, language_prefix, listing_url_for, normalize_path,
)
from warehouse.demo_site.response import PIXEL, Response, appendix
from warehouse.demo_site.themes import THEMES
from warehouse.demo_site.vocabulary import CATEGORIES, SECTION_NAMES
from warehouse.demo_site.weeks import MONTHS_BE, MONTHS_EN, MONTHS_RU

SITE_NAME = "Belarus in Focus"
CONTACT = "mailto:info@belarusinfocus.info"

LABELS = {
    "en": {
        "status": "Category status:", "similar": "Similar articles", "recent": "Recent trends",
        "read_more": "Read more", "next": "next ›", "next_button": "Next page", "previous": "‹ previous",
        "previous_button": "Previous page", "first": "« first", "last": "last »", "print": "Print",
        "comments": "Comments", "login": "Log in", "search": "Search", "language": "Русский",
        "translation": "Русская версия", "latest": "Latest analysis", "archive": "From the archive",
        "sections": "Sections", "mirror": "Mirror", "contact": "Contact us", "page_of": "Page {n} of {k}",
        "not_found": "Page not found", "not_found_text": "The requested page could not be found.",
        "search_query": "belarus", "credit": "Photo",
    },
    "ru": {
        "status": "Статус категории:", "similar": "Похожие статьи", "recent": "Последние тренды",
        "read_more": "Подробнее", "next": "следующая ›", "next_button": "Следующая страница",
        "previous": "‹ предыдущая", "previous_button": "Предыдущая страница", "first": "« первая",
        "last": "последняя »", "print": "Версия для печати", "comments": "Комментарии", "login": "Войти",
        "search": "Поиск", "language": "English", "translation": "English version",
        "latest": "Последние материалы", "archive": "Из архива", "sections": "Разделы",
        "mirror": "Зеркало", "contact": "Связаться с нами", "page_of": "Страница {n} из {k}",
        "not_found": "Страница не найдена", "not_found_text": "Запрошенная страница не найдена.",
        "search_query": "беларусь", "credit": "Фото",
    },
    "be": {
        "status": "Статус катэгорыі:", "similar": "Падобныя артыкулы", "recent": "Апошнія трэнды",
        "read_more": "Падрабязней", "next": "наступная ›", "next_button": "Наступная старонка",
        "previous": "‹ папярэдняя", "previous_button": "Папярэдняя старонка", "first": "« першая",
        "last": "апошняя »", "print": "Версія для друку", "comments": "Каментары", "login": "Увайсці",
        "search": "Пошук", "language": "English", "translation": "English version",
        "latest": "Апошнія матэрыялы", "archive": "З архіва", "sections": "Раздзелы",
        "mirror": "Люстэрка", "contact": "Звязацца з намі", "page_of": "Старонка {n} з {k}",
        "not_found": "Старонка не знойдзена", "not_found_text": "Запытаная старонка не знойдзена.",
        "search_query": "беларусь", "credit": "Фота",
    },
}
# The dated rendering's icon text (alt/title) on Russian and Belarusian pages; English pages
# show the status word itself.
STATUS_TEXT = {
    "ru": {"positive": "Позитивный", "negative": "Негативный", "neutral": "Нейтральный"},
    "be": {"positive": "Пазітыўны", "negative": "Негатыўны", "neutral": "Нейтральны"},
}
STATUS_TEXT_RU = STATUS_TEXT["ru"]
DATED_MONTHS = {"ru": MONTHS_RU, "be": MONTHS_BE}


def format_date(when: datetime, language: str) -> str:
    """Site-local date as the site prints it: "September 18, 2017 10:50" / "18 сентября 2017 10:50"."""
    if language in DATED_MONTHS:
        return f"{when.day} {DATED_MONTHS[language][when.month - 1]} {when.year} {when:%H:%M}"
    return f"{MONTHS_EN[when.month - 1]} {when:%d, %Y %H:%M}"


def icon_text(status: str, language: str) -> str:
    """The alt/title text of the dated rendering's status icon."""
    return STATUS_TEXT[language][status] if language in STATUS_TEXT else status


@dataclass(frozen=True)
class Origin:
    """Where the pages claim to live: the base for absolute links, and another host name of the
    same server (a link a crawler must not follow)."""

    base: str  # "http://127.0.0.1:8080" or "https://belarusinfocus.info"
    other_base: str  # "http://localhost:8080"


@dataclass
class Link:
    href: str
    text: str


@dataclass
class Teaser:
    href: str
    title: str
    date_text: str | None
    date_iso: str | None
    credit_line: str | None
    lead: str
    more_href: str | None  # "Read more" link, absent in some teasers


@dataclass
class Chrome:
    """Header, navigation, sidebar and footer: everything around the main content."""

    language: str
    labels: dict[str, str]
    head_title: str
    canonical: str | None
    shortlink: str | None
    sections: list[Link]
    login: Link
    search: Link
    language_switch: Link
    recent: list[Link]
    footer: list[Link]
    charset: str = "utf-8"


@dataclass
class ArticleView:
    node_id: int
    title: str
    status: str
    status_text: str  # alt/title text of the icon (Russian words on Russian pages)
    date_text: str | None
    date_iso: str | None
    image_src: str
    credit_line: str
    paragraphs: list[str]
    similar: list[Teaser]
    tools: list[Link]  # print, comments, translation
    share: list[Link]
    appendix: list[str] = field(default_factory=list)  # the oversized page's extra paragraphs


@dataclass
class ListingView:
    heading: str
    items: list[Teaser]
    page: int
    page_count: int
    first_href: str
    previous_href: str | None
    next_href: str | None
    last_href: str
    page_hrefs: list[str]


@dataclass
class HomeView:
    heading: str
    sections: list[Link]
    latest: list[Teaser]
    archive: Link | None


def respond(site: Site, theme: str, target: str, origin: Origin) -> Response:
    """The answer to GET `target` (path and query) under `theme`."""
    if theme == weekly_routes.THEME:
        return weekly_routes.respond(site, target, origin)
    parts = urlsplit(target)
    path = normalize_path(parts.path)
    query = parse_qs(parts.query)
    if path == "/robots.txt":
        return Response(200, feeds.robots(site, origin.base).encode(), "text/plain; charset=utf-8")
    if path == "/sitemap.xml":
        return Response(200, feeds.sitemap(site, origin.base).encode(), "application/xml; charset=utf-8")
    if path == "/rss.xml":
        return Response(200, feeds.rss(site, origin.base).encode(), "application/rss+xml; charset=utf-8")
    segments = path.strip("/").split("/") if path != "/" else []
    if segments[:1] == ["sites"]:
        return Response(200, PIXEL, "image/gif")
    language = "en"
    if segments[:1] in (["ru"], ["be"]):
        language, segments = segments[0], segments[1:]
    pages = _Pages(site, THEMES[theme], origin, language)
    if not segments:
        return pages.home()
    head = segments[0]
    if head in CATEGORIES and len(segments) == 1:
        return pages.listing(head, query.get("page", ["0"])[0])
    if head in CATEGORIES and len(segments) == 2:
        article = site.article(path)
        return pages.article(article) if article else pages.not_found()
    if head == "node" and len(segments) == 2 and segments[1].isdigit():
        article = site.by_node(int(segments[1]))
        if article:
            return Response(301, b"", "text/html; charset=utf-8", location=origin.base + article.path)
    if head == "print":
        article = site.article("/" + "/".join(segments[1:]))
        if article:
            return pages.simple(article.title, list(article.paragraphs))
    if head == "user":
        return pages.simple(LABELS[language]["login"], ["Username", "Password"])
    if head == "search":
        words = query.get("q", [""])[0]
        return pages.simple(LABELS[language]["search"], [f"Search results for: {words}"])
    if head == "about" and len(segments) == 1:
        return pages.simple("About", [f"{SITE_NAME}: analysis of Belarusian politics."])
    return pages.not_found()


class _Pages:
    """Builds the page models for one request and hands them to the theme."""

    def __init__(self, site: Site, theme, origin: Origin, language: str) -> None:
        self.site, self.theme, self.origin, self.language = site, theme, origin, language
        self.labels = LABELS[language]
        self.prefix = language_prefix(language)

    def chrome(self, head_title: str, canonical: str | None = None, shortlink: str | None = None,
               charset: str = "utf-8") -> Chrome:
        labels = self.labels
        return Chrome(
            language=self.language, labels=labels, head_title=head_title, canonical=canonical,
            shortlink=shortlink, charset=charset,
            sections=[Link(f"{self.prefix}/{c}", SECTION_NAMES[self.language][c]) for c in CATEGORIES],
            login=Link("/user/login", labels["login"]),
            search=Link("/search?q=" + quote(labels["search_query"]), labels["search"]),
            language_switch=Link("/ru" if self.language == "en" else "/", labels["language"]),
            recent=[Link(a.path + SIDEBAR_TRACKING, a.title) for a in self.site.latest(self.language, 5)],
            footer=[Link(CONTACT, labels["contact"]), Link(self.origin.other_base + "/", labels["mirror"]),
                    Link("/rss.xml", "RSS")],
        )

    def teaser(self, target: DemoArticle | MissingArticle, href: str, more: bool) -> Teaser:
        when = target.published_at
        return Teaser(
            href=href, title=target.title,
            date_text=format_date(when, self.language) if when else None,
            date_iso=when.isoformat() if when else None,
            credit_line=f"{target.credit_label}: {target.photo_credit}", lead=target.lead,
            more_href=target.path if more else None)

    def html(self, status: int, text: str, charset: str = "utf-8", **extra) -> Response:
        body = text.encode(charset, errors="xmlcharrefreplace")
        return Response(status, body, f"text/html; charset={charset}", **extra)

    def home(self) -> Response:
        latest = self.site.latest(self.language, 10)
        # Home links end with a slash (one of the aliases the crawler must fold into one URL).
        teasers = [self.teaser(a, a.path + "/", more=False) for a in latest]
        archive = None
        if self.language == "en":
            target = self.site.article(self.site.faults.redirect_to)
            archive = Link(self.site.faults.redirect_from, target.title)
        view = HomeView(heading=SITE_NAME, sections=self.chrome(SITE_NAME).sections, latest=teasers,
                        archive=archive)
        return self.html(200, self.theme.home(self.chrome(SITE_NAME, canonical=self.prefix or "/"), view))

    def listing(self, category: str, page_arg: str) -> Response:
        page = int(page_arg) if page_arg.isdigit() else -1
        items = self.site.listing_page(self.language, category, page)
        if items is None:
            return self.not_found()
        count = self.site.page_count(self.language, category)

        def href(n: int) -> str:
            return listing_url_for(self.language, category, n)

        view = ListingView(
            heading=SECTION_NAMES[self.language][category],
            items=[self.teaser(item, item.path, more=True) for item in items],
            page=page, page_count=count, first_href=href(0),
            previous_href=href(page - 1) if page > 0 else None,
            next_href=href(page + 1) if page + 1 < count else None,
            last_href=href(count - 1), page_hrefs=[href(n) for n in range(count)])
        title = view.heading + (f" | {self.labels['page_of'].format(n=page + 1, k=count)}" if page else "")
        return self.html(200, self.theme.listing(self.chrome(title, canonical=href(page)), view))

    def article(self, article: DemoArticle) -> Response:
        site, labels = self.site, self.labels
        charset = "windows-1251" if article.path == site.faults.cp1251_path else "utf-8"
        similar = []
        for position, ref in enumerate(article.similar, start=1):
            target = site.teaser_target(ref.path)
            # Some teaser links end with a slash: an alias the crawler must canonicalise.
            href = ref.path + ("/" if (article.node_id + position) % 7 == 0 else "")
            similar.append(self.teaser(target, href, more=(article.node_id + position) % 3 != 0))
        absolute = self.origin.base + article.path
        tools = [Link("/print" + article.path, labels["print"]),
                 Link(article.path + "#comments", labels["comments"])]
        if article.translation:
            tools.append(Link(article.translation, labels["translation"]))
        when = article.published_at
        view = ArticleView(
            node_id=article.node_id, title=article.title, status=article.category_status,
            status_text=icon_text(article.category_status, self.language),
            date_text=format_date(when, self.language) if when else None,
            date_iso=when.isoformat() if when else None,
            image_src=f"/sites/default/files/styles/article/public/{article.slug}.jpg",
            credit_line=f"{article.credit_label}: {article.photo_credit}",
            paragraphs=list(article.paragraphs), similar=similar, tools=tools,
            share=[Link("https://www.facebook.com/sharer/sharer.php?u=" + quote(absolute, safe=""),
                        "Facebook"),
                   Link("https://twitter.com/intent/tweet?url=" + quote(absolute, safe="")
                        + "&text=" + quote(article.title), "Twitter"),
                   Link("mailto:?subject=" + quote(article.title), "E-mail")],
            appendix=appendix() if article.kind == "oversized" else [])
        chrome = self.chrome(article.title, canonical=article.path, shortlink=f"/node/{article.node_id}",
                             charset=charset)
        modified = article.published_at or article.sort_at
        return self.html(200, self.theme.article(chrome, view), charset, last_modified=modified)

    def simple(self, heading: str, paragraphs: list[str]) -> Response:
        return self.html(200, self.theme.simple(self.chrome(heading), heading, paragraphs))

    def not_found(self) -> Response:
        heading = self.labels["not_found"]
        return self.html(404, self.theme.simple(self.chrome(heading), heading, [self.labels["not_found_text"]]))
