"""The published snapshot: a read-only copy of the warehouse that analysts and the dashboard read.

DuckDB lets one process write a file only while no other process has it open, even read-only
(ARCHITECTURE.md). So readers that may hold the file for a while (`pcm sql`, `pcm export`, the
dashboard) read `<warehouse>.snapshot` instead, a copy that the writer publishes at the end of
each `pcm run` (and after `pcm init`, `pcm purge`, `pcm score`, `pcm alerts` and a correction
saved on the Review page): it is copied under a temporary name while the writer still holds the
warehouse, checkpointed, and swapped in with `os.replace`, so a reader sees the old snapshot or
the new one, never half of one, and never blocks the writer. Without a snapshot, readers fall back
to the warehouse file itself.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
from pathlib import Path

import duckdb

logger = logging.getLogger(__name__)

SNAPSHOT_SUFFIX = ".snapshot"
_PARTIAL = ".partial"


def snapshot_path(db_path: str | os.PathLike) -> Path:
    """The snapshot of a warehouse: `data/pcm.duckdb` -> `data/pcm.duckdb.snapshot`.

    Args:
        db_path: the warehouse file.

    Returns:
        The snapshot's path, next to the warehouse.
    """
    db = Path(db_path)
    return db.with_name(db.name + SNAPSHOT_SUFFIX)


def read_path(db_path: str | os.PathLike) -> Path:
    """The file a published reader opens: the snapshot when there is one, else the warehouse.

    Args:
        db_path: the warehouse file.

    Returns:
        The snapshot path if it is a file, else `db_path`.
    """
    snapshot = snapshot_path(db_path)
    return snapshot if snapshot.is_file() else Path(db_path)


def _partial_path(db_path: str | os.PathLike) -> Path:
    snapshot = snapshot_path(db_path)
    return snapshot.with_name(snapshot.name + _PARTIAL)


def remove_with_wal(path: Path, left_by: str) -> None:
    """Delete a half-built database file and its WAL, if there (`left_by` names who left it)."""
    for leftover in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
            logger.info("removed %s, left by %s", leftover, left_by)


def remove_partial(db_path: str | os.PathLike) -> None:
    """Delete what a killed publish left behind (its partial copy and that copy's WAL).

    Args:
        db_path: the warehouse file.
    """
    remove_with_wal(_partial_path(db_path), "an interrupted publish")


def publish(con: duckdb.DuckDBPyConnection, db_path: str | os.PathLike) -> Path:
    """Copy the warehouse to its snapshot and swap the copy in atomically.

    Call it with the writer's connection open (so that no other process writes meanwhile).
    It runs CHECKPOINT first, so every committed change is in the file and the WAL is empty.

    Args:
        con: the writer's open connection to `db_path`; only CHECKPOINT is run on it.
        db_path: the warehouse file.

    Returns:
        The snapshot's path.

    Raises:
        OSError: the copy could not be written (disk full, permissions); the old snapshot stays.
        duckdb.Error: the copy does not open as a database; the old snapshot stays.
    """
    con.execute("CHECKPOINT")
    return publish_file(db_path, db_path)


def publish_file(source: str | os.PathLike, db_path: str | os.PathLike) -> Path:
    """Copy a closed, checkpointed database file to the warehouse's snapshot, atomically.

    The copy is opened read-only once to check that it is a whole database before
    `os.replace` puts it in place. The caller makes sure nobody writes `source` meanwhile
    (it holds the warehouse's lock).

    Args:
        source: the database file to publish (the warehouse, or its rewritten copy).
        db_path: the warehouse file (the snapshot is named after it).

    Returns:
        The snapshot's path.

    Raises:
        OSError: the copy could not be written; the old snapshot stays.
        duckdb.Error: the copy does not open as a database; the old snapshot stays.
    """
    db = Path(db_path)
    target = snapshot_path(db)
    partial = _partial_path(db)
    remove_partial(db)
    try:
        shutil.copyfile(source, partial)
        with partial.open("rb+") as handle:
            os.fsync(handle.fileno())
        check = duckdb.connect(str(partial), read_only=True)
        try:
            check.execute("SELECT count(*) FROM duckdb_tables()").fetchone()
        finally:
            check.close()
        Path(partial).replace(target)
    except BaseException:
        remove_partial(db)
        raise
    logger.info("published the warehouse snapshot %s", target)
    return target
