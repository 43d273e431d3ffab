"""A loopback-only HTTP server for the offline site: `DemoServer(site, theme=...)`; with
`moved_to=` it plays the site's old host after a move (every request: 301 to the new host).

Threaded (Scrapy fetches 8-16 pages at once), HTTP/1.1 keep-alive with Content-Length on
every answer, HEAD, and conditional GET on article pages (ETag + Last-Modified, answered by
304). It logs every request (method, target, Host header, status, bytes, user agent) in
`.requests` and, with `log_path`, as lines of an access log. The per-server fault lives here:
the first request for `site.faults.transient_500_path` (any alias, any method) gets a 500.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import socket
import sys
import threading
import traceback
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from warehouse.demo_site.content import Site, normalize_path
from warehouse.demo_site.pages import Origin, respond
from warehouse.demo_site.themes import THEMES

_CHUNK = 256 * 1024
_HOST_HEADER = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$")
_ERROR_PAGE = b"<!DOCTYPE html>\n<html><head><title>Internal Server Error</title></head>" \
              b"<body><h1>Internal Server Error</h1></body></html>\n"


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str  # the request target as sent: path with query
    host: str | None  # the Host header
    status: int
    bytes_sent: int  # body bytes (0 for HEAD and 304)
    user_agent: str | None


class DemoServer:
    """Serves `site` on http://127.0.0.1:PORT (port 0 = a free one). Use as a context manager,
    or call start()/stop(). `theme` may be changed while it runs."""

    def __init__(self, site: Site, theme: str = "classic", host: str = "127.0.0.1", port: int = 0,
                 log_path: str | Path | None = None, moved_to: str | None = None) -> None:
        address = "127.0.0.1" if host == "localhost" else host
        if not ipaddress.ip_address(address).is_loopback or ipaddress.ip_address(address).version != 4:
            raise ValueError(f"the demo site only listens on IPv4 loopback, not {host}")
        self.site = site
        self.theme = theme
        self.moved_to = moved_to
        self.host, self.port = address, port
        self.log_path = Path(log_path) if log_path else None
        self.requests: list[LoggedRequest] = []
        self._lock = threading.Lock()
        self._seen_transient = False
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._log = None

    @property
    def theme(self) -> str:
        return self._theme

    @theme.setter
    def theme(self, name: str) -> None:
        if name not in THEMES:
            raise ValueError(f"unknown theme {name!r}; choose one of {', '.join(THEMES)}")
        self._theme = name

    @property
    def moved_to(self) -> str | None:
        """Where the site moved ("http://127.0.0.2:PORT"): every request answers 301 to the
        same path and query there. None (the default) serves the site. May change while it runs."""
        return self._moved_to

    @moved_to.setter
    def moved_to(self, base: str | None) -> None:
        if base is not None:
            parts = urlsplit(base)
            if parts.scheme not in ("http", "https") or not parts.netloc or parts.path.strip("/") or parts.query:
                raise ValueError(f"moved_to must be a scheme and host like http://127.0.0.2:8017, not {base!r}")
            base = f"{parts.scheme}://{parts.netloc}"
        self._moved_to = base

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> DemoServer:
        handler = type("Handler", (_Handler,), {"demo": self})
        self._httpd = _HTTPServer((self.host, self.port), handler)
        self.port = self._httpd.server_address[1]
        if self.log_path:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = self.log_path.open("a", encoding="utf-8")
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"demo-site-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd.close_connections()  # also waits for answers in flight to be logged
            self._thread.join()
            self._httpd = self._thread = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def wait(self) -> None:
        """Block until stopped (Ctrl-C in the foreground)."""
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(0.5)

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def answer(self, target: str, headers) -> tuple[int, list[tuple[str, str]], bytes]:
        """Status, headers and body for GET `target` (HEAD sends the same without the body)."""
        if self.moved_to is not None:
            return 301, _headers("text/html; charset=utf-8", b"") + [("Location", self.moved_to + target)], b""
        if normalize_path(target) == self.site.faults.transient_500_path:
            with self._lock:
                first, self._seen_transient = not self._seen_transient, True
            if first:
                return 500, _headers("text/html; charset=utf-8", _ERROR_PAGE), _ERROR_PAGE
        host = headers.get("Host") or ""
        if not _HOST_HEADER.match(host):
            host = f"{self.host}:{self.port}"
        origin = Origin(base=f"http://{host}", other_base=f"http://{self.site.faults.other_host}:{self.port}")
        try:
            page = respond(self.site, self.theme, target, origin)
        except Exception:  # a bug in the site itself: show it, answer like a real server would
            traceback.print_exc()
            return 500, _headers("text/html; charset=utf-8", _ERROR_PAGE), _ERROR_PAGE
        extra = [("Location", page.location)] if page.location else []
        if page.last_modified is not None:
            validators = [("ETag", '"' + hashlib.sha1(page.body).hexdigest()[:20] + '"'),
                          ("Last-Modified", formatdate(page.last_modified.timestamp(), usegmt=True))]
            if _not_modified(headers, validators[0][1], page.last_modified):
                return 304, validators, b""
            extra += validators
        return page.status, _headers(page.content_type, page.body) + extra, page.body

    def log_request(self, entry: LoggedRequest) -> int:
        with self._lock:
            self.requests.append(entry)
            return len(self.requests) - 1

    def correct_request(self, index: int, entry: LoggedRequest) -> None:
        with self._lock:
            self.requests[index] = entry

    def write_access_log(self, entry: LoggedRequest, client: str) -> None:
        stamp = datetime.now(timezone.utc).strftime("%d/%b/%Y:%H:%M:%S +0000")
        with self._lock:
            if self._log is None:
                return
            self._log.write(f'{client} - - [{stamp}] "{entry.method} {entry.path}" {entry.status} '
                            f'{entry.bytes_sent} "{entry.host or "-"}" "{entry.user_agent or "-"}"\n')
            self._log.flush()


def _headers(content_type: str, body: bytes) -> list[tuple[str, str]]:
    return [("Content-Type", content_type), ("Content-Length", str(len(body)))]


def _not_modified(headers, etag: str, modified: datetime) -> bool:
    """RFC 9110: If-None-Match wins when present; otherwise If-Modified-Since (second precision)."""
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or etag in tags
    since = headers.get("If-Modified-Since")
    if since:
        try:
            return int(modified.timestamp()) <= int(parsedate_to_datetime(since).timestamp())
        except (TypeError, ValueError):
            return False
    return False


class _HTTPServer(ThreadingHTTPServer):
    """Tracks connections and their threads, so that stop() ends keep-alive connections (a
    stopped server must not go on answering on a connection a crawler kept open) and returns
    only when every answer is finished and logged. Threads stay daemons: a server nobody
    stops never blocks the interpreter's exit."""

    request_queue_size = 64

    def __init__(self, *args, **kwargs) -> None:
        self._open: set[socket.socket] = set()
        self._workers: list[threading.Thread] = []
        self._open_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def process_request(self, request, client_address) -> None:
        worker = threading.Thread(target=self.process_request_thread, args=(request, client_address),
                                  daemon=True)
        with self._open_lock:
            self._open.add(request)
            self._workers = [w for w in self._workers if w.is_alive()] + [worker]
        worker.start()

    def shutdown_request(self, request) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)  # clients hanging up are routine, bugs are not

    def close_connections(self, wait: float = 10.0) -> None:
        with self._open_lock:
            still_open, workers = list(self._open), list(self._workers)
        for connection in still_open:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by the client
        for worker in workers:
            worker.join(wait)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Scrapy's HTTP/1.1 client expects
    server_version = "Apache"
    sys_version = ""
    timeout = 30  # idle keep-alive connections must not pin threads forever
    demo: DemoServer

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def _serve(self, send_body: bool) -> None:
        status, headers, body = self.demo.answer(self.path, self.headers)
        payload = memoryview(body if send_body else b"")
        entry = LoggedRequest(self.command, self.path, self.headers.get("Host"), status, len(payload),
                              self.headers.get("User-Agent"))
        # Logged before the body leaves, so a client holding the whole answer always finds it
        # in .requests; corrected below if the client hangs up early.
        index = self.demo.log_request(entry)
        sent = 0
        try:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            while sent < len(payload):
                sent += self.wfile.write(payload[sent:sent + _CHUNK])
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client went away (e.g. it refused an oversized page)
            entry = replace(entry, bytes_sent=sent)
            self.demo.correct_request(index, entry)
        self.demo.write_access_log(entry, self.client_address[0])

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        pass  # requests are logged by DemoServer.record; stderr stays quiet

    def log_error(self, format: str, *args) -> None:  # noqa: A002
        if "timed out" not in format:  # idle keep-alive connections time out routinely
            print(f"demo_site: {format % args}", file=sys.stderr)
