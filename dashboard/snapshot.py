"""The in-memory snapshot of `passage_scores` that pages aggregate, refreshed in the background.

The snapshot is read once per data version and shared, read-only, by every session of the server
process. It comes from the table `dashboard_passage_scores` (warehouse/materialized.py), a copy
of the view that the nightly job, `pcm score` and each saved correction keep current: about
0.15 s for a million passages. Only when that table was not built from the warehouse as it is now
(`materialized.is_current`, checked on the same read-only connection) is the view itself read,
one full pass of window functions (over a second for a million passages on two busy cores), so a
stale table never shows wrong numbers. When the data version changes (the nightly job wrote, or
someone corrected a passage outside the dashboard), pages go on using the previous snapshot while
a background thread reads the new one, so nobody waits for a read except the very first visitor
after the server starts (and the analyst who just saved a correction, whose next page waits for
the re-read).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict

import pyarrow as pa
import pyarrow.compute as pc

from warehouse import materialized
from warehouse.connection import reader

logger = logging.getLogger(__name__)

KEEP = 2  # snapshots kept per warehouse: the one in use and the one replacing it
SNAPSHOT_TABLES = ("passage_scores", "articles")
FORCE_MARK = "@force="  # joins a snapshot version and a force id (`scoped`)

# Only the view's columns the pages need (about 100 bytes a row in Arrow): from the materialized
# table when it is current, else from the view itself (the same columns, in the same order).
PASSAGE_SCORES = materialized.VIEW_SELECT
PASSAGE_SCORES_TABLE = materialized.TABLE_SELECT
ARTICLES = """
    SELECT id, title, source, source_kind, url, published_at, fetched_at, duplicate_of
    FROM articles
"""

_lock = threading.Lock()
_store: dict[str, OrderedDict[str, dict[str, pa.Table]]] = {}  # db -> version -> tables
_loading: dict[str, str] = {}  # db -> the version a background thread is reading
_load_locks: dict[str, threading.Lock] = {}  # one synchronous read per warehouse at a time


def read(db_path: str) -> dict[str, pa.Table]:
    """Read the snapshot tables from the warehouse on a short-lived read-only connection.

    `passage_scores` comes from the materialized table when it was built from the warehouse as
    it is now, else from the view.

    Raises:
        WarehouseLockedError: a writer held the file for longer than the reader's retry.
    """
    with reader(db_path, published=True) as con:
        current = materialized.is_current(con)
        tables = {
            "passage_scores": con.sql(
                PASSAGE_SCORES_TABLE if current else PASSAGE_SCORES
            ).to_arrow_table(),
            "articles": con.sql(ARTICLES).to_arrow_table(),
        }
    logger.info(
        "read a dashboard snapshot of %s from %s: %d scored passages",
        db_path,
        materialized.TABLE if current else f"the {materialized.VIEW} view (table not current)",
        tables["passage_scores"].num_rows,
    )
    return tables


def _keep(db_path: str, version: str, tables: dict[str, pa.Table]) -> None:
    with _lock:
        kept = _store.setdefault(db_path, OrderedDict())
        kept[version] = tables
        kept.move_to_end(version)
        while len(kept) > KEEP:
            kept.popitem(last=False)


def _read_in_background(db_path: str, version: str) -> None:
    try:
        _keep(db_path, version, read(db_path))
    except Exception as exc:  # the next page view tries again; never kill the server
        logger.warning("could not refresh the dashboard snapshot of %s: %s", db_path, exc)
    finally:
        with _lock:
            if _loading.get(db_path) == version:
                del _loading[db_path]


def current(db_path: str, version: str) -> tuple[str, bool]:
    """The snapshot version pages should use now, reading or refreshing it as needed.

    Args:
        db_path: the warehouse file.
        version: the newest data version (queries.data_version).

    Returns:
        (snapshot version, up to date). With no snapshot at all, reads one now (the caller
        waits); with an older one, starts a background read of `version` and returns the older.

    Raises:
        WarehouseLockedError: no snapshot yet and a writer holds the file.
    """
    with _lock:
        kept = _store.get(db_path)
        if kept and version in kept:
            return version, True
        if kept:
            if _loading.get(db_path) != version:
                _loading[db_path] = version
                threading.Thread(
                    target=_read_in_background,
                    args=(db_path, version),
                    name="pcm-snapshot",
                    daemon=True,
                ).start()
            return next(reversed(kept)), False
        load_lock = _load_locks.setdefault(db_path, threading.Lock())
    with load_lock:  # a second session arriving meanwhile waits for this read, not its own
        with _lock:
            kept = _store.get(db_path)
            if kept:
                return next(reversed(kept)), version in kept
        _keep(db_path, version, read(db_path))
    return version, True


def scoped(version: str, force_id: str | None) -> str:
    """The version pages are given for one force's view of the snapshot (`tables` then keeps
    only that force's rows), or `version` itself for every force's rows (one force watched).

    The force is part of the version string so that every cached query is keyed on it too.
    """
    return f"{version}{FORCE_MARK}{force_id}" if force_id else version


def split(version: str) -> tuple[str, str | None]:
    """(snapshot version, force id or None) of a version `scoped` made."""
    base, _, force = version.partition(FORCE_MARK)
    return base, force or None


def tables(db_path: str, version: str) -> dict[str, pa.Table]:
    """The tables of a snapshot that `current` returned (read again if it was dropped since);
    for a `scoped` version, `passage_scores` holds that force's rows only (filtered once, then
    kept beside the snapshot)."""
    base, force = split(version)
    with _lock:
        kept = _store.get(db_path, {}).get(base)
    if kept is None:
        logger.info(
            "snapshot %s of %s was replaced during a page run; reading it again", base, db_path
        )
        kept = read(db_path)
        _keep(db_path, base, kept)
    if force is None:
        return {name: kept[name] for name in SNAPSHOT_TABLES}
    key = f"passage_scores{FORCE_MARK}{force}"
    with _lock:
        mine = kept.get(key)
    if mine is None:
        every = kept["passage_scores"]
        mine = every.filter(pc.equal(every.column("force_id"), force))
        with _lock:
            kept[key] = mine
    return {"passage_scores": mine, "articles": kept["articles"]}


def ready(db_path: str, version: str) -> bool:
    """Whether the snapshot of `version` has been read (a background read has finished)."""
    with _lock:
        return split(version)[0] in _store.get(db_path, {})


def clear(db_path: str | None = None) -> None:
    """Drop the snapshots (of one warehouse, or all): the next page reads the view again."""
    with _lock:
        if db_path is None:
            _store.clear()
        else:
            _store.pop(db_path, None)
