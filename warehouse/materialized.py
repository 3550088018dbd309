"""The dashboard's materialized copy of `passage_scores`, and how to tell whether it is current.

Reading the `passage_scores` view costs a full pass of window functions over scores, feedback
and models (over a second for a million passages on two cores), which the dashboard's first page
after a server start used to wait for. The table `dashboard_passage_scores` (migration 003) holds
the view's rows, only the columns the dashboard aggregates, and `materialized_versions` records
the *source version* it was built from: a fingerprint of every table the view reads, plus the
view's own SQL and the column list here. A reader uses the table only while the recorded version
equals the source version it computes on the same connection; otherwise it reads the view, so a
stale table never shows wrong numbers (it only costs the slower read).

Written through the single writer (warehouse.connection.writer), each refresh in one
transaction: fully by the nightly job's refresh stage (`refresh`), by `pcm score` when stale
(`refresh_if_stale`), and for the corrected passage only after a correction saved on the Review
page (`refresh_passage`). The analyst views stay the source of truth for `pcm sql` and `pcm
export`; this table is a cache of one of them.
"""

from __future__ import annotations

import hashlib
import logging
import time
from datetime import UTC, datetime

import duckdb

from core.config import Config
from warehouse.connection import writer
from warehouse.writing import transaction

logger = logging.getLogger(__name__)

TABLE = "dashboard_passage_scores"
VERSIONS = "materialized_versions"
VIEW = "passage_scores_by_force"  # every force's rows; `passage_scores` is one force's slice

# The view's columns the dashboard needs, in the table's column order (migration 003).
COLUMNS_SQL = """passage_id, article_id, topic, label, score, voice, corrected,
           model_version IS NULL AS added, source, source_kind, day, force_id"""
VIEW_SELECT = f"SELECT {COLUMNS_SQL} FROM {VIEW}"
TABLE_SELECT = (
    f"SELECT passage_id, article_id, topic, label, score, voice, corrected, added, source, "
    f"source_kind, day, force_id FROM {TABLE}"
)
# Part of the version, so that a change to the column list here invalidates older tables.
_FORMAT = hashlib.sha256(VIEW_SELECT.encode()).hexdigest()[:12]

# Cheap aggregates of each table the view reads (0.02-0.04 s for a million passages). Each writer
# of those tables inserts rows, deletes and re-inserts them with a new timestamp (re-scoring) or
# sets articles.duplicate_of, so each change moves a count, a max or a sum below; the view's SQL
# hash covers an edited view file. (An UPDATE by hand of a score's value alone would not show:
# the nightly refresh stage rebuilds the table whatever the version says.) Timestamps are
# compared as epoch microseconds, so the text does not depend on the connection's TimeZone.
_SOURCE_VERSION_SQL = f"""
SELECT concat_ws('|',
    coalesce((SELECT md5(sql) FROM duckdb_views()
              WHERE schema_name = 'main' AND view_name = '{VIEW}'), 'no view'),
    (SELECT concat_ws(':', count(*), coalesce(sum(epoch_us(scored_at)), -1)) FROM scores),
    (SELECT concat_ws(':', count(*), coalesce(sum(epoch_us(scored_at)), -1))
     FROM scored_passages),
    (SELECT concat_ws(':', count(*), coalesce(sum(epoch_us(created_at)), -1)) FROM models),
    (SELECT concat_ws(':', count(*), coalesce(max(id), -1), coalesce(epoch_us(max(created_at)), -1))
     FROM feedback),
    (SELECT concat_ws(':', count(*), coalesce(max(id), -1), count(duplicate_of),
                      coalesce(sum(duplicate_of), -1)) FROM articles),
    (SELECT concat_ws(':', count(*), coalesce(max(id), -1)) FROM passages),
    (SELECT concat_ws(':', count(*), count(DISTINCT force_id), count(voice)) FROM passage_forces),
    (SELECT coalesce(string_agg(id, ',' ORDER BY position), '') FROM forces)
)
"""


def source_version(con: duckdb.DuckDBPyConnection) -> str:
    """The fingerprint of everything `passage_scores` reads, as it is on this connection now.

    Args:
        con: any connection to a migrated warehouse (read-only is fine).

    Returns:
        An opaque string; equal strings mean the view would return the same rows.
    """
    return f"{_FORMAT}|{con.execute(_SOURCE_VERSION_SQL).fetchall()[0][0]}"


def recorded_version(con: duckdb.DuckDBPyConnection) -> str | None:
    """The source version the table was last built from.

    Returns:
        None when it was never built, or the warehouse predates migration 003 (a read-only
        connection cannot migrate it; the next writer does).
    """
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_schema = 'main' AND table_name = ?",
        [VERSIONS],
    ).fetchall()[0][0]
    if not exists:
        return None
    # fetchall: DuckDB 2 refuses other work on a connection while a result is unfinished.
    rows = con.execute(f"SELECT source_version FROM {VERSIONS} WHERE name = ?", [TABLE]).fetchall()
    return rows[0][0] if rows else None


def is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the table holds exactly what the view would return now."""
    recorded = recorded_version(con)
    return recorded is not None and recorded == source_version(con)


def _record(con: duckdb.DuckDBPyConnection, version: str, now: datetime | None) -> int:
    rows = con.execute(f"SELECT count(*) FROM {TABLE}").fetchall()[0][0]
    con.execute(
        f"INSERT OR REPLACE INTO {VERSIONS} (name, source_version, row_count, refreshed_at) "
        "VALUES (?, ?, ?, ?)",
        [TABLE, version, rows, now or datetime.now(UTC)],
    )
    return int(rows)


def refresh(con: duckdb.DuckDBPyConnection, now: datetime | None = None) -> int:
    """Rebuild the whole table from the view, and record its version, in one transaction.

    Args:
        con: the writer's connection (warehouse.connection.writer), no transaction open; the
            views must exist (the writer's migrations create them).
        now: the time recorded (default: now, UTC).

    Returns:
        The number of rows written.
    """
    started = time.monotonic()
    with transaction(con):
        # a warehouse given migration 003 after 008 (never in order, but cheap to allow)
        con.execute(f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS force_id VARCHAR")
        version = source_version(con)
        con.execute(f"DELETE FROM {TABLE}")
        con.execute(f"INSERT INTO {TABLE} {VIEW_SELECT}")
        rows = _record(con, version, now)
    logger.info(
        "rebuilt %s from %s: %d rows in %.1f s", TABLE, VIEW, rows, time.monotonic() - started
    )
    return rows


def refresh_passage(
    con: duckdb.DuckDBPyConnection,
    passage_id: int,
    before: str,
    now: datetime | None = None,
) -> int:
    """Rebuild one passage's rows after a change that touched only it (a correction).

    Only valid when the table was current just before that change: `before` is the source
    version taken then. When the table was not built from `before` (something else wrote in
    between, or it was never built), the whole table is rebuilt instead.

    Args:
        con: the writer's connection, no transaction open.
        passage_id: the passage whose feedback changed.
        before: `source_version(con)` taken before the change, on the same writer session.
        now: the time recorded (default: now, UTC).

    Returns:
        The number of rows written (the passage's rows, or the whole table).
    """
    if recorded_version(con) != before:
        logger.info("%s was not current before the change; rebuilding all of it", TABLE)
        return refresh(con, now)
    started = time.monotonic()
    with transaction(con):
        version = source_version(con)
        con.execute(f"DELETE FROM {TABLE} WHERE passage_id = ?", [passage_id])
        # `= ?`, not IN (...): DuckDB then filters early, about twice as fast on the view.
        written = con.execute(
            f"INSERT INTO {TABLE} {VIEW_SELECT} WHERE passage_id = ?", [passage_id]
        ).fetchall()[0][0]
        _record(con, version, now)
    logger.info(
        "refreshed %s for passage %d: %d rows in %.1f s",
        TABLE,
        passage_id,
        written,
        time.monotonic() - started,
    )
    return int(written)


def refresh_if_stale(cfg: Config) -> int | None:
    """Rebuild the table through the single writer unless it is current (after `pcm score`).

    Returns:
        The rows written, or None when it was current already.

    Raises:
        WarehouseLockedError: another process held the warehouse for longer than the timeout.
    """
    with writer(cfg) as con:
        if is_current(con):
            return None
        return refresh(con)
