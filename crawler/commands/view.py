"""`scrapy view`, storing nothing: no warehouse, no run recorded, no archive (crawler/addons.py).
`-s CRAWL_STORAGE_ENABLED=1` stores as a crawl would."""

from scrapy.commands.view import Command as ScrapyViewCommand


class Command(ScrapyViewCommand):
    default_settings = {**ScrapyViewCommand.default_settings, "CRAWL_STORAGE_ENABLED": False}
