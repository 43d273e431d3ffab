"""How small gzip per record can make the offline site's archive: every record of one archived
crawl compressed again with stronger deflate encoders, as a share of the raw page bytes.

    python benchmarks/archive_compression.py [--articles 1000] [--sample 300]

benchmarks/archive.py reports the archive's size as written (zlib level 6). This crawls the
offline site once with the archive on, reads each record back out of its gzip member, and
compresses the same bytes with zlib 6 and 9 and, where installed, libdeflate level 12 (`pip
install deflate`) and zopfli (`pip install zopfli`, the strongest deflate encoder, about 200 ms a
record). Every encoder writes standard gzip members, which every WARC reader reads. The strong
ones run on every `len/sample`-th record and are scaled by zlib 6's size on the same records.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import run_process, site_with  # noqa: E402
from warehouse.archive import completed_files  # noqa: E402
from warehouse.demo_site import DemoServer  # noqa: E402


def gzip_member(data: bytes, level: int) -> bytes:
    compressor = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def encoders() -> tuple[dict, dict]:
    found = {"zlib 6 (as written)": lambda data: gzip_member(data, 6), "zlib 9": lambda data: gzip_member(data, 9)}
    strong = {}
    try:
        import deflate

        strong["libdeflate 12"] = lambda data: deflate.gzip_compress(data, 12)
    except ImportError:
        print("libdeflate: not installed (pip install deflate)")
    try:
        import zopfli.gzip

        strong["zopfli"] = zopfli.gzip.compress
    except ImportError:
        print("zopfli: not installed (pip install zopfli)")
    return found, strong


def records(archive: Path) -> list[bytes]:
    """Each record of the archive's files, uncompressed (one gzip member each)."""
    plain = []
    for name in completed_files(archive):
        data = (archive / name).read_bytes()
        while data:
            member = zlib.decompressobj(16 + zlib.MAX_WBITS)
            plain.append(member.decompress(data))
            data = member.unused_data
    return plain


def payload_bytes(record: bytes) -> int:
    """The HTTP body of a response record (0 for the others)."""
    if b"WARC-Type: response" not in record.split(b"\r\n\r\n", 1)[0]:
        return 0
    parts = record.split(b"\r\n\r\n", 2)
    return len(parts[2]) if len(parts) == 3 else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=300, help="records the strong encoders compress")
    args = parser.parse_args()
    site = site_with(args.articles)
    with tempfile.TemporaryDirectory() as tmp, DemoServer(site, theme="classic") as server:
        run_process([sys.executable, "-m", "scrapy", "crawl", "belarusinfocus", "-a", f"base_url={server.base_url}",
                     "-s", f"WAREHOUSE_PATH={Path(tmp) / 'warehouse.duckdb'}", "-s", "LOG_LEVEL=WARNING"]
                    ).check("scrapy crawl belarusinfocus")
        plain = records(Path(tmp) / "archive")
    raw = sum(payload_bytes(record) for record in plain)
    print(f"{len(plain)} records, {raw / 1e6:.2f} MB of raw page bytes")
    found, strong = encoders()
    sizes = {}
    for label, encode in found.items():
        sizes[label] = sum(len(encode(record)) for record in plain)
        print(f"{label:20s} {sizes[label] / raw:.3f}× raw")
    sample = plain[:: max(1, len(plain) // args.sample)]
    reference = sum(len(gzip_member(record, 6)) for record in sample)
    for label, encode in strong.items():
        share = sum(len(encode(record)) for record in sample) / reference
        print(f"{label:20s} {sizes['zlib 6 (as written)'] * share / raw:.3f}× raw "
              f"({share:.3f} of zlib 6 on {len(sample)} records)")


if __name__ == "__main__":
    main()
