"""`scrapy fetch`, storing nothing: no warehouse, no run recorded, no archive (crawler/addons.py).
`-s CRAWL_STORAGE_ENABLED=1` stores as a crawl would."""

from scrapy.commands.fetch import Command as ScrapyFetchCommand


class Command(ScrapyFetchCommand):
    default_settings = {**ScrapyFetchCommand.default_settings, "CRAWL_STORAGE_ENABLED": False}
