"""Benchmark: refreshing similarity_content and reading each view on a generated archive.

    python benchmarks/similarity.py --articles 10000            # build, refresh, read views
    python benchmarks/similarity.py --articles 2000 --recall    # also recall@10 against exact
    python benchmarks/similarity.py --articles 10000 --recall --recall-sample 500
    python benchmarks/similarity.py --articles 10000 --corpus offline --recall --recall-sample 500

`--corpus offline` takes the bodies of the offline site's articles instead (what
benchmarks/reparse.py imports: few topics, every heavy term heavy in about an eighth of the
archive, the hardest case for the pruning). Otherwise it builds a warehouse of generated
articles (about 600 words each: 45 % stop words, two topics
per article, a long Zipf tail; 70 % English, 30 % Russian; 8 categories over 10 years), then
times each step in a fresh child process so that its peak RSS (VmHWM) is the step's own.
Figures go to benchmarks/README.md; this is not a test.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from warehouse.demo_site import build_site  # noqa: E402
from warehouse.migrate import migrate  # noqa: E402
from warehouse.similarity import refresh_similarity  # noqa: E402

VIEWS = [
    "trend_monthly",
    "trend_status_monthly",
    "trend_terms_monthly",
    "similarity_editorial",
    "similarity_content",
]
CATEGORIES = ["politics", "economy", "international-relations", "society", "security", "regions", "opposition", "media"]
STATUSES = ["positive", "negative", "neutral", None]
MINSK = timezone(timedelta(hours=3))

# The exact all-terms top 10, the reference that the stored (pruned) one is measured against:
# for every article, or for a sample of $sample articles (their neighbours still come from all).
EXACT_TOP10 = """
create or replace temp table exact_top10 as
with
terms as (select url, language, term, weight from internal.int_article_terms),
sources as (select distinct url from terms order by hash(url) limit $sample),
norms as (select url, sqrt(sum(weight * weight)) as norm from terms group by url),
dots as (
    select a.url as url_a, b.url as url_b, sum(a.weight * b.weight) as dot
    from terms as a join terms as b on b.language = a.language and b.term = a.term and b.url <> a.url
    where a.url in (select url from sources)
    group by a.url, b.url
),
scored as (
    select url_a, url_b, least(1.0, round(dot / (na.norm * nb.norm), 12)) as score
    from dots join norms as na on na.url = url_a join norms as nb on nb.url = url_b
),
ranked as (select *, row_number() over (partition by url_a order by score desc, url_b) as rank from scored)
select url_a, url_b, score, rank from ranked where rank <= 10
"""


# ---- generating the archive


def _words(rng: random.Random, alphabet: str, count: int) -> list[str]:
    syllables = [a + b for a in alphabet[:12] for b in alphabet[12:]]
    seen: set[str] = set()
    while len(seen) < count:
        seen.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(seen)


def _zipf(n: int, s: float = 1.05) -> list[float]:
    cum, total = [], 0.0
    for rank in range(1, n + 1):
        total += 1.0 / rank**s
        cum.append(total)
    return cum


class Language:
    def __init__(self, rng: random.Random, code: str, alphabet: str, stopwords: list[str], vocab: int, topics: int):
        self.code = code
        self.stopwords = stopwords
        self.stop_cum = _zipf(len(stopwords), 1.0)
        self.vocab = _words(rng, alphabet, vocab)
        rng.shuffle(self.vocab)
        self.vocab_cum = _zipf(len(self.vocab), 0.9)
        # A topic is 200 words, mostly from the middle of the frequency range, Zipf within it.
        self.topics = [rng.sample(self.vocab[200:20000], 200) for _ in range(topics)]
        self.topic_cum = _zipf(200, 0.9)

    def body(self, rng: random.Random, topics: list[int], words: int, topic_share: float) -> str:
        mix = [(0.45, None)] + [(w, t) for w, t in zip((topic_share, topic_share / 2), topics)]
        tokens: list[str] = []
        for share, topic in mix:
            k = int(words * share)
            if topic is None:
                tokens += rng.choices(self.stopwords, cum_weights=self.stop_cum, k=k)
            else:
                tokens += rng.choices(self.topics[topic], cum_weights=self.topic_cum, k=k)
        tokens += rng.choices(self.vocab, cum_weights=self.vocab_cum, k=words - len(tokens))
        rng.shuffle(tokens)
        sentences = [" ".join(tokens[i : i + 15]).capitalize() + "." for i in range(0, len(tokens), 15)]
        return "\n\n".join(" ".join(sentences[i : i + 6]) for i in range(0, len(sentences), 6))


def generate(path: Path, articles: int, topic_share: float = 0.17, seed: int = 1) -> None:
    rng = random.Random(seed)
    stop = {"en": [], "ru": []}
    for line in (ROOT / "sql" / "data" / "stopwords.csv").read_text(encoding="utf-8").splitlines()[1:]:
        language, word = line.split(",")
        stop[language].append(word)
    languages = {
        "en": Language(rng, "en", "bcdfghklmnprstvaeiouy", stop["en"], 40000, 300),
        "ru": Language(rng, "ru", "бвгдзклмнпрстаеиоуыэюя", stop["ru"], 40000, 150),
    }
    start = datetime(2010, 1, 1, tzinfo=MINSK)
    rows, links = [], []
    by_topic: dict[tuple[str, int], list[str]] = {}
    for i in range(articles):
        language = languages["en" if rng.random() < 0.7 else "ru"]
        topics = [rng.randrange(len(language.topics)), rng.randrange(len(language.topics))]
        category = rng.choice(CATEGORIES)
        prefix = "" if language.code == "en" else "/ru"
        url = f"https://belarusinfocus.test{prefix}/{category}/article-{i:05d}"
        by_topic.setdefault((language.code, topics[0]), []).append(url)
        published = start + timedelta(minutes=rng.randrange(10 * 365 * 24 * 60))
        rows.append({
            "url": url, "site": "https://belarusinfocus.test", "language": language.code, "category": category,
            "title": f"Article {i}", "published_at": published.isoformat(), "category_status": rng.choice(STATUSES),
            "body": language.body(rng, topics, max(200, int(rng.gauss(600, 100))), topic_share), "content_hash": f"h{i}",
        })
    for (code, _), urls in by_topic.items():
        for url in urls:
            others = [u for u in urls if u != url]
            for position, dst in enumerate(rng.sample(others, min(3, len(others))), start=1):
                links.append({"src_url": url, "dst_url": dst, "position": position})
            links.append({"src_url": url, "dst_url": f"https://belarusinfocus.test/gone/{rng.randrange(10**6)}", "position": 4})
    write_archive(path, rows, links)


def generate_offline(path: Path, articles: int) -> None:
    """The first `articles` ordinary articles of the offline site built at that size (as
    benchmarks/reparse.py picks them), with their bodies as generated."""
    site = build_site(articles=articles)
    chosen = [a for a in site.articles if a.kind == "ordinary"]
    while len(chosen) < articles:
        site = build_site(articles=2 * len(site.articles))
        chosen = [a for a in site.articles if a.kind == "ordinary"]
    rows = [{"url": "https://belarusinfocus.info" + a.path, "site": "https://belarusinfocus.info",
             "language": a.language, "category": a.category, "title": a.title,
             "published_at": a.sort_at.isoformat(), "category_status": a.category_status, "body": a.body,
             "content_hash": f"h{i}"} for i, a in enumerate(chosen[:articles])]
    write_archive(path, rows, [])


def write_archive(path: Path, rows: list[dict], links: list[dict]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "a.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
        (Path(tmp) / "l.jsonl").write_text("\n".join(json.dumps(r) for r in links), encoding="utf-8")
        with duckdb.connect(str(path)) as con:
            migrate(con)
            con.execute(f"""
                insert into articles by name
                select *, 1 as version, len(string_split(body, ' ')) as word_count,
                       now() as first_seen_at, now() as last_seen_at, now() as last_changed_at
                from read_json('{tmp}/a.jsonl', columns = {{url: 'varchar', site: 'varchar',
                     language: 'varchar', category: 'varchar', title: 'varchar',
                     published_at: 'timestamptz', category_status: 'varchar', body: 'varchar',
                     content_hash: 'varchar'}})
            """)
            con.execute(f"""
                insert into similar_links by name
                select * from read_json('{tmp}/l.jsonl', columns = {{src_url: 'varchar', dst_url: 'varchar', position: 'integer'}})
            """)


# ---- measured steps (each in its own process)


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_step(step: str, db: Path, sample: int) -> dict:
    with duckdb.connect(str(db)) as con:
        started = time.perf_counter()
        result: dict = {}
        if step == "refresh":
            refresh_similarity(con)
            result["rows"] = con.execute("select count(*) from similarity_content").fetchone()[0]
        elif step == "exact":
            con.execute(EXACT_TOP10, {"sample": sample})
            result["recall@10"] = con.execute("""
                select count(s.url_b) / count(*) from exact_top10 e
                left join internal._similarity_content s on s.url_a = e.url_a and s.url_b = e.url_b
            """).fetchone()[0]
            result["articles"] = con.execute("select count(distinct url_a) from exact_top10").fetchone()[0]
        else:
            result["rows"] = len(con.execute(f"select * from {step}").fetchall())
        result["seconds"] = round(time.perf_counter() - started, 3)
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    return result


def measure(step: str, db: Path, sample: int = 0) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--step", step, "--db", str(db), "--recall-sample", str(sample)],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout)


def targets(small: int = 2000, large: int = 10000, rounds: int = 3) -> dict:
    """The figures benchmarks/run.py reports: refresh wall time and peak RSS at `small` and `large`
    articles (rounds alternating the two archives), and recall@10 against the exact all-terms top
    10 at `small` (every article), with the exact computation's own time for comparison."""
    with tempfile.TemporaryDirectory() as tmp:
        dbs = {small: Path(tmp) / "small.duckdb", large: Path(tmp) / "large.duckdb"}
        for articles, db in dbs.items():
            generate(db, articles)
        refreshes: dict[int, list[dict]] = {small: [], large: []}
        for index in range(rounds):
            for articles in (small, large) if index % 2 == 0 else (large, small):
                refreshes[articles].append(measure("refresh", dbs[articles]))
        exact = measure("exact", dbs[small], small)
    return {"small": small, "large": large, "refresh": refreshes, "exact": exact}


def report_targets(result: dict) -> None:
    for articles in (result["small"], result["large"]):
        runs = result["refresh"][articles]
        print(f"similarity refresh, {articles} articles, first (every article's terms counted), then again: "
              + ", ".join(f"{r['seconds']:.1f} s and {r['peak_rss_mb']:.0f} MB" for r in runs))
    exact = result["exact"]
    print(f"  recall@10 at {result['small']} articles: {exact['recall@10']:.3f} ({exact['articles']} articles; "
          f"the exact all-terms top 10 took {exact['seconds']:.1f} s and {exact['peak_rss_mb']:.0f} MB)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--recall", action="store_true", help="also compute the exact top 10 and recall@10")
    parser.add_argument("--recall-sample", type=int, default=0, metavar="N",
                        help="with --recall: only N articles' exact top 10 (default: every article's)")
    parser.add_argument("--topic-share", type=float, default=0.17,
                        help="share of an article's words from its main topic (half that from a second one); "
                             "the rest are stop words (45 %%) and a Zipf tail: lower is harder to match")
    parser.add_argument("--corpus", choices=("generated", "offline"), default="generated")
    parser.add_argument("--db", type=Path, help="warehouse file (default: a temporary one; an existing one is reused)")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.step:
        print(json.dumps(run_step(args.step, args.db, args.recall_sample or args.articles)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "bench.duckdb"
        if not db.exists():
            started = time.perf_counter()
            if args.corpus == "offline":
                generate_offline(db, args.articles)
            else:
                generate(db, args.articles, args.topic_share)
            print(f"generated {args.articles} articles in {time.perf_counter() - started:.1f} s -> {db}")
        print(f"refresh_similarity: {measure('refresh', db)}")
        for view in VIEWS:
            print(f"read {view}: {measure(view, db)}")
        if args.recall:
            print(f"exact top 10: {measure('exact', db, args.recall_sample or args.articles)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
