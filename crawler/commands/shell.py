"""`scrapy shell`, storing nothing: no warehouse, no run recorded, no archive (crawler/addons.py).
`-s CRAWL_STORAGE_ENABLED=1` stores as a crawl would."""

from scrapy.commands.shell import Command as ScrapyShellCommand


class Command(ScrapyShellCommand):
    default_settings = {**ScrapyShellCommand.default_settings, "CRAWL_STORAGE_ENABLED": False}
