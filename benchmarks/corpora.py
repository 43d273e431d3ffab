"""Extraction on real publishers' pages: ours against trafilatura, side by side in one run.

    python benchmarks/corpora.py [--corpora ../shared/corpora] [--limit N] [--misses FILE]

Two development corpora (see their README; never needed at run time):

- AEB (the article-extraction benchmark, 181 pages): body token F1 against ``articleBody``,
  its mean and the share of pages at F1 >= 0.9. Tokens are words (``\\w+``, case-folded), counted
  as a bag: precision = shared / ours, recall = shared / truth.
- htmldate's set (800 pages): the publication day right (``YYYY-MM-DD`` of the date as the page
  states it, in the page's own zone; a page without a date found counts as wrong).

Both sides get each page as raw bytes (decompressed before the clock starts) with its URL, as a
crawl hands a response over. Ours: ``ArticlePage(url, html).to_item()`` (every field, as the
spider runs it). trafilatura: ``bare_extraction(html, url=url, with_metadata=True,
include_comments=False)``, its defaults otherwise (its date comes from htmldate with its
default extensive search), which also gives every field it knows. Time per page is process CPU
time around the one call; pages alternate which side goes first. The median is quoted.

``--misses FILE`` writes every page where ours is below 0.9 F1 or has the wrong day, with both
sides' answers, for reading (not for tuning a rule to one page).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from crawler.extraction import ArticlePage  # noqa: E402

DEFAULT_CORPORA = ROOT.parent / "shared" / "corpora"
_WORD = re.compile(r"\w+")


class CorporaMissing(Exception):
    pass


def tokens(text: str | None) -> Counter:
    return Counter(_WORD.findall((text or "").casefold()))


def token_f1(extracted: str | None, truth: str) -> float:
    got, want = tokens(extracted), tokens(truth)
    shared = sum((got & want).values())
    if not shared:
        return 0.0
    precision = shared / sum(got.values())
    recall = shared / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def _read(path: Path) -> bytes:
    with gzip.open(path, "rb") as handle:
        return handle.read()


def load(corpora: Path, limit: int | None) -> tuple[list, list]:
    """(aeb pages, htmldate pages): (url, html bytes, truth) each."""
    aeb_truth = corpora / "aeb" / "ground-truth.json"
    gold = corpora / "htmldate" / "gold.json"
    for path in (aeb_truth, gold):
        if not path.exists():
            raise CorporaMissing(f"{path} not found: pass --corpora pointing at the folder holding aeb/ and htmldate/")
    aeb = []
    for sha, entry in sorted(json.loads(aeb_truth.read_text(encoding="utf-8")).items()):
        aeb.append((entry["url"], _read(corpora / "aeb" / "html" / f"{sha}.html.gz"), entry["articleBody"]))
    dated = []
    for url, entry in json.loads(gold.read_text(encoding="utf-8")).items():
        dated.append((url, _read(corpora / "htmldate" / entry["file"]), entry["date"]))
    if limit:
        aeb, dated = aeb[:limit], dated[:limit]
    return aeb, dated


def ours(url: str, html: bytes) -> tuple[str | None, str | None, dict]:
    item = ArticlePage(url, html).to_item()
    day = item.published_at.date().isoformat() if item.published_at is not None else None
    return item.body, day, dict(item.rules)


def trafilatura_side(url: str, html: bytes) -> tuple[str | None, str | None, dict]:
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    if doc is None:
        return None, None, {}
    return doc.text, (doc.date or None) and doc.date[:10], {}


SIDES = {"ours": ours, "trafilatura": trafilatura_side}


def run(aeb: list, dated: list) -> dict:
    """Per side: F1 per AEB page, day right per htmldate page, CPU seconds per page, misses."""
    results = {name: {"f1": [], "day": [], "seconds": [], "aeb_seconds": [], "date_seconds": [], "rules": Counter(), "answers": []} for name in SIDES}
    order = list(SIDES)
    pages = [("aeb", page) for page in aeb] + [("date", page) for page in dated]
    for number, (kind, (url, html, truth)) in enumerate(pages):
        for name in order if number % 2 == 0 else order[::-1]:
            side = results[name]
            started = time.process_time()
            try:
                body, day, rules = SIDES[name](url, html)
            except Exception as exc:  # noqa: BLE001 - a crash is a miss, and said so
                body, day, rules = None, None, {"crash": type(exc).__name__}
            seconds = time.process_time() - started
            side["seconds"].append(seconds)
            side[f"{kind}_seconds"].append(seconds)
            if kind == "aeb":
                side["f1"].append(token_f1(body, truth))
                side["rules"]["body:" + rules.get("body", "?")] += 1
                side["answers"].append((kind, url, truth, body, side["f1"][-1]))
            else:
                side["day"].append(day == truth)
                side["rules"]["date:" + rules.get("published_at", "?")] += 1
                side["answers"].append((kind, url, truth, day, day == truth))
    return results


def table(results: dict, aeb: list, dated: list) -> str:
    def ms(values):
        return f"{1000 * statistics.median(values):.1f} ms" if values else "-"

    rows = [
        ("AEB, body token F1, mean", lambda r: f"{statistics.fmean(r['f1']):.3f}" if r["f1"] else "-"),
        ("AEB, pages with body F1 >= 0.9", lambda r: f"{100 * sum(f >= 0.9 for f in r['f1']) / len(r['f1']):.1f}%" if r["f1"] else "-"),
        ("htmldate set, publication day right", lambda r: f"{sum(r['day']) / len(r['day']):.3f}" if r["day"] else "-"),
        ("htmldate set, no date found", lambda r: f"{sum(a[3] is None for a in r['answers'] if a[0] == 'date') / max(1, len(r['day'])):.1%}"),
        ("median CPU per page, both", lambda r: ms(r["seconds"])),
        ("median CPU per page, AEB", lambda r: ms(r["aeb_seconds"])),
        ("median CPU per page, htmldate set", lambda r: ms(r["date_seconds"])),
        ("mean CPU per page, both", lambda r: f"{1000 * statistics.fmean(r['seconds']):.1f} ms" if r["seconds"] else "-"),
    ]
    names = list(results)
    lines = [f"| pages ({len(aeb)} AEB, {len(dated)} htmldate) | " + " | ".join(names) + " |", "| --- |" + " --- |" * len(names)]
    for label, cell in rows:
        lines.append(f"| {label} | " + " | ".join(cell(results[name]) for name in names) + " |")
    if "ours" in results and "trafilatura" in results and results["ours"]["seconds"]:
        ratio = statistics.median(results["ours"]["seconds"]) / statistics.median(results["trafilatura"]["seconds"])
        lines.append(f"| median CPU per page, ours / trafilatura | {ratio:.2f}x | |")
    return "\n".join(lines)


def write_misses(results: dict, path: Path) -> None:
    theirs = {(a[0], a[1]): a for a in results["trafilatura"]["answers"]}
    misses = []
    for kind, url, truth, got, score in results["ours"]["answers"]:
        other = theirs.get((kind, url))
        bad = score < 0.9 if kind == "aeb" else not score
        if bad:
            misses.append({"kind": kind, "url": url, "ours": got, "score": score, "trafilatura": other[3] if other else None,
                           "trafilatura_score": other[4] if other else None, "truth": truth if kind == "date" else truth[:300]})
    path.write_text(json.dumps(misses, ensure_ascii=False, indent=1), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, help="folder holding aeb/ and htmldate/")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages of each corpus (a quick check)")
    parser.add_argument("--misses", type=Path, default=None, help="write our misses (JSON) here")
    parser.add_argument("--sides", default="ours,trafilatura", help="comma-separated: ours, trafilatura")
    args = parser.parse_args(argv)
    unknown = [name for name in args.sides.split(",") if name not in SIDES]
    if unknown:
        print(f"unknown side(s) {', '.join(unknown)}: choose from {', '.join(SIDES)}", file=sys.stderr)
        return 2
    for name in list(SIDES):
        if name not in args.sides.split(","):
            del SIDES[name]
    try:
        aeb, dated = load(args.corpora, args.limit)
    except CorporaMissing as exc:
        print(exc, file=sys.stderr)
        return 2
    if "trafilatura" in SIDES:
        try:
            import trafilatura  # noqa: F401 - the bench extra
        except ImportError:
            print("trafilatura is not installed: pip install -e '.[bench]'", file=sys.stderr)
            return 2
        trafilatura_side(aeb[0][0], aeb[0][1])  # warm-up: its first call loads its config
    ours(aeb[0][0], aeb[0][1])
    started = time.perf_counter()
    results = run(aeb, dated)
    print(table(results, aeb, dated))
    print(f"\n{time.perf_counter() - started:.0f} s; our rules: " + ", ".join(f"{k} {v}" for k, v in sorted(results.get("ours", {}).get("rules", {}).items())))
    if args.misses and "ours" in results and "trafilatura" in results:
        write_misses(results, args.misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
