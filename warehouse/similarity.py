"""Refresh the tables behind the term and similarity views (issue 3).

The SQL lives in `sql/refresh/NN_<what>.sql` and runs in name order: reload the stop words from
`sql/data/stopwords.csv`, re-count every article's terms, rebuild the content-similarity top 10.
Computing similarity on every read is too slow for a large archive, so it is stored; call
`refresh_similarity(con)` after each crawl and from `warehouse init`, on a migrated database.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from .config import SQL_DIR
from .db import WarehouseError, one_line


# How hard similarity_content prunes (sql/refresh/03_similarity_content.sql explains both):
# each article's heaviest terms that find candidates, and the candidates scored exactly.
PRUNING = {"top_terms": 60, "shortlist": 40}


class RefreshError(WarehouseError):
    """A refresh statement failed; the message names the file. Nothing was changed."""


def refresh_files(sql_dir: Path = SQL_DIR) -> list[Path]:
    return sorted((Path(sql_dir) / "refresh").glob("*.sql"))


def refresh_similarity(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> None:
    """Rebuild stopwords, _article_terms and _similarity_content in one transaction.

    Readers of the views see either the old tables or the new ones, never a half-built one, and
    a failure leaves the old ones in place.
    """
    sql_dir = Path(sql_dir)
    # Values the refresh SQL may bind by name ($stopwords_csv): absolute, so the cwd is irrelevant.
    parameters = {
        "stopwords_csv": str((sql_dir / "data" / "stopwords.csv").resolve()),
        **PRUNING,
    }
    con.begin()
    try:
        for path in refresh_files(sql_dir):
            for statement in con.extract_statements(path.read_text(encoding="utf-8")):
                bound = {name: parameters[name] for name in statement.named_parameters}
                try:
                    con.execute(statement, bound or None)
                except duckdb.Error as exc:
                    raise RefreshError(f"refresh {path.name} failed: {one_line(exc)}") from None
        con.commit()
    except BaseException:
        con.rollback()
        raise
