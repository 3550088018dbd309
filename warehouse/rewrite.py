"""Rewriting the warehouse into a fresh file, so that purged text leaves the disk file too.

DuckDB keeps the bytes of deleted or nulled values in freed blocks until the file is rewritten
(ARCHITECTURE.md), so after `pcm purge` (and a nightly purge that removed anything) the
warehouse is copied, table by table, into a new file (`ATTACH` + `COPY FROM DATABASE`, which
writes live rows only, with sequences, views and constraints) that replaces the old one with
`os.replace`. The copy is made while this process holds DuckDB's write lock; then that lock is
swapped for a plain POSIX lock on the same file (which DuckDB in other processes respects), the
file is checked to be unchanged, and the new one is moved in. Should another writer slip in
between, the rewrite starts again.
"""

from __future__ import annotations

import fcntl
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from core.config import Config
from core.errors import WarehouseLockedError
from warehouse.connection import check_complete, connect_with_retry, require_warehouse
from warehouse.published import publish_file, remove_with_wal, snapshot_path
from warehouse.writing import one_row

logger = logging.getLogger(__name__)

REWRITE_SUFFIX = ".rewrite"
ATTEMPTS = 3
_ALIAS = "pcm_rewrite"


class RewriteError(WarehouseLockedError):
    """The warehouse could not be rewritten (another writer kept changing it)."""


@dataclass(frozen=True)
class RewriteResult:
    """Sizes of the warehouse file before and after a rewrite, in bytes."""

    before: int
    after: int


def rewrite_path(db_path: str | os.PathLike) -> Path:
    """The new file a rewrite builds: `data/pcm.duckdb` -> `data/pcm.duckdb.rewrite`.

    Args:
        db_path: the warehouse file.

    Returns:
        The path next to the warehouse (same file system, so `os.replace` is atomic).
    """
    db = Path(db_path)
    return db.with_name(db.name + REWRITE_SUFFIX)


def remove_leftovers(db_path: str | os.PathLike) -> None:
    """Delete a half-built rewrite (and its WAL) that a killed purge left behind.

    Args:
        db_path: the warehouse file.
    """
    remove_with_wal(rewrite_path(db_path), "an interrupted rewrite")


def _stamp(path: Path) -> tuple[int, int, int]:
    info = path.stat()
    return info.st_ino, info.st_size, info.st_mtime_ns


def _quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _quote_ident(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _copy(cfg: Config, db: Path, target: Path) -> tuple[int, int, int]:
    """Copy the warehouse into `target` under DuckDB's write lock; the file's stamp after."""
    con = connect_with_retry(db, read_only=False, timeout_s=cfg.warehouse.lock_timeout_s)
    try:
        con.execute("CHECKPOINT")
        name = one_row(con, "SELECT current_database()")[0]
        con.execute(f"ATTACH {_quote_literal(str(target))} AS {_ALIAS}")
        try:
            con.execute(f"COPY FROM DATABASE {_quote_ident(name)} TO {_ALIAS}")
            tables = [
                r[0]
                for r in con.execute(
                    "SELECT table_name FROM duckdb_tables() WHERE database_name = ? "
                    "AND schema_name = 'main'",
                    [name],
                ).fetchall()
            ]
            for table in tables:
                ident = _quote_ident(table)
                old, new = one_row(
                    con,
                    f"SELECT (SELECT count(*) FROM {_quote_ident(name)}.main.{ident}), "
                    f"(SELECT count(*) FROM {_ALIAS}.main.{ident})",
                )
                if old != new:
                    raise RewriteError(
                        f"rewriting {cfg.db_path} copied {new} of {old} rows of {table}; "
                        "the warehouse is unchanged"
                    )
        finally:
            con.execute(f"DETACH {_ALIAS}")
        con.execute("CHECKPOINT")
        return _stamp(db)
    finally:
        con.close()


def _swap(db: Path, target: Path, stamp: tuple[int, int, int]) -> bool:
    """Move `target` over `db` if nobody changed `db` since `stamp`; False to try again."""
    fd = os.open(db, os.O_RDWR)
    try:
        try:
            # DuckDB takes this kind of lock too: from here on no process opens the old file.
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            logger.info("another process opened %s during the rewrite; starting again", db)
            return False
        wal = db.with_name(db.name + ".wal")
        if _stamp(db) != stamp or wal.exists():
            logger.info("%s changed during the rewrite; starting again", db)
            return False
        check = duckdb.connect(str(target), read_only=True)
        try:
            check_complete(check, target)
        finally:
            check.close()
        if snapshot_path(db).exists():
            publish_file(target, db)  # the old snapshot holds the purged text too
        Path(target).replace(db)
        dir_fd = os.open(db.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        return True
    finally:
        os.close(fd)  # releases the lock on the old file


def rewrite(cfg: Config) -> RewriteResult:
    """Rewrite the warehouse into a fresh file and swap it in atomically.

    Freed blocks (the bytes of purged passage text, deleted rows) do not survive: only live
    rows are copied. The published snapshot, when there is one, is replaced by a copy of the
    new file in the same step.

    Args:
        cfg: the config; `db_path` and `warehouse.lock_timeout_s` are used.

    Returns:
        The file sizes before and after.

    Raises:
        WarehouseMissingError, WarehouseFileError: no usable warehouse file.
        WarehouseLockedError: another process held the warehouse for longer than the timeout,
            or kept writing it through every attempt (`RewriteError`).
    """
    db = require_warehouse(cfg.db_path)
    target = rewrite_path(db)
    before = db.stat().st_size
    for attempt in range(1, ATTEMPTS + 1):
        remove_leftovers(db)
        try:
            stamp = _copy(cfg, db, target)
            if _swap(db, target, stamp):
                after = db.stat().st_size
                logger.info(
                    "rewrote %s: %d bytes before, %d after (attempt %d)",
                    db,
                    before,
                    after,
                    attempt,
                )
                return RewriteResult(before, after)
        finally:
            remove_leftovers(db)
    raise RewriteError(
        f"could not rewrite {cfg.db_path}: another process kept writing it; run `pcm purge` "
        "again when the nightly job is not running"
    )
