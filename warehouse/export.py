"""`warehouse export`: write a table or view to a file other tools read, through DuckDB's COPY.

Timestamps keep their instant in every format: Parquet stores TIMESTAMPTZ as UTC-adjusted
timestamps; CSV and JSON get DuckDB's text form, which carries an offset
("2017-09-18 07:50:00+00"), and the session is set to UTC first so the file does not depend on
the machine's time zone. The file is written under a temporary name in the target folder and
renamed into place, so a killed export never leaves a truncated file behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import duckdb

from .db import WarehouseError, WarehouseUsageError, connect, one_line, quote_identifier

# --format -> COPY options
FORMATS: dict[str, str] = {
    "parquet": "format parquet",
    "csv": "format csv, header true",
    "jsonl": "format json",  # DuckDB writes newline-delimited JSON unless told `array true`
}


def _quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def resolve_relation(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """The catalog's spelling of table or view `name` (case-insensitive, like SQL), or a usage error."""
    rows = con.execute(
        """
        select table_name from information_schema.tables
        where table_schema = 'main' and lower(table_name) = lower($name)
        order by table_name = $name desc
        """,
        {"name": name},
    ).fetchall()
    if not rows:
        known = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'main' "
            "and table_name not like '\\_%' escape '\\' order by table_name"
        ).fetchall()]
        raise WarehouseUsageError(f"no table or view named {name!r}; export one of: {', '.join(known)}")
    return rows[0][0]


def export(db: str | Path, name: str, fmt: str, out: str | Path) -> Path:
    """Write table or view `name` of warehouse `db` to `out` as parquet, csv or jsonl."""
    if fmt not in FORMATS:
        raise WarehouseUsageError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    out = Path(out)
    if out.is_dir():
        raise WarehouseUsageError(f"--out {out} is a folder: give a file name, e.g. {out / (name + '.' + fmt)}")
    target_dir = out.parent if str(out.parent) else Path(".")
    try:
        target_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=target_dir)
        os.close(fd)
    except OSError as exc:
        raise WarehouseError(f"cannot write to {target_dir}: {exc.strerror}; choose another --out") from None
    tmp = Path(tmp_name)
    try:
        with connect(db, read_only=True) as con:
            relation = resolve_relation(con, name)
            con.execute("set TimeZone = 'UTC'")
            try:
                con.execute(
                    f"copy (select * from {quote_identifier(relation)}) to {_quote_literal(str(tmp))} ({FORMATS[fmt]})"
                )
            except duckdb.Error as exc:
                raise WarehouseError(f"export of {relation} failed: {one_line(exc)}") from None
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out
