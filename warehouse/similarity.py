"""Refresh the tables behind the term and similarity views (issue 3).

The SQL lives in `sql/refresh/NN_<what>.sql` and runs in name order: reload the stop words from
`sql/data/stopwords.csv`, count the terms of new and changed articles, rebuild the
content-similarity top 10. Computing similarity on every read is too slow for a large archive,
so it is stored; call `refresh_similarity(con)` after each crawl and from `warehouse init`, on a
migrated database.
"""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb

from .config import SQL_DIR
from .db import WarehouseError, one_line, rollback
from .sqlfiles import run_sql_file, statements

logger = logging.getLogger(__name__)


# How hard similarity_content prunes (sql/refresh/04_similarity_content.sql and
# 03_similarity_vectors.sql explain them): each article's heaviest terms; how many postings (other
# articles' heavy terms) its candidate search may walk, which bounds pass 1's work per article
# where terms are heavy in many articles; the shortlist scored exactly, at least `shortlist`
# candidates and as many as hold `shortlist_terms` terms at the average vector length; and the
# archive size up to which nothing is pruned.
PRUNING = {"top_terms": 40, "candidate_postings": 20000, "shortlist": 40, "shortlist_terms": 10000, "exact_up_to": 500}
# A statement that binds $chunk_first and $chunk_last runs once per chunk of documents: the
# candidate pairs of one chunk are what the refresh holds at once (04_similarity_content.sql).
# Each document of a chunk can pair with every other one, so a chunk holds CHUNK_PAIRS / archive
# size documents (between 20 and CHUNK_DOCUMENTS): its pairs, and the memory they take, then stay
# the same however large the archive grows.
CHUNK_DOCUMENTS = 500
CHUNK_PAIRS = 1_000_000
# The refresh files that count terms, per article (what count_terms runs).
TERM_FILES = ("01_stopwords.sql", "02_article_terms.sql")


class RefreshError(WarehouseError):
    """A refresh statement failed; the message names the file. Nothing was changed."""


def run_refresh_step(con: duckdb.DuckDBPyConnection, step, sql_dir: Path, memory_limit: str | None) -> None:
    """Run a refresh step (refresh_similarity or count_terms) on a connection limited to
    `memory_limit`. It needs memory that grows with the archive: when it runs out under the limit,
    it is run again without it, with a warning: the similarity tables must follow the articles,
    and the limit is a budget, not a correctness condition."""
    try:
        step(con, sql_dir)
    except RefreshError as exc:
        if memory_limit is None or "Out of Memory" not in str(exc):
            raise
        logger.warning("Refreshing the similarity tables needs more than %s (%s); running it "
                       "without the limit: raise WAREHOUSE_MEMORY_LIMIT to avoid the retry", memory_limit, exc)
        con.execute("reset memory_limit")
        step(con, sql_dir)


def refresh_files(sql_dir: Path = SQL_DIR) -> list[Path]:
    return sorted((Path(sql_dir) / "refresh").glob("*.sql"))


def refresh_similarity(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> None:
    """Bring stopwords and _article_terms up to date and rebuild _similarity_content, in one
    transaction.

    Readers of the views see either the old tables or the new ones, never a half-built one, and
    a failure leaves the old ones in place.
    """
    _run(con, refresh_files(sql_dir), sql_dir)


def count_terms(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> None:
    """Only the first part of the refresh: count the terms of the articles loaded or changed since
    the last count (01 and 02). A crawl runs it after each load, in the background, so that the
    refresh at its end has only the similarity left to compute."""
    _run(con, [path for path in refresh_files(sql_dir) if path.name in TERM_FILES], sql_dir)


def _run(con: duckdb.DuckDBPyConnection, files: list[Path], sql_dir: Path) -> None:
    # Values the refresh SQL may bind by name ($stopwords_csv): absolute, so the cwd is irrelevant.
    parameters = {
        "stopwords_csv": str((Path(sql_dir) / "data" / "stopwords.csv").resolve()),
        **PRUNING,
    }
    con.begin()
    try:
        for path in files:
            for statement in statements(path):
                bound = {name: parameters[name] for name in statement.named_parameters if name in parameters}
                try:
                    if "chunk_first" in statement.named_parameters:
                        for first, last in _chunks(con, sql_dir):
                            con.execute(statement, {**bound, "chunk_first": first, "chunk_last": last})
                    else:
                        con.execute(statement, bound or None)
                except duckdb.Error as exc:
                    raise RefreshError(f"refresh {path.name} failed: {one_line(exc)}") from None
        con.commit()
    except BaseException:
        rollback(con)
        raise


def _chunks(con: duckdb.DuckDBPyConnection, sql_dir: Path) -> list[tuple[int, int]]:
    """Ranges of document numbers (1..n of 03_similarity_vectors.sql), one per chunk."""
    documents = run_sql_file(con, Path(sql_dir) / "similarity" / "documents.sql")[0][0]
    size = min(CHUNK_DOCUMENTS, max(20, CHUNK_PAIRS // max(1, documents)))
    return [(first, first + size - 1) for first in range(1, documents + 1, size)]
