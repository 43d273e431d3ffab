"""The crawl's manners (CONTRACT.md): a real `scrapy crawl` process against a small loopback
server this test starts, whose log of request times shows the pacing. LOOPBACK_IS_REMOTE=1 makes
the crawl treat the loopback server as the remote site; without it the same server is crawled
at full speed."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from crawler.middlewares import retry_after

ROOT = Path(__file__).resolve().parents[1]
CRAWL_DELAY = 0.3
# Arrival times at the server wobble by a few ms on a busy machine.
SLACK = 0.05
LATENCY = 0.2  # every answer takes this long, so that requests could overlap
ARTICLES = [f"/security-issues/piece-{n}" for n in range(1, 7)]
TOO_MANY = ARTICLES[1]  # first answer 429, Retry-After: RETRY_AFTER
UNAVAILABLE = ARTICLES[3]  # first answer 503, Retry-After: RETRY_AFTER
# Longer than the back-off alone (the doubled delay, 1 s): only Retry-After explains the wait.
RETRY_AFTER = 2


@dataclass
class Hit:
    path: str
    status: int
    started: float
    ended: float


class PacedSite:
    """robots.txt with a Crawl-delay, a home page listing six articles, two of which first
    answer 429 / 503 with Retry-After: RETRY_AFTER."""

    def __init__(self, refusing: bool = True):
        self.refusing = refusing
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self.refused: set[str] = set()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                started = time.monotonic()
                status, headers, body = site.answer(self.path)
                time.sleep(LATENCY)
                self.send_response(status)
                for name, value in [*headers, ("Content-Length", str(len(body)))]:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()
                with site.lock:
                    site.hits.append(Hit(self.path, status, started, time.monotonic()))

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, path: str):
        html = [("Content-Type", "text/html; charset=utf-8")]
        if path == "/robots.txt":
            return 200, [("Content-Type", "text/plain")], f"User-agent: *\nCrawl-delay: {CRAWL_DELAY}\n".encode()
        if path == "/":
            links = "".join(f'<li><a href="{p}">Piece {p[-1]}</a></li>' for p in ARTICLES)
            return 200, html, f"<html><body><main><h1>Belarus in Focus</h1><ul>{links}</ul></main></body></html>".encode()
        if path in ARTICLES:
            with self.lock:
                first = path not in self.refused
                self.refused.add(path)
            if self.refusing and first and path in (TOO_MANY, UNAVAILABLE):
                return (429 if path == TOO_MANY else 503), [*html, ("Retry-After", str(RETRY_AFTER))], b"<html>busy</html>"
            paragraphs = "".join(f"<p>Paragraph {n} of the piece, long enough to be read as body text.</p>" for n in range(3))
            return 200, html, (f"<html><body><main><article><h1>Piece {path[-1]}</h1><p>September 18, 2017 10:50</p>"
                               f"{paragraphs}</article></main></body></html>").encode()
        return 404, html, b"<html>not found</html>"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def crawl(base_url: str, db: Path, *settings: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "scrapy", "crawl", "belarusinfocus", "-a", f"base_url={base_url}",
           "-s", f"WAREHOUSE_PATH={db}", "-s", "LOG_LEVEL=INFO", "-s", "ARCHIVE_ENABLED=0"]
    for setting in settings:
        cmd += ["-s", setting]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    return proc


def most_in_flight(hits: list[Hit]) -> int:
    events = sorted([(h.started, 1) for h in hits] + [(h.ended, -1) for h in hits])
    level = peak = 0
    for _, step in events:
        level += step
        peak = max(peak, level)
    return peak


def start_gaps(hits: list[Hit]) -> list[float]:
    starts = sorted(h.started for h in hits)
    return [b - a for a, b in zip(starts, starts[1:])]


@pytest.fixture(scope="module")
def remote_crawl(tmp_path_factory):
    """The loopback server crawled as if remote: its Crawl-delay (above DOWNLOAD_DELAY here) rules."""
    with PacedSite() as site:
        proc = crawl(site.base_url, tmp_path_factory.mktemp("remote") / "warehouse.duckdb", "LOOPBACK_IS_REMOTE=1",
                     "DOWNLOAD_DELAY=0.1", "AUTOTHROTTLE_START_DELAY=0.1")
    return proc, sorted(site.hits, key=lambda h: h.started)


@pytest.mark.e2e
def test_remote_crawl_fetches_every_article_after_the_429_and_503(remote_crawl):
    proc, hits = remote_crawl
    assert proc.returncode == 0, proc.stderr[-3000:]
    answered = {h.path for h in hits if h.status == 200}
    assert set(ARTICLES) <= answered, f"not fetched: {set(ARTICLES) - answered}"


@pytest.mark.e2e
def test_remote_crawl_keeps_at_most_two_requests_in_flight(remote_crawl):
    _, hits = remote_crawl
    assert most_in_flight(hits) <= 2


@pytest.mark.e2e
def test_remote_crawl_waits_the_crawl_delay_between_requests(remote_crawl):
    _, hits = remote_crawl
    gaps = start_gaps(hits)
    assert min(gaps) >= CRAWL_DELAY - SLACK, f"requests {min(gaps):.3f} s apart, Crawl-delay is {CRAWL_DELAY} s"


@pytest.mark.e2e
@pytest.mark.parametrize("path", [TOO_MANY, UNAVAILABLE])
def test_remote_crawl_honours_retry_after(remote_crawl, path):
    _, hits = remote_crawl
    refusal = next(h for h in hits if h.path == path and h.status in (429, 503))
    retry = next(h for h in hits if h.path == path and h.status == 200)
    assert retry.started - refusal.ended >= RETRY_AFTER - SLACK, "retried before Retry-After"
    # No request at all reached the host while it waited (those already in flight aside).
    during = [h.path for h in hits if refusal.ended < h.started < refusal.ended + RETRY_AFTER - SLACK]
    assert during == [], f"asked for {during} while told to wait"


@pytest.mark.e2e
def test_a_loopback_site_is_crawled_at_full_speed(tmp_path):
    with PacedSite(refusing=False) as site:
        started = time.monotonic()
        proc = crawl(site.base_url, tmp_path / "warehouse.duckdb")
        wall = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr[-3000:]
    hits = site.hits
    assert most_in_flight(hits) > 2, "a loopback crawl is not held to 2 requests in flight"
    assert min(start_gaps(hits)) < CRAWL_DELAY / 2, "a loopback crawl waited the Crawl-delay"
    span = max(h.ended for h in hits) - min(h.started for h in hits)
    assert span < len(hits) * CRAWL_DELAY, f"{len(hits)} requests took {span:.1f} s (whole crawl {wall:.1f} s)"


@pytest.mark.e2e
def test_command_line_settings_override_the_loopback_speed(tmp_path):
    with PacedSite(refusing=False) as site:
        proc = crawl(site.base_url, tmp_path / "warehouse.duckdb", "DOWNLOAD_DELAY=0.25")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert min(start_gaps(site.hits)) >= 0.25 - SLACK


def test_retry_after_reads_seconds_and_http_dates():
    from datetime import datetime, timezone

    now = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)
    assert retry_after(b"7") == 7.0
    assert retry_after(b"Fri, 01 Mar 2024 12:00:30 GMT", now=now) == 30.0
    assert retry_after(b"Fri, 01 Mar 2024 11:00:00 GMT", now=now) == 0.0
    assert retry_after(b"soon") is None and retry_after(None) is None
