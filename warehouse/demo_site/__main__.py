"""`python -m warehouse.demo_site`: serve the offline site in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import sys

from warehouse.demo_site.content import build_site
from warehouse.demo_site.server import DemoServer
from warehouse.demo_site.themes import THEMES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m warehouse.demo_site",
        description="Serve the bundled offline copy of Belarus in Focus on loopback.")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    parser.add_argument("--theme", choices=sorted(THEMES), default="classic",
                        help="markup theme: classic, modern, broken (dated rendering) or weekly")
    parser.add_argument("--seed", type=int, default=2017, help="content seed (default 2017)")
    parser.add_argument("--articles", type=int, default=160, help="number of English articles (default 160)")
    parser.add_argument("--ru-share", type=float, default=0.3, help="Russian mirrors per English article")
    parser.add_argument("--be-share", type=float, default=0.1, help="Belarusian mirrors per English article")
    parser.add_argument("--moved-to", metavar="URL",
                        help="play the old host after a move: answer every request with 301 to URL (e.g. http://127.0.0.2:8017)")
    parser.add_argument("--log", metavar="PATH", help="also write an access log to PATH")
    args = parser.parse_args(argv)
    try:
        site = build_site(seed=args.seed, articles=args.articles, ru_share=args.ru_share, be_share=args.be_share)
        server = DemoServer(site, theme=args.theme, host=args.host, port=args.port, log_path=args.log,
                            moved_to=args.moved_to)
    except ValueError as exc:
        parser.exit(2, f"demo_site: error: {exc}\n")
    try:
        server.start()
    except OSError as exc:
        parser.exit(2, f"demo_site: error: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}\n")
    print(server.base_url, flush=True)
    try:
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
