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
        description="Serve the bundled offline copy of Belarus in Focus on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    parser.add_argument("--theme", choices=sorted(THEMES), default="classic", help="markup theme")
    parser.add_argument("--seed", type=int, default=2017, help="content seed (default 2017)")
    parser.add_argument("--articles", type=int, default=160, help="number of English articles (default 160)")
    parser.add_argument("--ru-share", type=float, default=0.3, help="Russian mirrors per English article")
    parser.add_argument("--log", metavar="PATH", help="also write an access log to PATH")
    args = parser.parse_args(argv)
    try:
        site = build_site(seed=args.seed, articles=args.articles, ru_share=args.ru_share)
    except ValueError as exc:
        parser.exit(2, f"demo_site: error: {exc}\n")
    server = DemoServer(site, theme=args.theme, port=args.port, log_path=args.log)
    try:
        server.start()
    except OSError as exc:
        parser.exit(2, f"demo_site: error: cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}\n")
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
