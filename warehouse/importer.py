"""`warehouse import-warc FILE...`: the article pages of WARC files other tools wrote (a web
archive's captures of the site, wget --warc-file, Heritrix, warcio) into the warehouse, through
the crawl's own extraction, dedup and versioning.

Each file is first copied into the archive (ARCHIVE_DIR/imported/, under its own name) and
indexed in `captures`, so that a later `warehouse reparse` covers its pages like the crawl's; the
same pass over the file picks its article pages. Then every response record of an article
address on one of the site's hosts (crawler/hosts.py) is read back and extracted in a process
pool (warehouse/extract.py); every other record loads
nothing and is counted. An article's url is its address on the warehouse's current site (the
site of the stored articles; in an empty warehouse, the default base URL's).

Captures of one article from several dates become versions in capture-date order: the i-th
capture of every article goes into round i, and each round is merged in its own transaction,
stamped with its capture's date. A capture older than the stored versions (captures imported
after the crawls) goes into the history at its date (sql/load/1_stage.sql), so the order is the
same whichever was loaded first. A file damaged part-way:
every complete record before the damage is loaded, then one line says where it broke. A rerun
copies nothing twice, indexes nothing twice, and finds every article unchanged.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from crawler.extraction.urls import is_article_url
from crawler.hosts import DEFAULT_BASE_URL, SiteHosts, parse_site_hosts
from warehouse.archive import ArchiveError
from warehouse.archive.index import IMPORTED, UrlMapper, current_site, insert_captures
from warehouse.archive.quick_scan import scanned_records
from warehouse.archive.reader import capture_rows
from warehouse.atomic import atomic_write
from warehouse.db import WarehouseError, WarehouseUsageError, connect
from warehouse.extract import POOL_MIN_BYTES, Task, parse_archived, start_pool_early
from warehouse.loader import LoadResult
from warehouse.offline_run import OfflineRun

_GZIP_MAGIC = b"\x1f\x8b"
_WARC_STARTS = (b"WARC/1.0", b"WARC/1.1", b"WARC/0.")
_UNDATED = datetime.min.replace(tzinfo=timezone.utc)  # a record without a WARC-Date: oldest


@dataclass
class ImportResult:
    run_id: str = ""
    files: int = 0
    pages: int = 0  # article responses extracted
    loaded: LoadResult = field(default_factory=LoadResult)
    skipped: Counter = field(default_factory=Counter)  # why a record loaded nothing -> how many
    invalid: int = 0
    damaged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (f"imported {self.pages} article page(s) from {self.files} file(s) (run {self.run_id}): "
                f"{self.loaded.new} new, {self.loaded.updated} new version(s), {self.loaded.unchanged} unchanged, "
                f"{self.invalid} not an article")
        if self.skipped:
            text += "; loaded nothing from " + ", ".join(f"{n} {why}" for why, n in sorted(self.skipped.items()))
        return text


def import_warcs(files: list[str | Path], db_path=None, archive_dir=None, workers: int | None = None) -> ImportResult:
    paths = [Path(f) for f in files]
    for path in paths:
        _check_warc(path)
    result = ImportResult()
    with OfflineRun(db_path, "import-warc", archive_dir) as run:
        result.run_id = run.run_id
        archive = run.warehouse.archive_dir
        with connect(run.db_path, read_only=True) as con:
            site = current_site(con) or SiteHosts(DEFAULT_BASE_URL).current
        extra = parse_site_hosts(os.environ.get("SITE_HOSTS"))
        hosts = SiteHosts(site, extra)
        mapper = UrlMapper(site, extra)
        if sum(path.stat().st_size for path in paths) >= POOL_MIN_BYTES:
            start_pool_early()  # its fork server loads the extraction while the files are scanned
        tasks: list[Task] = []
        for path in paths:
            name = copy_into_archive(path, archive)
            rows, damage, readable = _scan(archive, name, str(path), hosts, mapper, tasks, result.skipped)
            if readable:
                with connect(run.db_path) as con:
                    insert_captures(con, name, rows, mapper)
            else:  # damaged from its first record: a copy no reader could use stays out of the archive
                (archive / name).unlink(missing_ok=True)
            if damage:
                result.damaged.append(damage)
            result.files += 1
        result.pages = len(tasks)
        rounds = _rounds(tasks)
        ordered = sorted(range(len(tasks)), key=lambda i: rounds[i])
        current = 1
        outcomes = parse_archived(archive, [tasks[i] for i in ordered], site, extra, label="import-warc",
                                  workers=workers)
        for outcome, i in zip(outcomes, ordered):  # the outcomes first: zip ends when they do
            if rounds[i] != current:  # every capture of the rounds before is in: merge them
                result.loaded += run.load_round()
                current = rounds[i]
            if outcome.item is None:
                result.invalid += 1  # an error row, as a crawl records a page that gives no article
            run.add(outcome)
        result.loaded += run.load_round()
        run.failed = bool(result.damaged)  # CONTRACT: 'finished' only for a run that succeeded
    return result


def _rounds(tasks: list[Task]) -> list[int]:
    """Each task's round: 1 for the earliest capture of its url, 2 for the next, ... (the
    outcomes of one round are merged in one transaction, the rounds in order)."""
    by_url: dict[str, list[int]] = defaultdict(list)
    for i, task in enumerate(tasks):
        by_url[task.url].append(i)
    rounds = [1] * len(tasks)
    for indices in by_url.values():
        indices.sort(key=lambda i: (tasks[i].captured_at or _UNDATED, i))
        for n, i in enumerate(indices, start=1):
            rounds[i] = n
    return rounds


def _check_warc(path: Path) -> None:
    """Refuse, before anything is copied or loaded, a path that is no file or whose first bytes
    are no WARC record (gzip per record or plain): an empty file, a page saved as HTML, an ARC."""
    if not path.is_file():
        raise WarehouseUsageError(f"no WARC file {path}: check the path")
    with open(path, "rb") as handle:
        head = handle.read(1 << 16)
    if head[:2] == _GZIP_MAGIC:
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 1 << 12)
        except zlib.error:
            head = b""
    if head.startswith(_WARC_STARTS):
        return
    if not head:
        why = "is empty" if path.stat().st_size == 0 else "is gzip data that does not decompress"
    elif head.startswith(b"filedesc://"):
        raise WarehouseUsageError(f"{path} is an ARC file (the web archives' older format): convert it with "
                                  f"`warcio recompress {path} OUT.warc.gz` and import OUT.warc.gz")
    else:
        why = f"starts with {head[:40].decode('utf-8', 'replace')!r}"
    raise WarehouseUsageError(f"{path} is not a WARC file (it {why}): give .warc or .warc.gz files, as web "
                              "archives, wget --warc-file or Heritrix write them")


def _scan(archive: Path, name: str, label: str, hosts: SiteHosts, mapper: UrlMapper, tasks: list[Task],
          skipped: Counter) -> tuple[list[dict], str | None, int]:
    """One pass over the file: its `captures` rows, and its article responses added to `tasks`
    (the other records counted in `skipped`); with the damage, if any (said of `label`, the file
    the user gave), and how many records were read."""
    path = archive / name
    read = 0

    def selected(records):
        nonlocal read
        for record in records:
            read += 1
            why = _why_not(record, hosts, mapper)
            if why is None:
                tasks.append(Task(name, record.offset, record.length, url=mapper(record.url),
                                  captured_at=record.fetched_at))
            else:
                skipped[why] += 1
            yield record

    rows: list[dict] = []
    try:
        rows.extend(capture_rows(selected(scanned_records(path, label)), path, name))
    except ArchiveError as exc:
        return rows, str(exc), read
    return rows, None, read


def _why_not(record, hosts: SiteHosts, mapper: UrlMapper) -> str | None:
    if record.record_type != "response":
        return f"{record.record_type} record(s)"
    url = record.url or ""
    if not hosts.is_site(url):
        return "response(s) of other hosts"
    if record.status != 200:
        return f"HTTP {record.status} response(s)"
    if not is_article_url(mapper(url)):
        return "response(s) of other pages (robots, listings, feeds)"
    return None


def copy_into_archive(path: Path, archive: Path) -> str:
    """Copy `path` to ARCHIVE_DIR/imported/ (relative name returned). The same file imported
    again is not copied again; another file of the same name gets a numbered name. The copy
    appears under its WARC name only once complete (completed_files never sees half a file)."""
    target_dir = archive / IMPORTED
    target_dir.mkdir(parents=True, exist_ok=True)
    stem, suffix = _warc_name(path)
    digest = _sha256(path)
    for n in range(1000):
        target = target_dir / (f"{stem}{suffix}" if n == 0 else f"{stem}-{n}{suffix}")
        if not target.exists():
            break
        if target.stat().st_size == path.stat().st_size and _sha256(target) == digest:
            return target.relative_to(archive).as_posix()
    else:
        raise WarehouseError(f"too many files named {stem}{suffix} in {target_dir}: rename this one")
    atomic_write(target, lambda tmp: shutil.copyfile(path, tmp))
    return target.relative_to(archive).as_posix()


def _warc_name(path: Path) -> tuple[str, str]:
    name = path.name
    for suffix in (".warc.gz", ".warc"):
        if name.endswith(suffix):
            return name[: -len(suffix)], suffix
    with open(path, "rb") as handle:
        gzipped = handle.read(2) == _GZIP_MAGIC
    return name, ".warc.gz" if gzipped else ".warc"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
