"""The Alerts page's query (the Overview and Trends pages show the same alerts)."""

from __future__ import annotations

import logging
from datetime import date

import pandas as pd

from dashboard.cache import cached, frame

logger = logging.getLogger(__name__)


@cached
def alerts(
    db_path: str, version: str, start: date, end: date, topics: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Alerts in a date range, newest first, each with the stories it names.

    Returns:
        Columns id, day, topic, kind, value, baseline, threshold, explanation, article_ids (list),
        stories (list of {"id", "title", "source", "url"}).
    """
    return frame(
        db_path,
        """
        WITH a AS (
            SELECT * FROM alerts
            WHERE day BETWEEN $start AND $end
              AND (len($topics::VARCHAR[]) = 0 OR list_contains($topics::VARCHAR[], topic))
        ), ids AS (
            SELECT a.id AS alert_id,
                   unnest(from_json(coalesce(a.article_ids, '[]'), '["BIGINT"]')) AS article_id
            FROM a
        ), s AS (
            SELECT ids.alert_id,
                   list({'id': ar.id, 'title': ar.title, 'source': ar.source, 'url': ar.url}
                        ORDER BY ar.id) AS stories
            FROM ids JOIN articles AS ar ON ar.id = ids.article_id
            GROUP BY ids.alert_id
        )
        SELECT a.id, a.day, a.topic, a.kind, a.value, a.baseline, a.threshold, a.explanation,
               from_json(coalesce(a.article_ids, '[]'), '["BIGINT"]') AS article_ids,
               coalesce(s.stories, []) AS stories
        FROM a LEFT JOIN s ON s.alert_id = a.id
        ORDER BY a.day DESC, a.topic, a.kind
    """,
        {"start": start, "end": end, "topics": list(topics)},
    )
