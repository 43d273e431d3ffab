"""The weekly rendering's markup: a WordPress theme of about 2019, with two article templates
(classic `entry-*` posts and block-editor `wp-block-*` posts) chosen per article.

What stays the same across both is what CONTRACT.md describes: an author line starting with
`by` (names linked, plain or absent), the week, the category's name, the title (the page's h1),
the status sentence, sometimes the title again, the photo with a caption ending in its
credit label and the credit, a lead paragraph, the body; then the furniture: share links, a
newsletter box, `Situation in Belarus` (latest week, `View all`) and `Read more`. No time of
day and no machine-readable publication date anywhere. Class names and nesting differ between
the templates and mean nothing.
"""

from __future__ import annotations

from html import escape

from warehouse.demo_site.weekly_views import ArticleView, Chrome, Link, ListingView, Teaser

VIEW_ALL_CLASS = ' class="view-all"'
BUTTON_CLASS = ' class="wp-block-button__link"'
POST_TITLE_CLASS = ' class="wp-block-latest-posts__post-title"'
HTML_LANG = {"en": "en-US", "ru": "ru-RU", "be": "be-BY"}


def _t(text: str) -> str:
    return escape(text, quote=False)


def _a(value: str) -> str:
    return escape(value, quote=True)


def _link(link: Link, attrs: str = "") -> str:
    return f'<a href="{_a(link.href)}"{attrs}>{_t(link.text)}</a>'


def _paragraphs(paragraphs: list[str]) -> str:
    return "\n".join(f"<p>{_t(p)}</p>" for p in paragraphs)


class WeeklyMarkup:
    name = "weekly"

    def _page(self, chrome: Chrome, body_class: str, main: str, aside: str = "") -> str:
        labels = chrome.labels
        head = ['<meta charset="UTF-8">', '<meta name="viewport" content="width=device-width, initial-scale=1">',
                f"<title>{_t(chrome.head_title)} - Belarus in Focus</title>",
                '<meta name="robots" content="index, follow, max-image-preview:large">']
        if chrome.canonical:
            head.append(f'<link rel="canonical" href="{_a(chrome.canonical)}">')
            head.append(f'<meta property="og:url" content="{_a(chrome.canonical)}">')
        head.append(f'<meta property="og:title" content="{_a(chrome.head_title)}">')
        head.append(f'<link rel="alternate" type="application/rss+xml" title="Belarus in Focus &raquo; Feed" '
                    f'href="{_a(chrome.feed)}">')
        head += [f'<link rel="alternate" hreflang="{_a(alt.text)}" href="{_a(alt.href)}">' for alt in chrome.alternates]
        head.append("<link rel='stylesheet' id='bif-style-css' href='/wp-content/themes/bif/style.css?ver=3.1.4' media='all'>")
        menu = "\n".join(f'<li class="menu-item menu-item-type-taxonomy">{_link(s)}</li>'
                         for s in [chrome.all_trends, *chrome.sections])
        langs = " ".join(_link(lang, ' class="lang-item"') for lang in chrome.languages)
        footer = "\n".join(f"<li>{_link(link)}</li>" for link in chrome.footer)
        return f"""<!DOCTYPE html>
<html lang="{HTML_LANG[chrome.language]}">
<head>
{chr(10).join(head)}
</head>
<body class="{body_class} wp-theme-bif">
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#primary">Skip to content</a>
<header id="masthead" class="site-header">
<div class="site-branding"><a href="{_a(chrome.home)}" class="custom-logo-link" rel="home">Belarus in Focus</a></div>
<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">
{menu}
</ul></nav>
<div class="header-tools">{_link(chrome.search, ' class="search-toggle"')} {langs} {_link(chrome.login, ' class="login"')}</div>
</header>
<div id="content" class="site-content">
<div id="primary" class="content-area"><main id="main" class="site-main">
{main}
</main></div>
{aside}</div>
<footer id="colophon" class="site-footer">
<ul class="footer-menu">
{footer}
</ul>
<div class="site-info">© 2016–2023 Belarus in Focus. {_t(labels["all_trends"])}: {_link(chrome.all_trends)}</div>
</footer>
</div>
</body>
</html>
"""

    def _names(self, view: ArticleView) -> str:
        names = [_link(a, ' rel="author"') if a.href else _t(a.text) for a in view.authors]
        if len(names) == 2 and view.authors_joined_by != ",":
            return f"{names[0]} {_t(view.authors_joined_by)} {names[1]}"
        return ", ".join(names)

    def _caption(self, view: ArticleView) -> str:
        text = (f"{view.caption} " if view.caption else "") + f"{view.credit_label}: {view.credit}"
        return _t(text)

    def _situation(self, chrome: Chrome, heading: str) -> str:
        labels = chrome.labels
        week = f"<p>{_link(chrome.situation)}</p>\n" if chrome.situation else ""
        return (f"<{heading}>{_t(labels['situation'])}</{heading.split()[0]}>\n{week}"
                f"<p>{_link(Link(chrome.all_trends.href, labels['view_all']), VIEW_ALL_CLASS)}</p>")

    def _newsletter(self, labels: dict[str, str], heading: str) -> str:
        return (f"<{heading}>{_t(labels['newsletter'])}</{heading.split()[0]}>\n<p>{_t(labels['newsletter_text'])}</p>\n"
                f'<form action="/newsletter/" method="post"><input type="email" name="email" '
                f'placeholder="{_a(labels["email"])}"><button type="submit">{_t(labels["subscribe"])}</button></form>')

    def article(self, chrome: Chrome, view: ArticleView) -> str:
        if view.layout == "blocks":
            return self._article_blocks(chrome, view)
        labels = chrome.labels
        byline = (f'<span class="byline">{_t(labels["by"])} <span class="author vcard">{self._names(view)}</span></span>'
                  if view.authors else f'<span class="byline">{_t(labels["by"])}</span>')
        again = f'<h2 class="entry-subtitle">{_t(view.title)}</h2>\n' if view.title_again else ""
        appendix = ("\n" + _paragraphs(view.appendix)) if view.appendix else ""
        share = " ".join(_link(s, ' target="_blank" rel="noopener"') for s in view.share)
        more = "\n".join(f'<li>{_link(Link(r.href, r.title))} <span class="related-posts__week">{_t(r.week)}</span></li>'
                         for r in view.read_more)
        main = f"""<article id="post-{view.node_id}" class="post-{view.node_id} post type-post status-publish has-post-thumbnail">
<header class="entry-header">
<div class="entry-meta">{byline}
<span class="period">{_t(view.week)}</span></div>
<div class="cat-links">{_link(view.category, ' rel="category tag"')}</div>
<h1 class="entry-title">{_t(view.title)}</h1>
<div class="situation situation--{view.status_icon}"><span class="situation__icon" aria-hidden="true"></span><p class="situation__text">{_t(view.status_text)}</p></div>
{again}</header>
<figure class="post-thumbnail"><img width="1024" height="576" src="{_a(view.image_src)}" class="attachment-large wp-post-image" alt="" decoding="async"><figcaption class="wp-caption-text">{self._caption(view)}</figcaption></figure>
<div class="entry-content">
<p class="lead"><strong>{_t(view.lead)}</strong></p>
{_paragraphs(view.paragraphs)}{appendix}
</div>
<footer class="entry-footer"><span class="share-title">{_t(labels["share"])}:</span> {share}</footer>
</article>
<section class="related-posts"><h3 class="related-posts__title">{_t(labels["read_more"])}</h3>
<ul>
{more}
</ul></section>"""
        aside = f"""<aside id="secondary" class="widget-area">
<section class="widget widget_newsletter">{self._newsletter(labels, 'h3 class="widget-title"')}</section>
<section class="widget widget_situation">{self._situation(chrome, 'h3 class="widget-title"')}</section>
</aside>
"""
        return self._page(chrome, f"post-template-default single single-post postid-{view.node_id}", main, aside)

    def _article_blocks(self, chrome: Chrome, view: ArticleView) -> str:
        labels = chrome.labels
        byline = ("" if not view.authors else
                  f'<div class="wp-block-post-author"><p class="wp-block-post-author__name">{_t(labels["by"])} '
                  f"{self._names(view)}</p></div>\n")
        again = f'<p class="post-subtitle"><strong>{_t(view.title)}</strong></p>\n' if view.title_again else ""
        appendix = ("\n" + _paragraphs(view.appendix)) if view.appendix else ""
        share = "\n".join(f'<div class="wp-block-button">{_link(s, BUTTON_CLASS)}</div>'
                          for s in view.share)
        more = "\n".join(f'<li>{_link(Link(r.href, r.title), POST_TITLE_CLASS)}'
                         f'<div class="wp-block-latest-posts__post-date">{_t(r.week)}</div></li>'
                         for r in view.read_more)
        main = f"""<div class="wp-block-group post-head is-layout-flow">
{byline}<p class="wp-block-post-date has-small-font-size">{_t(view.week)}</p>
<div class="taxonomy-category wp-block-post-terms">{_link(view.category, ' rel="tag"')}</div>
<h1 class="wp-block-post-title has-x-large-font-size">{_t(view.title)}</h1>
<p class="trend-line has-text-color"><svg class="icon icon-{view.status_icon}" width="14" height="14" aria-hidden="true"><use href="#i-{view.status_icon}"></use></svg> {_t(view.status_text)}</p>
{again}</div>
<figure class="wp-block-image size-large"><img src="{_a(view.image_src)}" alt="" loading="lazy"><figcaption class="wp-element-caption">{self._caption(view)}</figcaption></figure>
<div class="entry-content wp-block-post-content is-layout-constrained">
<p class="has-medium-font-size"><em>{_t(view.lead)}</em></p>
{_paragraphs(view.paragraphs)}{appendix}
</div>
<div class="wp-block-buttons share-buttons">
{share}
</div>
<div class="wp-block-group newsletter-cta">
{self._newsletter(labels, 'h2 class="wp-block-heading"')}
</div>
<div class="wp-block-group situation-widget">
{self._situation(chrome, 'h2 class="wp-block-heading"')}
</div>
<div class="wp-block-group more-posts">
<h2 class="wp-block-heading">{_t(labels["read_more"])}</h2>
<ul class="wp-block-latest-posts__list wp-block-latest-posts">
{more}
</ul>
</div>"""
        return self._page(chrome, f"wp-singular post-template single postid-{view.node_id}", main)

    def listing(self, chrome: Chrome, view: ListingView) -> str:
        labels = chrome.labels
        tabs = "\n".join(f"<li>{_link(s)}</li>" for s in chrome.sections)
        items = "\n".join(
            f'<article class="trend-item"><h2 class="trend-item__title">{_link(Link(t.href, t.title))}</h2>'
            f'<div class="trend-item__week">{_t(t.week)}</div></article>' for t in view.items)
        return self._page(chrome, "archive category" if view.category else "blog", f"""<div class="analytics-nav">
{_link(chrome.all_trends, ' class="analytics-nav__all"')}
<ul class="analytics-nav__topics">
{tabs}
</ul>
</div>
<header class="page-header"><h1 class="page-title">{_t(view.heading)}</h1></header>
<div class="trend-list">
{items}
</div>
{self._pager(view, labels)}""")

    def _pager(self, view: ListingView, labels: dict[str, str]) -> str:
        """WordPress's paginate_links: first and last, two either side of the current, dots between."""
        if view.page_count <= 1:
            return ""
        parts, shown = [], 0
        if view.page > 1:
            parts.append(f'<a class="prev page-numbers" href="{_a(view.hrefs[view.page - 2])}">{_t(labels["previous"])}</a>')
        for n in range(1, view.page_count + 1):
            if n not in (1, view.page_count) and abs(n - view.page) > 2:
                continue
            if n - shown > 1:
                parts.append('<span class="page-numbers dots">…</span>')
            parts.append(f'<span aria-current="page" class="page-numbers current">{n}</span>' if n == view.page else
                         f'<a class="page-numbers" href="{_a(view.hrefs[n - 1])}">{n}</a>')
            shown = n
        if view.page < view.page_count:
            parts.append(f'<a class="next page-numbers" href="{_a(view.hrefs[view.page])}">{_t(labels["next"])}</a>')
        return ('<nav class="navigation pagination" aria-label="Posts"><h2 class="screen-reader-text">Posts navigation</h2>'
                f'<div class="nav-links">{" ".join(parts)}</div></nav>')

    def home(self, chrome: Chrome, teasers: list[Teaser]) -> str:
        labels = chrome.labels
        cards = "\n".join(
            f'<article class="home-card"><h2 class="home-card__title">{_link(Link(t.href, t.title))}</h2>'
            f'<p class="home-card__week">{_t(t.week)}</p><p class="home-card__excerpt">{_t(t.lead or "")}</p></article>'
            for t in teasers)
        topics = "\n".join(f"<li>{_link(s)}</li>" for s in [chrome.all_trends, *chrome.sections])
        return self._page(chrome, "home blog", f"""<section class="home-latest"><h1 class="home-title">{_t(labels["latest"])}</h1>
{cards}
</section>
<section class="home-topics"><h2>{_t(labels["topics"])}</h2><ul>
{topics}
</ul></section>
<section class="home-situation">{self._situation(chrome, "h2")}</section>""")

    def author(self, chrome: Chrome, name: str, teasers: list[Teaser]) -> str:
        items = "\n".join(f"<li>{_link(Link(t.href, t.title))} <span>{_t(t.week)}</span></li>" for t in teasers)
        return self._page(chrome, "archive author", f"""<header class="page-header"><h1 class="page-title">{_t(name)}</h1></header>
<ul class="author-posts">
{items}
</ul>""")

    def simple(self, chrome: Chrome, heading: str, paragraphs: list[str]) -> str:
        return self._page(chrome, "page", f"""<header class="page-header"><h1 class="page-title">{_t(heading)}</h1></header>
<div class="page-content">
{_paragraphs([p for p in paragraphs if p])}
</div>""")
