"""Where the warehouse, the spool, the staging area and the SQL files live.

Precedence everywhere: command-line flag > Scrapy setting > environment variable > default
under the current directory (CONTRACT: "The default warehouse is data/warehouse.duckdb under the
current directory; WAREHOUSE_PATH (a Scrapy setting, or the environment variable) and --db
override it"). Defaults are relative paths, so they follow the directory a command runs in,
never the folder the package is installed in.

The SQL files sit in `sql/` at the repository root and ship as the package data of
`warehouse.sql` (pyproject maps that package onto the folder), so they are found the same way
in a checkout, an editable install and a wheel.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

DATA_DIR = Path("data")
DEFAULT_DB_PATH = DATA_DIR / "warehouse.duckdb"
DEFAULT_STAGING_DIR = DATA_DIR / "staging"


def _sql_dir() -> Path:
    try:
        return Path(str(resources.files("warehouse.sql")))
    except ModuleNotFoundError:
        # A checkout imported without installing it (PYTHONPATH pointing at the repository):
        # no finder maps `warehouse.sql` onto sql/, which sits beside the package.
        return Path(__file__).resolve().parents[1] / "sql"


SQL_DIR = _sql_dir()


def _first(*candidates: str | os.PathLike | None) -> Path | None:
    for value in candidates:
        if value is not None and str(value) != "":
            return Path(value).expanduser()
    return None


def resolve_db_path(cli_db: str | os.PathLike | None = None, setting: str | os.PathLike | None = None) -> Path:
    """`--db` > WAREHOUSE_PATH setting > WAREHOUSE_PATH env > data/warehouse.duckdb."""
    return _first(cli_db, setting, os.environ.get("WAREHOUSE_PATH")) or DEFAULT_DB_PATH


def default_spool_dir(db_path: str | os.PathLike) -> Path:
    """A warehouse's own spool folder: `<warehouse file>.spool/` beside it (data/warehouse.duckdb
    -> data/warehouse.duckdb.spool/), so two warehouses in one folder never share one."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".spool")


def legacy_spool_dir(db_path: str | os.PathLike) -> Path:
    """Where earlier versions spooled for every warehouse of a folder: `spool/` beside the file."""
    return Path(db_path).parent / "spool"


def resolve_spool_dir(
    cli_dir: str | os.PathLike | None = None,
    setting: str | os.PathLike | None = None,
    db_path: str | os.PathLike | None = None,
) -> Path:
    """`--spool` > SPOOL_DIR setting > SPOOL_DIR env > `<warehouse file>.spool/` beside the file.

    The default sits beside the database, named after it, so that a crawl into `--db X` and a
    later `warehouse load --db X` agree on where leftovers are without further flags, and two
    warehouses in one folder each have their own.
    """
    explicit = _first(cli_dir, setting, os.environ.get("SPOOL_DIR"))
    if explicit is not None:
        return explicit
    return default_spool_dir(resolve_db_path(db_path))


def resolve_staging_dir(cli_dir: str | os.PathLike | None = None, setting: str | os.PathLike | None = None) -> Path:
    """`--staging` > STAGING_DIR setting > STAGING_DIR env > data/staging (CONTRACT)."""
    return _first(cli_dir, setting, os.environ.get("STAGING_DIR")) or DEFAULT_STAGING_DIR
