"""Scrapy contracts of the spider's callbacks (`scrapy check`), on the site the spider crawls.

`@path /economy/some-article` asks for that path on the spider's base URL, as `@url` would for
an absolute one: the contracts then run against any copy of the site, e.g. the offline one,
`scrapy check belarusinfocus -s BASE_URL=http://127.0.0.1:8017` beside
`python -m warehouse.demo_site --port 8017` (tests/test_spider_unit.py runs it).
Docs: https://docs.scrapy.org/en/latest/topics/contracts.html
"""

from __future__ import annotations

from typing import Any

from scrapy.contracts import Contract


class PathContract(Contract):
    """@path /some/path: the callback's test request goes to the spider's base URL + path."""

    name = "path"

    def adjust_request_args(self, args: dict[str, Any]) -> dict[str, Any]:
        spider = args["callback"].__self__  # the callback under test, bound to the spider
        args["url"] = spider.base_url + self.args[0]
        return args
