"""`scrapy check`, storing nothing: no warehouse, no run recorded, no archive (crawler/addons.py).
`-s CRAWL_STORAGE_ENABLED=1` stores as a crawl would."""

from scrapy.commands.check import Command as ScrapyCheckCommand


class Command(ScrapyCheckCommand):
    default_settings = {**ScrapyCheckCommand.default_settings, "CRAWL_STORAGE_ENABLED": False}
