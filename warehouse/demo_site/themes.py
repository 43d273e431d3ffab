"""The dated rendering's markups of the same content: "classic" (Drupal 7 like), "modern"
(HTML5/BEM), and "broken" (modern after a redesign that hides the photo credit from a
label-first extractor). The weekly rendering is weekly_markup.py.

Both show the same labels in the same order (title, Category status + icon, date, photo and
credit, body, Similar articles, Recent trends); they differ in class names, element types and
wrapper depths, so an extractor that relies only on CSS classes breaks on one of them. The
status value is never plain text: classic puts it in the icon's file name and alt/title,
modern only in a class name. All site links are root-relative.
"""

from __future__ import annotations

from dataclasses import replace
from html import escape
from typing import TYPE_CHECKING

from warehouse.demo_site.weekly_markup import WeeklyMarkup

if TYPE_CHECKING:
    from warehouse.demo_site.pages import ArticleView, Chrome, HomeView, ListingView, Teaser


def _t(text: str) -> str:
    """Text node."""
    return escape(text, quote=False)


def _a(value: str) -> str:
    """Attribute value."""
    return escape(value, quote=True)


def _paragraphs(paragraphs: list[str]) -> str:
    return "\n".join(f"<p>{_t(p)}</p>" for p in paragraphs)


class Classic:
    name = "classic"

    def _page(self, chrome: Chrome, body_class: str, content: str) -> str:
        labels = chrome.labels
        head = [f'<meta http-equiv="Content-Type" content="text/html; charset={chrome.charset}" />',
                f"<title>{_t(chrome.head_title)} | Belarus in Focus</title>"]
        if chrome.canonical:
            head.append(f'<link rel="canonical" href="{_a(chrome.canonical)}" />')
        if chrome.shortlink:
            head.append(f'<link rel="shortlink" href="{_a(chrome.shortlink)}" />')
        head += ['<link type="text/css" rel="stylesheet" href="/sites/all/themes/bif/css/style.css" media="all" />',
                 '<link rel="alternate" type="application/rss+xml" title="Belarus in Focus RSS" href="/rss.xml" />']
        nav = "\n".join(
            f'<li class="menu-{i}{" first" if i == 1 else ""}"><a href="{_a(link.href)}">{_t(link.text)}</a></li>'
            for i, link in enumerate(chrome.sections, start=1))
        recent = "\n".join(f'<li><a href="{_a(link.href)}">{_t(link.text)}</a></li>' for link in chrome.recent)
        footer = "\n".join(f'<li><a href="{_a(link.href)}">{_t(link.text)}</a></li>' for link in chrome.footer)
        return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML+RDFa 1.0//EN" "http://www.w3.org/MarkUp/DTD/xhtml-rdfa-1.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="{chrome.language}" lang="{chrome.language}" dir="ltr">
<head>
{chr(10).join(head)}
</head>
<body class="html {body_class} not-logged-in one-sidebar sidebar-second i18n-{chrome.language}">
<div id="page-wrapper"><div id="page">
<div id="header"><div class="section clearfix">
<a href="{"/" if chrome.language == "en" else "/" + chrome.language}" title="Home" rel="home" class="logo">Belarus in Focus</a>
<div class="region region-header"><ul class="menu secondary-menu">
<li class="first"><a href="{_a(chrome.login.href)}">{_t(chrome.login.text)}</a></li>
<li><a href="{_a(chrome.search.href)}">{_t(chrome.search.text)}</a></li>
<li class="last"><a href="{_a(chrome.language_switch.href)}">{_t(chrome.language_switch.text)}</a></li>
</ul></div>
</div></div>
<div id="navigation"><div class="section"><ul id="main-menu" class="links inline clearfix main-menu">
{nav}
</ul></div></div>
<div id="main-wrapper"><div id="main" class="clearfix">
<div id="content" class="column"><div class="section">
{content}
</div></div>
<div id="sidebar" class="column sidebar"><div class="section">
<div class="block"><h2>{_t(labels["recent"])}</h2>
<ul>
{recent}
</ul>
</div>
</div></div>
</div></div>
<div id="footer"><div class="section">
<ul class="menu">
{footer}
</ul>
<p class="copyright">© 2016–2018 Belarus in Focus</p>
</div></div>
</div></div>
</body>
</html>
"""

    def _row(self, teaser: Teaser, index: int, labels: dict[str, str], credit: bool) -> str:
        parts = [f'<div class="views-row views-row-{index} views-row-{"odd" if index % 2 else "even"}">',
                 f'<div class="views-field views-field-title"><span class="field-content">'
                 f'<a href="{_a(teaser.href)}">{_t(teaser.title)}</a></span></div>']
        if teaser.date_text:
            parts.append('<div class="views-field views-field-created"><span class="field-content">'
                         f'<span class="date-display-single">{_t(teaser.date_text)}</span></span></div>')
        if credit and teaser.credit_line:
            parts.append('<div class="views-field views-field-field-image">'
                         f'<div class="field-content photo-credit">{_t(teaser.credit_line)}</div></div>')
        parts.append('<div class="views-field views-field-body"><div class="field-content">'
                     f"<p>{_t(teaser.lead)}</p></div></div>")
        if teaser.more_href:
            parts.append('<div class="views-field views-field-view-node"><span class="field-content">'
                         f'<a href="{_a(teaser.more_href)}">{_t(labels["read_more"])}</a></span></div>')
        parts.append("</div>")
        return "\n".join(parts)

    def article(self, chrome: Chrome, view: ArticleView) -> str:
        labels = chrome.labels
        date = ("" if view.date_text is None else
                f'<div class="field field-name-post-date"><span class="date-display-single">'
                f"{_t(view.date_text)}</span></div>\n")
        tools = "\n".join(f'<li><a href="{_a(link.href)}">{_t(link.text)}</a></li>' for link in view.tools)
        share = " ".join(f'<a href="{_a(link.href)}" class="service-links-{link.text.lower()}">{_t(link.text)}</a>'
                         for link in view.share)
        rows = "\n".join(self._row(t, i, labels, credit=True) for i, t in enumerate(view.similar, start=1))
        appendix = ("\n" + _paragraphs(view.appendix)) if view.appendix else ""
        content = f"""<h1 class="page-title">{_t(view.title)}</h1>
<div class="region region-content">
<div id="block-system-main" class="block block-system">
<div id="node-{view.node_id}" class="node node-article clearfix">
<div class="content">
<div class="field field-name-field-category-status"><div class="field-label">{_t(labels["status"])}&nbsp;</div><div class="field-items"><img src="/sites/all/themes/bif/images/status/{_a(view.status)}.png" alt="{_a(view.status_text)}" title="{_a(view.status_text)}" /></div></div>
{date}<div class="field field-name-field-image"><img src="{_a(view.image_src)}" alt="{_a(view.title)}" /><div class="photo-credit">{_t(view.credit_line)}</div></div>
<div class="field field-name-body">
{_paragraphs(view.paragraphs)}{appendix}
</div>
</div>
<ul class="links inline">
{tools}
</ul>
<div class="service-links">{share}</div>
<div id="comments" class="comment-wrapper"></div>
</div>
</div>
<div class="block block-similar"><h2 class="block-title">{_t(labels["similar"])}</h2><div class="view-content">
{rows}
</div></div>
</div>"""
        return self._page(chrome, f"not-front page-node page-node-{view.node_id} node-type-article", content)

    def listing(self, chrome: Chrome, view: ListingView) -> str:
        labels = chrome.labels
        rows = "\n".join(self._row(t, i, labels, credit=False) for i, t in enumerate(view.items, start=1))
        pager = []
        if view.previous_href is not None:
            pager += [f'<li class="pager-first first"><a title="Go to first page" href="{_a(view.first_href)}">{_t(labels["first"])}</a></li>',
                      f'<li class="pager-previous"><a title="Go to previous page" href="{_a(view.previous_href)}">{_t(labels["previous"])}</a></li>']
        for n, href in enumerate(view.page_hrefs):
            pager.append(f'<li class="pager-current">{n + 1}</li>' if n == view.page else
                         f'<li class="pager-item"><a title="Go to page {n + 1}" href="{_a(href)}">{n + 1}</a></li>')
        if view.next_href is not None:
            pager += [f'<li class="pager-next"><a title="Go to next page" href="{_a(view.next_href)}" rel="next">{_t(labels["next"])}</a></li>',
                      f'<li class="pager-last last"><a title="Go to last page" href="{_a(view.last_href)}">{_t(labels["last"])}</a></li>']
        content = f"""<h1 class="page-title">{_t(view.heading)}</h1>
<div class="region region-content">
<div class="view view-taxonomy-term view-display-id-page"><div class="view-content">
{rows}
</div>
<h2 class="element-invisible">Pages</h2><div class="item-list"><ul class="pager">
{chr(10).join(pager)}
</ul></div>
</div>
</div>"""
        return self._page(chrome, "not-front page-taxonomy", content)

    def home(self, chrome: Chrome, view: HomeView) -> str:
        labels = chrome.labels
        rows = "\n".join(self._row(t, i, labels, credit=False) for i, t in enumerate(view.latest, start=1))
        sections = "\n".join(f'<li><a href="{_a(s.href)}">{_t(s.text)}</a></li>' for s in view.sections)
        archive = ("" if view.archive is None else
                   f'<div class="block block-archive"><h2>{_t(labels["archive"])}</h2>'
                   f'<p><a href="{_a(view.archive.href)}">{_t(view.archive.text)}</a></p></div>\n')
        content = f"""<h1 class="page-title">{_t(labels["latest"])}</h1>
<div class="region region-content">
<div class="view view-frontpage"><div class="view-content">
{rows}
</div></div>
<div class="block block-sections"><h2>{_t(labels["sections"])}</h2><ul>
{sections}
</ul></div>
{archive}</div>"""
        return self._page(chrome, "front", content)

    def simple(self, chrome: Chrome, heading: str, paragraphs: list[str]) -> str:
        content = f"""<h1 class="page-title">{_t(heading)}</h1>
<div class="region region-content"><div class="content">
{_paragraphs(paragraphs)}
</div></div>"""
        return self._page(chrome, "not-front page-simple", content)


class Modern:
    name = "modern"

    def _page(self, chrome: Chrome, kind: str, main: str) -> str:
        labels = chrome.labels
        head = [f'<meta charset="{chrome.charset}">',
                '<meta name="viewport" content="width=device-width, initial-scale=1">',
                f"<title>{_t(chrome.head_title)} — Belarus in Focus</title>"]
        if chrome.canonical:
            head.append(f'<link rel="canonical" href="{_a(chrome.canonical)}">')
        head.append('<link rel="stylesheet" href="/sites/all/themes/bif2/dist/app.css">')
        nav = "\n".join(f'<li class="site-nav__item"><a class="site-nav__link" href="{_a(link.href)}">'
                        f"{_t(link.text)}</a></li>" for link in chrome.sections)
        recent = "\n".join(f'<li class="sidebar__item"><a href="{_a(link.href)}">{_t(link.text)}</a></li>'
                           for link in chrome.recent)
        footer = "\n".join(f'<a class="site-footer__link" href="{_a(link.href)}">{_t(link.text)}</a>'
                           for link in chrome.footer)
        return f"""<!doctype html>
<html lang="{chrome.language}">
<head>
{chr(10).join(head)}
</head>
<body class="page page--{kind}">
<header class="site-header">
<div class="site-header__inner">
<a class="site-header__brand" href="{"/" if chrome.language == "en" else "/" + chrome.language}">Belarus in Focus</a>
<nav class="site-nav" aria-label="{_a(labels["sections"])}"><ul class="site-nav__list">
{nav}
</ul></nav>
<div class="site-header__tools">
<a class="site-header__tool" href="{_a(chrome.search.href)}">{_t(chrome.search.text)}</a>
<a class="site-header__tool" href="{_a(chrome.login.href)}">{_t(chrome.login.text)}</a>
<a class="site-header__tool site-header__tool--lang" href="{_a(chrome.language_switch.href)}">{_t(chrome.language_switch.text)}</a>
</div>
</div>
</header>
<div class="layout">
<main class="layout__main">
{main}
</main>
<aside class="sidebar">
<h3>{_t(labels["recent"])}</h3>
<ul class="sidebar__list">
{recent}
</ul>
</aside>
</div>
<footer class="site-footer">
<nav class="site-footer__nav">
{footer}
</nav>
<p class="site-footer__copy">© 2016–2018 Belarus in Focus</p>
</footer>
</body>
</html>
"""

    def _card(self, teaser: Teaser, labels: dict[str, str]) -> str:
        parts = ['<li class="card">',
                 f'<a class="card__link" href="{_a(teaser.href)}"><span class="card__title">{_t(teaser.title)}</span></a>']
        if teaser.date_text:
            parts.append(f'<time class="card__date" datetime="{_a(teaser.date_iso)}">{_t(teaser.date_text)}</time>')
        if teaser.credit_line:
            parts.append(f'<p class="card__credit">{_t(teaser.credit_line)}</p>')
        parts.append(f'<p class="card__lead">{_t(teaser.lead)}</p>')
        if teaser.more_href:
            parts.append(f'<a class="card__more" href="{_a(teaser.more_href)}">{_t(labels["read_more"])}</a>')
        parts.append("</li>")
        return "\n".join(parts)

    def _item(self, teaser: Teaser, labels: dict[str, str]) -> str:
        date = ("" if not teaser.date_text else
                f'<time class="teaser__date" datetime="{_a(teaser.date_iso)}">{_t(teaser.date_text)}</time>\n')
        more = ("" if not teaser.more_href else
                f'\n<a class="teaser__more" href="{_a(teaser.more_href)}">{_t(labels["read_more"])}</a>')
        return f"""<article class="teaser">
<h2 class="teaser__title"><a href="{_a(teaser.href)}">{_t(teaser.title)}</a></h2>
{date}<p class="teaser__lead">{_t(teaser.lead)}</p>{more}
</article>"""

    def _figure(self, view: ArticleView) -> str:
        return (f'<figure class="post__figure"><img class="post__image" src="{_a(view.image_src)}" '
                f'alt="{_a(view.title)}"><figcaption>{_t(view.credit_line)}</figcaption></figure>')

    def article(self, chrome: Chrome, view: ArticleView) -> str:
        labels = chrome.labels
        date = ("" if view.date_text is None else
                f'<time class="post__date" datetime="{_a(view.date_iso)}">{_t(view.date_text)}</time>\n')
        tools = "\n".join(f'<a class="post__tool" href="{_a(link.href)}">{_t(link.text)}</a>' for link in view.tools)
        share = "\n".join(f'<a class="share share--{link.text.lower()}" href="{_a(link.href)}">{_t(link.text)}</a>'
                          for link in view.share)
        cards = "\n".join(self._card(t, labels) for t in view.similar)
        appendix = ("\n" + _paragraphs(view.appendix)) if view.appendix else ""
        main = f"""<article class="post">
<header class="post__header">
<h1 class="post__headline">{_t(view.title)}</h1>
<p class="post__meta"><span class="post__label">{_t(labels["status"])}</span> <span class="trend-icon trend-icon--{_a(view.status)}" aria-hidden="true"></span></p>
{date}</header>
{self._figure(view)}
<section class="post__content">
{_paragraphs(view.paragraphs)}{appendix}
</section>
<footer class="post__footer">
<nav class="post__tools">
{tools}
</nav>
<div class="post__share">
{share}
</div>
</footer>
<div id="comments"></div>
</article>
<aside class="related">
<h3 class="related__heading">{_t(labels["similar"])}</h3>
<ul class="related__list">
{cards}
</ul>
</aside>"""
        return self._page(chrome, "article", main)

    def listing(self, chrome: Chrome, view: ListingView) -> str:
        labels = chrome.labels
        items = "\n".join(self._item(t, labels) for t in view.items)
        nav = []
        if view.previous_href is not None:
            nav.append(f'<a class="button button--prev" href="{_a(view.previous_href)}">{_t(labels["previous_button"])}</a>')
        nav.append(f'<span class="pagination__current">'
                   f'{_t(labels["page_of"].format(n=view.page + 1, k=view.page_count))}</span>')
        if view.next_href is not None:
            nav.append(f'<a class="button button--next" href="{_a(view.next_href)}">{_t(labels["next_button"])}</a>')
        main = f"""<section class="listing">
<h1 class="listing__title">{_t(view.heading)}</h1>
<div class="listing__items">
{items}
</div>
<nav class="pagination">
{chr(10).join(nav)}
</nav>
</section>"""
        return self._page(chrome, "listing", main)

    def home(self, chrome: Chrome, view: HomeView) -> str:
        labels = chrome.labels
        items = "\n".join(self._item(t, labels) for t in view.latest)
        sections = "\n".join(f'<li><a href="{_a(s.href)}">{_t(s.text)}</a></li>' for s in view.sections)
        archive = ("" if view.archive is None else
                   f'<section class="front__archive"><h2>{_t(labels["archive"])}</h2>'
                   f'<a href="{_a(view.archive.href)}">{_t(view.archive.text)}</a></section>\n')
        main = f"""<section class="front">
<h1 class="front__title">{_t(labels["latest"])}</h1>
<div class="front__items">
{items}
</div>
</section>
<section class="front__sections"><h2>{_t(labels["sections"])}</h2><ul>
{sections}
</ul></section>
{archive}"""
        return self._page(chrome, "front", main)

    def simple(self, chrome: Chrome, heading: str, paragraphs: list[str]) -> str:
        main = f"""<section class="simple">
<h1 class="simple__title">{_t(heading)}</h1>
{_paragraphs(paragraphs)}
</section>"""
        return self._page(chrome, "simple", main)


class Broken(Modern):
    """"modern" after a redesign that breaks one field, the photo credit, for a label-first
    extractor: the credit moves into the image's data-credit attribute (a CSS overlay would show
    it), with no "Photo:"/"Фото:" label, no caption and no *credit* class; the teasers lose
    their credit line. Every other field stays where "modern" has it. The crawl's coverage guard
    is tested against it (tests/test_coverage.py)."""

    name = "broken"

    def _figure(self, view: ArticleView) -> str:
        credit = view.credit_line.partition(": ")[2]  # "Фото: Reuters" → "Reuters"
        return (f'<figure class="post__figure"><img class="post__image" src="{_a(view.image_src)}" '
                f'alt="{_a(view.title)}" data-credit="{_a(credit)}"></figure>')

    def _card(self, teaser: Teaser, labels: dict[str, str]) -> str:
        return super()._card(replace(teaser, credit_line=None), labels)


# "weekly" is the later WordPress rendering: its own routes and markup (weekly_routes.py).
THEMES = {"classic": Classic(), "modern": Modern(), "broken": Broken(), "weekly": WeeklyMarkup()}
