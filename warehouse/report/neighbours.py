"""The latest articles with their closest content neighbours (similarity_content) next to the
site's own "Similar articles" (similar_links), each linked to its page."""

from __future__ import annotations

from collections import defaultdict

from .data import ReportData
from .page import section, source, table, td
from .svg import data_attrs, esc


def _link(url: str, title: str | None) -> str:
    return f'<a href="{esc(url)}">{esc(title or url)}</a>'


def _when(article: dict) -> str:
    """The date and time a dated page shows, or the week a weekly page covers."""
    if article["published_local"] is not None:
        return f"{article['published_local']:%Y-%m-%d %H:%M} Minsk"
    start, end = article["period_start"], article["period_end"]
    return f"week {start:%Y-%m-%d} – {end:%Y-%m-%d}" if start else f"week ending {end:%Y-%m-%d}"


def _byline(authors: list[str] | None) -> str:
    return "by " + ", ".join(authors) if authors else ""


def _status(article: dict) -> str:
    """The status word; the page's words when they gave none (a sentence not understood)."""
    if article["category_status"]:
        return article["category_status"]
    if article["category_status_text"]:
        return f"status not understood: “{article['category_status_text']}”"
    return "no status"


def _card(article: dict, neighbours: list[dict], similar: list[dict]) -> str:
    url = article["url"]
    meta = " · ".join(esc(part) for part in (
        _byline(article["authors"]), article["category"], _when(article), _status(article), article["language"]) if part)
    rows = [
        f'<tr{data_attrs("similarity_content", url_a=url, url_b=n["url_b"], rank=n["rank"], score=n["score"])}>'
        + td(n["rank"], num=True) + f"<td>{_link(n['url_b'], n['title_b'])}</td>" + td(f"{n['score']:.3f}", num=True)
        + ('<td class="yes">yes</td>' if n["also_editorial"] else td(""))
        + "</tr>"
        for n in neighbours
    ]
    content = (table([("rank", True), ("article", False), ("score", True), ("site links it", False)], rows)
               if rows else "<p>No content neighbours: its body shares no rare enough term with another article.</p>")
    rows = [
        f'<tr{data_attrs("similar_links", src_url=url, dst_url=s["dst_url"], position=s["position"])}>'
        + td(s["position"], num=True)
        + f"<td>{_link(s['dst_url'], s['dst_title'])}{'' if s['held'] else ' <span class=meta>(not in the warehouse)</span>'}</td>"
        + td(s["content_rank"] if s["content_rank"] is not None else "not in top 10", num=True)
        + "</tr>"
        for s in similar
    ]
    editorial = (table([("#", True), ("article", False), ("content rank", True)], rows)
                 if rows else "<p>The page shows no similar articles.</p>")
    return (f'<div class="card" data-latest-article="{esc(url)}"><h3>{_link(url, article["title"])}</h3>'
            f'<p class="meta">{meta}</p><div class="grid2">'
            f"<div><h3>Closest by content</h3>{content}</div>"
            f"<div><h3>The site's similar articles</h3>{editorial}</div></div></div>")


def latest_neighbours(data: ReportData) -> str:
    neighbours, similar = defaultdict(list), defaultdict(list)
    for n in data.content_neighbours:
        neighbours[n["url_a"]].append(n)
    for s in data.site_similar:
        similar[s["src_url"]].append(s)
    cards = [_card(a, neighbours[a["url"]], similar[a["url"]]) for a in data.latest_articles]
    lede = ("The newest articles: on the left the five closest by text (cosine of TF-IDF body vectors, "
            "1 = same words), on the right the site's own “Similar articles” block, with where content "
            "similarity ranks each of them.")
    body = "".join(cards) + source("latest_articles", "content_neighbours", "site_similar", queries=data.queries,
                                   note="Views: stg_articles, similarity_content; table similar_links.")
    return section("neighbours", "Latest articles and their neighbours", lede, body)
