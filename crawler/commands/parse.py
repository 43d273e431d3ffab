"""`scrapy parse`, storing nothing: no warehouse, no run recorded, no archive (crawler/addons.py).
`-s CRAWL_STORAGE_ENABLED=1` stores as a crawl would."""

from scrapy.commands.parse import Command as ScrapyParseCommand


class Command(ScrapyParseCommand):
    default_settings = {**ScrapyParseCommand.default_settings, "CRAWL_STORAGE_ENABLED": False}
