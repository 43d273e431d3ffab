"""Archive size on real pages: the WARC bytes our writer produces for pages real publishers
wrote, as a share of their raw HTML bytes.

    python benchmarks/archive_real_pages.py [--corpus ../shared/corpora/aeb/html]

benchmarks/archive.py measures the offline site, whose generated pages are mostly text; real
pages carry far more markup, which gzip shrinks further. Each page is written as one exchange
(request and response record, the headers a Scrapy crawl sends and a typical server answers),
with the body uncompressed as an identity-encoded answer would arrive: the worst case, since a
server that gzips its answers hands the archive bytes already compressed.
"""

from __future__ import annotations

import argparse
import gzip
import tempfile
import zlib
from datetime import datetime, timezone
from pathlib import Path

from warehouse.archive import ArchiveWriter, Exchange, completed_files

ROOT = Path(__file__).resolve().parents[1]
REQUEST_HEADERS = [
    ("User-Agent", "belarus-focus-warehouse/0.1 (+analysts' archive; contact via project README)"),
    ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
    ("Accept-Language", "en"),
    ("Accept-Encoding", "gzip, deflate, br, zstd"),
]


def response_headers(length: int) -> list[tuple[str, str]]:
    return [("Server", "nginx"), ("Date", "Tue, 01 Dec 2026 10:00:00 GMT"),
            ("Content-Type", "text/html; charset=UTF-8"), ("Content-Length", str(length)),
            ("Connection", "keep-alive"), ("Vary", "Accept-Encoding"),
            ("Cache-Control", "max-age=600"), ("Last-Modified", "Mon, 30 Nov 2026 08:00:00 GMT")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpora" / "aeb" / "html")
    args = parser.parse_args()
    pages = sorted(args.corpus.glob("*.html.gz")) + sorted(args.corpus.glob("*.html"))
    if not pages:
        raise SystemExit(f"no *.html or *.html.gz pages under {args.corpus}")
    raw = floor = 0
    with tempfile.TemporaryDirectory() as tmp:
        writer = ArchiveWriter(tmp, "real")
        for n, page in enumerate(pages):
            body = gzip.decompress(page.read_bytes()) if page.suffix == ".gz" else page.read_bytes()
            raw += len(body)
            compressor = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
            floor += len(compressor.compress(body) + compressor.flush())
            writer.write(Exchange(url=f"https://example.org/article-{n}", method="GET",
                                  request_headers=REQUEST_HEADERS, status=200,
                                  response_headers=response_headers(len(body)), body=body,
                                  fetched_at=datetime.now(timezone.utc)))
        writer.close()
        archived = sum((Path(tmp) / name).stat().st_size for name in completed_files(tmp))
    print(f"pages: {len(pages)} from {args.corpus}")
    print(f"raw HTML: {raw / 1e6:.1f} MB, {raw / len(pages) / 1e3:.0f} KB a page")
    print(f"archive: {archived / 1e6:.2f} MB = {archived / raw:.3f}x raw HTML "
          f"({archived / len(pages) * 1000 / 1e6:.1f} MB per 1,000 pages)")
    print(f"bodies gzipped one by one (the floor): {floor / raw:.3f}x")


if __name__ == "__main__":
    main()
