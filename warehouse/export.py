"""`pcm export`: every table and view of the warehouse written as Parquet (or CSV) files."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import duckdb

from core.errors import UsageError
from warehouse.connection import reader
from warehouse.csvsafe import neutralise_sql

logger = logging.getLogger(__name__)

EXPORT_FORMATS = ("parquet", "csv")


def relations(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """The warehouse's own tables and views.

    Args:
        con: any connection.

    Returns:
        (name, "table" or "view") pairs, tables first, each sorted by name.
    """
    rows = con.execute(
        "SELECT table_name, CASE table_type WHEN 'VIEW' THEN 'view' ELSE 'table' END AS kind "
        "FROM information_schema.tables WHERE table_catalog = current_database() "
        "AND table_schema = 'main' ORDER BY kind, table_name"
    ).fetchall()
    return [(name, kind) for name, kind in rows]


def csv_safe(relation: duckdb.DuckDBPyRelation) -> duckdb.DuckDBPyRelation:
    """The relation with its text columns neutralised for spreadsheets (warehouse.csvsafe).

    Args:
        relation: a table or view.

    Returns:
        A projection of the same columns, in order; VARCHAR cells starting with = + - @, tab
        or CR get a leading apostrophe, other columns are unchanged.
    """
    exprs = [
        neutralise_sql(name) if str(kind) == "VARCHAR" else '"' + name.replace('"', '""') + '"'
        for name, kind in zip(relation.columns, relation.types, strict=True)
    ]
    return relation.project(", ".join(exprs))


def export_all(
    db_path: str | os.PathLike, out_dir: str | os.PathLike, fmt: str = "parquet"
) -> list[Path]:
    """Write each table and view to `out_dir/<name>.<fmt>`, replacing older files.

    This needs file access, so it uses its own plain read-only connection, never the analyst's
    locked-down one, on the published snapshot when there is one (warehouse/published.py).
    Each file is written under a temporary name and renamed when complete. In CSV files, text
    cells that a spreadsheet would run as a formula start with an apostrophe
    (`warehouse.csvsafe`); Parquet keeps the values as stored.

    Args:
        db_path: the warehouse file.
        out_dir: the folder (created when missing).
        fmt: parquet or csv.

    Returns:
        The files written, tables first.

    Raises:
        ValueError: unknown format.
        UsageError: `out_dir` is a file, or cannot be created.
        WarehouseLockedError, WarehouseMissingError, WarehouseFileError: as `reader`.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"format must be one of {', '.join(EXPORT_FORMATS)}; got {fmt!r}")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out_dir} is a file; give a folder (it is created if missing)")
    written: list[Path] = []
    with reader(db_path, published=True) as con:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"cannot create the folder {out_dir}: {exc.strerror or exc}") from None
        for name, kind in relations(con):
            target = out / f"{name}.{fmt}"
            partial = out / f".{name}.{fmt}.partial"
            # The relation API takes the path as a Python argument: nothing is formatted into SQL.
            relation = con.table(name)
            if fmt == "parquet":
                relation.write_parquet(str(partial))
            else:
                csv_safe(relation).write_csv(str(partial), header=True)
            Path(partial).replace(target)
            logger.debug("exported %s %s to %s", kind, name, target)
            written.append(target)
    return written
