"""The Belarus in Focus warehouse: a DuckDB file, its schema and views from sql/, and the API the
crawler and the `warehouse` command use. Nothing here imports Scrapy.

    from warehouse import Warehouse, Spool
    wh = Warehouse("data/warehouse.duckdb", clock=now)   # every method opens a short connection
    wh.init()                                            # migrate + (re)create views
    with Spool("data/spool", run_id) as spool: ...       # append records, seal() batches
    wh.load_batch(path) / wh.load_spool("data/spool")    # exactly once per batch file
"""

from .config import resolve_db_path, resolve_spool_dir, resolve_staging_dir
from .db import (
    WarehouseError,
    WarehouseLocked,
    WarehouseMissing,
    WarehouseNotInitialised,
    WarehouseUsageError,
    connect,
)
from .loader import LoadResult, Warehouse
from .spool import Spool

__all__ = [
    "LoadResult",
    "Spool",
    "Warehouse",
    "WarehouseError",
    "WarehouseLocked",
    "WarehouseMissing",
    "WarehouseNotInitialised",
    "WarehouseUsageError",
    "connect",
    "resolve_db_path",
    "resolve_spool_dir",
    "resolve_staging_dir",
]
