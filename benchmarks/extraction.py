"""Extraction benchmark: CPU per article page, ArticlePage(...).to_item() against trafilatura.

    python benchmarks/extraction.py [--articles 150] [--rounds 5]

In process, on the same pages: `--articles` article pages of the offline site, each rendered in
the two dated themes and the weekly one, as the server sends them (bytes and charset); our CPU
per page is also given per theme. Each round runs our extraction over
every page, then `trafilatura.bare_extraction(..., with_metadata=True)` (its defaults otherwise),
alternating which goes first; CPU time is process time. trafilatura is a benchmark-only
dependency (the "bench" extra).

Then, in a separate pass so that the timers do not weigh on the ratio: the share of our
extraction spent parsing dates (crawler.extraction.dates as article.py calls it), how many dates
fell back to dateparser, and whether, for every sampled article, the date the page shows read by
the fast path, by dateparser and the site's ground truth are one and the same (dated themes).
"""

from __future__ import annotations

import argparse
import sys
import time
from email.message import Message
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Ratio, interleaved, site_with, spread  # noqa: E402
from crawler.extraction import ArticlePage, dates, renderings  # noqa: E402
from crawler.extraction.fields import authors, published_at, similar_links  # noqa: E402
from warehouse.demo_site.pages import Origin, format_date, respond  # noqa: E402

ORIGIN = Origin(base="http://127.0.0.1:8017", other_base="http://localhost:8017")
THEMES = ("classic", "modern", "weekly")
DATED_THEMES = ("classic", "modern")
# The modules that call the date functions, as they import them.
DATE_USERS = (published_at, renderings, similar_links, authors, dates)


def charset(content_type: str) -> str | None:
    message = Message()
    message["content-type"] = content_type
    return message.get_param("charset")


def sample_pages(site, articles: int) -> tuple[list, list[tuple[str, bytes, str | None]]]:
    expected = site.expected_articles()
    step = max(1, len(expected) // articles)
    chosen = expected[::step][:articles]
    pages = {}
    for theme in THEMES:
        pages[theme] = []
        for article in chosen:
            path = article.permalink if theme == "weekly" else article.path
            answer = respond(site, theme, path, ORIGIN)
            pages[theme].append((ORIGIN.base + path, answer.body, charset(answer.content_type)))
    return chosen, pages


def ours(pages) -> float:
    started = time.process_time()
    for url, body, encoding in pages:
        ArticlePage(url, body, encoding).to_item()
    return (time.process_time() - started) / len(pages)


def trafilatura_side(pages) -> float:
    import trafilatura

    started = time.process_time()
    for url, body, _ in pages:
        trafilatura.bare_extraction(body, url=url, with_metadata=True)
    return (time.process_time() - started) / len(pages)


class _Timed:
    """Wraps a function, adding up the process time spent in it."""

    def __init__(self, function):
        self.function = function
        self.seconds = 0.0
        self.calls = 0

    def __call__(self, *args, **kwargs):
        started = time.process_time()
        try:
            return self.function(*args, **kwargs)
        finally:
            self.seconds += time.process_time() - started
            self.calls += 1


def date_share(pages) -> dict:
    """Share of extraction time in date parsing, and the dateparser fallbacks among the calls."""
    originals = {
        (module, name): getattr(module, name)
        for module in DATE_USERS
        for name in ("find_date", "parse_site_datetime")
        if hasattr(module, name)
    }
    timers = {key: _Timed(function) for key, function in originals.items()}
    fallback = _Timed(dates.parse_with_dateparser)
    try:
        for (module, name), timer in timers.items():
            setattr(module, name, timer)
        dates.parse_with_dateparser = fallback
        started = time.process_time()
        for url, body, encoding in pages:
            ArticlePage(url, body, encoding).to_item()
        total = time.process_time() - started
    finally:
        for (module, name), function in originals.items():
            setattr(module, name, function)
        dates.parse_with_dateparser = fallback.function
    seconds = sum(t.seconds for t in timers.values())
    return {"share": seconds / total, "calls": sum(t.calls for t in timers.values()), "fallbacks": fallback.calls}


def dates_agree(chosen, pages) -> tuple[int, int, list[str]]:
    """(dated articles, agreeing, disagreements): the page's published_at, dateparser's reading of
    the date as the site prints it, and the ground truth."""
    extracted = {url: ArticlePage(url, body, encoding).to_item().published_at for url, body, encoding in pages}
    dated = agreeing = 0
    wrong = []
    for article in chosen:
        if article.published_at is None:
            continue
        dated += 1
        shown = format_date(article.published_at, article.language)
        fast = dates.parse_site_datetime(shown, article.language)
        slow = dates.parse_with_dateparser(shown, article.language)
        if fast == slow == article.published_at == extracted[ORIGIN.base + article.path]:
            agreeing += 1
        else:
            wrong.append(f"{shown!r}: fast {fast}, dateparser {slow}, page {extracted[ORIGIN.base + article.path]}")
    return dated, agreeing, wrong


def measure(articles: int = 150, rounds: int = 5) -> dict:
    site = site_with(2000)
    chosen, by_theme = sample_pages(site, articles)
    pages = [page for theme in THEMES for page in by_theme[theme]]
    dated_pages = [page for theme in DATED_THEMES for page in by_theme[theme]]
    sides = {"ours": lambda: ours(pages), "trafilatura": lambda: trafilatura_side(pages)}
    sides.update({theme: (lambda theme=theme: ours(by_theme[theme])) for theme in THEMES})
    runs = interleaved(rounds, sides, warmup=True)
    dated, agreeing, wrong = dates_agree(chosen, dated_pages)
    return {
        "pages": len(pages),
        "bytes_per_page": sum(len(body) for _, body, _ in pages) / len(pages),
        "ratio": Ratio.of(runs["ours"], runs["trafilatura"]),
        "weekly_vs_dated": Ratio.of(runs["weekly"], [(c + m) / 2 for c, m in zip(runs["classic"], runs["modern"])]),
        "theme_ms": {theme: [1000 * s for s in runs[theme]] for theme in THEMES},
        "ours_ms": [1000 * s for s in runs["ours"]],
        "trafilatura_ms": [1000 * s for s in runs["trafilatura"]],
        "dates": date_share(pages),
        "dated": dated,
        "agreeing": agreeing,
        "disagreements": wrong,
    }


def report(result: dict) -> None:
    print(f"extraction, {result['pages']} article pages ({result['bytes_per_page'] / 1024:.0f} KB each, "
          f"{'/'.join(THEMES)}): ours {spread(result['ours_ms'], 2)} ms CPU per page, trafilatura "
          f"{spread(result['trafilatura_ms'], 2)} ms; ratio {result['ratio']}")
    per_theme = ", ".join(f"{theme} {spread(ms, 2)}" for theme, ms in result["theme_ms"].items())
    print(f"  ours per theme (ms CPU per page): {per_theme}; weekly / dated {result['weekly_vs_dated']}")
    d = result["dates"]
    print(f"  date parsing: {100 * d['share']:.1f} % of our extraction ({d['calls']} calls, "
          f"{d['fallbacks']} dateparser fallbacks); fast path = dateparser = ground truth on "
          f"{result['agreeing']}/{result['dated']} dated articles")
    for line in result["disagreements"][:5]:
        print(f"  DISAGREE {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=150, help="articles sampled (each page in every theme)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    report(measure(args.articles, args.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
