"""The weekly rendering's page models and words: what weekly_routes.py hands weekly_markup.py."""

from __future__ import annotations

from dataclasses import dataclass, field

LABELS = {
    "en": {"by": "by", "and": "and", "all_trends": "All trends", "situation": "Situation in Belarus",
           "view_all": "View all", "read_more": "Read more", "newsletter": "Subscribe to our newsletter",
           "newsletter_text": "Our weekly analysis of Belarusian politics, every Monday in your inbox.",
           "email": "Your e-mail", "subscribe": "Subscribe", "next": "Next »", "previous": "« Previous",
           "search": "Search", "search_query": "belarus", "login": "Log in", "share": "Share",
           "latest": "Latest analytics", "topics": "Topics", "contact": "Contact us", "mirror": "Mirror",
           "page": "Page", "not_found": "Nothing found",
           "not_found_text": "It looks like nothing was found at this location."},
    "ru": {"by": "by", "and": "и", "all_trends": "Все тренды", "situation": "Ситуация в Беларуси",
           "view_all": "Смотреть все", "read_more": "Читайте также", "newsletter": "Подпишитесь на рассылку",
           "newsletter_text": "Еженедельный анализ белорусской политики каждый понедельник.",
           "email": "Ваш e-mail", "subscribe": "Подписаться", "next": "Далее »", "previous": "« Назад",
           "search": "Поиск", "search_query": "беларусь", "login": "Войти", "share": "Поделиться",
           "latest": "Последняя аналитика", "topics": "Темы", "contact": "Связаться с нами",
           "mirror": "Зеркало", "page": "Страница", "not_found": "Ничего не найдено",
           "not_found_text": "По этому адресу ничего не найдено."},
    "be": {"by": "by", "and": "і", "all_trends": "Усе трэнды", "situation": "Сітуацыя ў Беларусі",
           "view_all": "Глядзець усе", "read_more": "Чытайце таксама", "newsletter": "Падпішыцеся на рассылку",
           "newsletter_text": "Штотыднёвы аналіз беларускай палітыкі кожны панядзелак.",
           "email": "Ваш e-mail", "subscribe": "Падпісацца", "next": "Далей »", "previous": "« Назад",
           "search": "Пошук", "search_query": "беларусь", "login": "Увайсці", "share": "Падзяліцца",
           "latest": "Апошняя аналітыка", "topics": "Тэмы", "contact": "Звязацца з намі",
           "mirror": "Люстэрка", "page": "Старонка", "not_found": "Нічога не знойдзена",
           "not_found_text": "Па гэтым адрасе нічога не знойдзена."},
}


@dataclass
class Link:
    href: str  # "" for a name shown without a link
    text: str


@dataclass
class Teaser:
    href: str
    title: str
    week: str
    lead: str | None


@dataclass
class ReadMore:
    href: str
    title: str
    week: str


@dataclass
class Chrome:
    language: str
    labels: dict[str, str]
    head_title: str
    canonical: str | None  # absolute, as WordPress prints it
    home: str
    all_trends: Link
    sections: list[Link]
    languages: list[Link]
    search: Link
    login: Link
    footer: list[Link]
    situation: Link | None  # the latest week, linking its commentary
    alternates: list[Link] = field(default_factory=list)  # hreflang: href, language
    feed: str = "/feed/"


@dataclass
class ArticleView:
    node_id: int
    layout: str  # "entry" | "blocks"
    title: str
    authors: list[Link]
    authors_joined_by: str  # "and" or ","
    week: str
    category: Link
    status_icon: str
    status_text: str
    title_again: bool
    image_src: str
    caption: str | None
    credit_label: str
    credit: str
    lead: str
    paragraphs: list[str]
    read_more: list[ReadMore]
    share: list[Link]
    appendix: list[str] = field(default_factory=list)


@dataclass
class ListingView:
    heading: str
    category: str | None
    items: list[Teaser]
    page: int  # 1-based
    page_count: int
    hrefs: list[str]  # of pages 1..page_count
