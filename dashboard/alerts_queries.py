"""The Alerts page's query (the Overview and Trends pages show the same alerts).

Stored alerts follow the one rule (the `alert_candidates` view): after a Review correction and
each night they are evaluated again (warehouse/alert_store.py), so the figures read here are the
rule's current answer, and an alert the rule no longer gives is marked withdrawn. A warehouse
not yet migrated to 007 (no acknowledgements, no withdrawals) is read as it is.
"""

from __future__ import annotations

import logging
from datetime import date

import duckdb
import pandas as pd

from dashboard.cache import DISPLAY_TZ, cached
from dashboard.snapshot import split
from warehouse.connection import reader
from warehouse.forces import DEFAULT_FORCE_SQL

logger = logging.getLogger(__name__)

# Columns that migration 007 added, and what an older warehouse reads in their place.
_NEW_COLUMNS = {
    "raised_explanation": "NULL::VARCHAR",
    "revised_at": "NULL::TIMESTAMPTZ",
    "withdrawn_at": "NULL::TIMESTAMPTZ",
    "withdrawn_reason": "NULL::VARCHAR",
}
_ACK_COLUMNS = {
    "acknowledged_by": "NULL::VARCHAR",
    "acknowledged_at": "NULL::TIMESTAMPTZ",
    "ack_note": "NULL::VARCHAR",
}

_SQL = """
WITH a AS (
    SELECT * FROM alerts
    WHERE day BETWEEN $start AND $end
      AND (len($topics::VARCHAR[]) = 0 OR list_contains($topics::VARCHAR[], topic))
      AND ($withdrawn OR {withdrawn_at} IS NULL){force_cond}
), ids AS (
    SELECT a.id AS alert_id,
           unnest(from_json(coalesce(a.article_ids, '[]'), '["BIGINT"]')) AS article_id
    FROM a
), s AS (
    SELECT ids.alert_id,
           list({{'id': ar.id, 'title': ar.title, 'source': ar.source, 'url': ar.url}}
                ORDER BY ar.id) AS stories
    FROM ids JOIN articles AS ar ON ar.id = ids.article_id
    GROUP BY ids.alert_id
)
SELECT a.id, a.day, a.topic, a.kind, a.value, a.baseline, a.threshold, a.explanation,
       from_json(coalesce(a.article_ids, '[]'), '["BIGINT"]') AS article_ids,
       coalesce(s.stories, []) AS stories,
       {new_columns}, {ack_columns}
FROM a LEFT JOIN s ON s.alert_id = a.id {ack_join}
ORDER BY a.day DESC, a.topic, a.kind
"""


def _sql(migrated: bool, force: bool = False) -> str:
    """The query for a warehouse with (or without) migration 007's columns; `force`: one
    force's alerts only ($force; a warehouse with several forces has migration 008)."""
    # alerts raised before forces were recorded (force_id NULL) are the default force's
    force_cond = f"\n      AND coalesce(force_id, {DEFAULT_FORCE_SQL}) = $force" if force else ""
    if migrated:
        new = ", ".join(f"a.{c}" for c in _NEW_COLUMNS)
        ack = "k.acknowledged_by, k.acknowledged_at, k.note AS ack_note"
        return _SQL.format(
            withdrawn_at="withdrawn_at",
            force_cond=force_cond,
            new_columns=new,
            ack_columns=ack,
            ack_join="LEFT JOIN alert_acks AS k ON k.alert_id = a.id",
        )
    return _SQL.format(
        withdrawn_at="NULL",
        force_cond=force_cond,
        new_columns=", ".join(f"{v} AS {c}" for c, v in _NEW_COLUMNS.items()),
        ack_columns=", ".join(f"{v} AS {c}" for c, v in _ACK_COLUMNS.items()),
        ack_join="",
    )


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the warehouse has this table (an older warehouse may lack migration 007's)."""
    row = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = ?",
        [name],
    ).fetchone()
    return bool(row and row[0])


@cached
def alerts(
    db_path: str,
    version: str,
    start: date,
    end: date,
    topics: tuple[str, ...] = (),
    include_withdrawn: bool = False,
) -> pd.DataFrame:
    """Alerts in a date range, newest first, each with the stories it names.

    Args:
        db_path: the warehouse file.
        version: the data version (the cache key); a force's (`snapshot.scoped`): its alerts.
        start: the first alert day.
        end: the last alert day.
        topics: only these topics (empty: all).
        include_withdrawn: also alerts withdrawn after corrections (the Alerts page shows them
            apart); the Overview and Trends pages count only alerts that hold.

    Returns:
        Columns id, day, topic, kind, value, baseline, threshold, explanation, article_ids (list),
        stories (list of {"id", "title", "source", "url"}), raised_explanation, revised_at,
        withdrawn_at, withdrawn_reason, acknowledged_by, acknowledged_at, ack_note (times in
        Europe/London; NULL when not revised, withdrawn or acknowledged).
    """
    with reader(db_path, published=True) as con:
        con.execute(f"SET TimeZone = '{DISPLAY_TZ}'")  # a constant
        force = split(version)[1]
        sql = _sql(has_table(con, "alert_acks"), force is not None)
        params = {
            "start": start,
            "end": end,
            "topics": list(topics),
            "withdrawn": bool(include_withdrawn),
        }
        if force is not None:
            params["force"] = force
        return con.execute(sql, params).df()
