"""A hostile site on loopback for real crawls: spider traps, link floods, bad redirects, bombs,
lying charsets and escape sequences (tests/test_hostile_pages.py, benchmarks/hostile.py).

`HostileSite(home=[paths])` serves, on http://127.0.0.1:PORT:
- `/`: a home page linking `home`; `/robots.txt` allows all; no feed; `/sitemap.xml` lists
  `sitemap_links` fresh articles `/sitemap/s-N` (none: 404);
- `/trap`, `/trap?page=N`: an endless pager, each page listing TRAP_ARTICLES fresh articles and a
  next page;
- `/flood/hub`: an article with `flood_links` links to fresh articles `/flood/f-N`;
- `/redirect/loop-a` <-> `/redirect/loop-b`, `/redirect/self` (to itself), `/redirect/chain-N`
  (to chain-N+1, for ever), `/redirect/offsite` (to another host), `/redirect/hop-1` (three hops
  to the article `/redirect/landed`); `/redirect/refresh-loop-a` <-> `-loop-b` and
  `/redirect/refresh-chain-N` the same by <meta http-equiv="refresh">;
- `/hostile/bomb`: gzip that expands to BOMB_BYTES; `/hostile/huge-stream`: HUGE_BYTES with no
  Content-Length; `/hostile/huge-title`: an article whose title is HUGE_TITLE_CHARS long;
- `/ru/hostile/lying-meta`: windows-1251 bytes, header charset=utf-8, <meta> windows-1251;
  `/ru/hostile/lying`: windows-1251 bytes, header and <meta> say utf-8;
- `/hostile/escapes`: terminal escape sequences and control characters in the title and body;
- any other `/{category}/{slug}`: a plain valid article.
Every request is logged in `.requests` as (path with query, status).
"""

from __future__ import annotations

import gzip
import html
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TRAP_ARTICLES = 10
BOMB_BYTES = 64 * 1024 * 1024
HUGE_BYTES = 11 * 1024 * 1024
HUGE_TITLE_CHARS = 4_900_000
OFFSITE = "http://offsite.invalid/politics/elsewhere"
RUSSIAN_TITLE = "Власти пересматривают поправки к закону о СМИ"
RUSSIAN_BODY = ("Правительство снова обсуждает изменения в законе о средствах массовой информации, "
                "и эксперты ожидают новых ограничений для независимых изданий в ближайшие месяцы.")
ESCAPES_TITLE = "Escapes \x1b[31mred\x1b[0m and \x1b]0;pwned\x07title"
ESCAPES_BODY = ("First \x1b[2J\x1b[Hparagraph with a bell\x07, a backspace\x08 and a C1 CSI \x9b6n here.",
                "Second paragraph with an entity escape &#27;[5m and a NUL-free DEL\x7f end.")


def article_html(title: str, paragraphs=("One paragraph of the article about the economy.",
                                         "Another paragraph so that there is a body."),
                 links=(), charset: str = "utf-8", escape: bool = True) -> str:
    text = html.escape if escape else (lambda s: s)
    items = "".join(f'<li><a href="{href}">Linked {i}</a></li>' for i, href in enumerate(links))
    body = "".join(f"<p>{text(p) if escape else p}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="{charset}"><title>{text(title)}</title></head>'
            f'<body><div id="main"><h1>{text(title)}</h1>'
            '<div>Category status: <img src="/icons/neutral.png" alt="neutral"></div>'
            "<div>September 18, 2017 10:50</div><p>Photo: BelTA</p>"
            f"{body}<h2>Similar articles</h2><ul>{items}</ul></div></body></html>")


def listing_html(title: str, articles, next_href: str | None) -> str:
    items = "".join(f'<li><a href="{href}">Article {i}</a> <span>September 18, 2017</span></li>'
                    for i, href in enumerate(articles))
    pager = f'<a href="{next_href}" rel="next">next</a>' if next_href else ""
    return (f"<!DOCTYPE html><html><head><title>{title}</title></head>"
            f"<body><h1>{title}</h1><ul>{items}</ul>{pager}</body></html>")


class HostileSite:
    def __init__(self, home=(), flood_links: int = 100_000, sitemap_links: int = 0):
        self.home = list(home)
        self.flood_links = flood_links
        self.sitemap_links = sitemap_links
        self.requests: list[tuple[str, int]] = []
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._flood_page: bytes | None = None
        self._bomb: bytes | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def __enter__(self) -> HostileSite:
        site = self

        class Handler(_Handler):
            hostile = site

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def paths(self, prefix: str) -> list[str]:
        with self._lock:
            return [path for path, _ in self.requests if path.startswith(prefix)]

    def log(self, path: str, status: int) -> None:
        with self._lock:
            self.requests.append((path, status))

    # -- pages ---------------------------------------------------------------------------------

    def flood_page(self) -> bytes:
        if self._flood_page is None:
            links = (f"/flood/f-{i}" for i in range(self.flood_links))
            self._flood_page = article_html("The link flood", links=links).encode()
        return self._flood_page

    def bomb(self) -> bytes:
        if self._bomb is None:
            self._bomb = gzip.compress(b"<html><body><p>" + b" " * BOMB_BYTES + b"</p></body></html>", 9)
        return self._bomb

    def answer(self, path: str):
        """(status, headers, body) for a request target; body None = streamed HUGE_BYTES."""
        page = re.match(r"^/trap(?:\?page=(\d+))?$", path)
        if page:
            number = int(page.group(1) or 1)
            articles = [f"/trap/p{number}-{k}" for k in range(TRAP_ARTICLES)]
            return 200, {}, listing_html(f"Trap page {number}", articles, f"/trap?page={number + 1}")
        redirect = _REDIRECTS.get(path)
        if redirect is None and (chain := re.match(r"^/redirect/chain-(\d+)$", path)):
            redirect = f"/redirect/chain-{int(chain.group(1)) + 1}"
        if redirect is not None:
            return (301 if path == "/redirect/self" else 302), {"Location": redirect}, ""
        refresh = re.match(r"^/redirect/refresh-(loop-a|loop-b|chain-(\d+))$", path)
        if refresh:
            step = {"loop-a": "loop-b", "loop-b": "loop-a"}
            to = step.get(refresh.group(1)) or f"chain-{int(refresh.group(2)) + 1}"
            return 200, {}, (f'<html><head><meta http-equiv="refresh" content="0; url=/redirect/refresh-{to}">'
                             "</head><body>Moved</body></html>")
        if path == "/":
            return 200, {}, listing_html("Hostile home", [], None).replace(
                "</ul>", "".join(f'<li><a href="{href}">{href}</a></li>' for href in self.home) + "</ul>")
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, "User-agent: *\nAllow: /\n"
        if path == "/sitemap.xml" and self.sitemap_links:
            urls = "".join(f"<url><loc>{self.base_url}/sitemap/s-{i}</loc></url>" for i in range(self.sitemap_links))
            return 200, {"Content-Type": "application/xml"}, (
                '<?xml version="1.0" encoding="UTF-8"?>'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>')
        if path == "/flood/hub":
            return 200, {}, self.flood_page()
        if path == "/hostile/bomb":
            return 200, {"Content-Encoding": "gzip"}, self.bomb()
        if path == "/hostile/huge-stream":
            return 200, {}, None
        if path == "/hostile/huge-title":
            return 200, {}, article_html("T" * HUGE_TITLE_CHARS)
        if path in ("/ru/hostile/lying-meta", "/ru/hostile/lying"):
            meta = "windows-1251" if path.endswith("-meta") else "utf-8"
            body = article_html(RUSSIAN_TITLE, (RUSSIAN_BODY, RUSSIAN_BODY), charset=meta).replace(
                "Category status:", "Статус категории:").replace("Photo:", "Фото:")
            return 200, {"Content-Type": "text/html; charset=utf-8"}, body.encode("cp1251")
        if path == "/hostile/escapes":
            return 200, {}, article_html(ESCAPES_TITLE, ESCAPES_BODY, escape=False)
        if re.match(r"^(/ru|/be)?/[a-z-]+/[a-z0-9-]+$", path):
            return 200, {}, article_html(f"Article {path.rsplit('/', 1)[1]}")
        return 404, {}, "<html><body><h1>Not found</h1></body></html>"


_REDIRECTS = {
    "/redirect/loop-a": "/redirect/loop-b",
    "/redirect/loop-b": "/redirect/loop-a",
    "/redirect/self": "/redirect/self",
    "/redirect/offsite": OFFSITE,
    "/redirect/hop-1": "/redirect/hop-2",
    "/redirect/hop-2": "/redirect/hop-3",
    "/redirect/hop-3": "/redirect/landed",
}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    hostile: HostileSite

    def do_GET(self):  # noqa: N802 - http.server's name
        status, headers, body = self.hostile.answer(self.path)
        self.hostile.log(self.path, status)
        self.send_response(status)
        headers.setdefault("Content-Type", "text/html; charset=utf-8")
        for name, value in headers.items():
            self.send_header(name, value)
        if body is None:  # streamed with no length announced: the connection's end is the body's
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            chunk = b"<p>" + b"x" * (256 * 1024) + b"</p>"
            try:
                for _ in range(HUGE_BYTES // len(chunk) + 1):
                    self.wfile.write(chunk)
            except OSError:  # the crawler hung up past its DOWNLOAD_MAXSIZE
                pass
            return
        data = body if isinstance(body, bytes) else body.encode()
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):  # noqa: A002 - quiet: the requests are kept in .requests
        pass
