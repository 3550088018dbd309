"""The Sources page's queries: crawl health per source and the crawl errors behind it."""

from __future__ import annotations

import logging

import pandas as pd

from dashboard.cache import cached, frame

logger = logging.getLogger(__name__)


@cached
def source_health(
    db_path: str, version: str, configured: tuple[tuple[str, str], ...], silent_days: int
) -> pd.DataFrame:
    """Crawl health per source: configured ones and any that appear in the warehouse.

    Args:
        db_path: the warehouse file.
        version: the data version.
        configured: (name, kind) of the sources in the config.
        silent_days: a source with no new article for this many days counts as silent.

    Returns:
        Columns source, kind, last_success, last_status, last_message, newest_article,
        new_articles (in the window), errors (in the window), silent (bool).
    """
    return frame(
        db_path,
        """
        WITH cfg AS (
            SELECT unnest($names::VARCHAR[]) AS source, unnest($kinds::VARCHAR[]) AS kind
        ), st AS (
            SELECT source, any_value(source_kind) AS kind,
                   max(finished_at) FILTER (WHERE status = 'ok') AS last_success,
                   arg_max(status, finished_at) AS last_status,
                   arg_max(message, finished_at) AS last_message,
                   sum(errors) FILTER (WHERE finished_at >= now() - to_days($days)) AS errors
            FROM crawl_stats GROUP BY source
        ), ar AS (
            SELECT source, any_value(source_kind) AS kind, max(fetched_at) AS newest_article,
                   count(*) FILTER (WHERE fetched_at >= now() - to_days($days)) AS new_articles
            FROM articles GROUP BY source
        ), names AS (
            SELECT source FROM cfg UNION SELECT source FROM st UNION SELECT source FROM ar
        )
        SELECT n.source, coalesce(cfg.kind, st.kind, ar.kind) AS kind, st.last_success,
               st.last_status, st.last_message, ar.newest_article,
               coalesce(ar.new_articles, 0) AS new_articles,
               coalesce(st.errors, 0)::BIGINT AS errors,
               ar.newest_article IS NULL OR ar.newest_article < now() - to_days($days) AS silent
        FROM names AS n LEFT JOIN cfg USING (source) LEFT JOIN st USING (source)
        LEFT JOIN ar USING (source)
        ORDER BY silent DESC, errors DESC, n.source
    """,
        {
            "names": [n for n, _ in configured],
            "kinds": [k for _, k in configured],
            "days": int(silent_days),
        },
    )


@cached
def crawl_errors(db_path: str, version: str, days: int) -> pd.DataFrame:
    """Crawl errors of the last `days` days counted per source and reason.

    Returns:
        Columns source, reason, errors, last_at, example_url; most errors first.
    """
    return frame(
        db_path,
        """
        SELECT source, reason, count(*) AS errors, max("at") AS last_at,
               arg_max(url, "at") AS example_url
        FROM crawl_errors WHERE "at" >= now() - to_days(?)
        GROUP BY source, reason ORDER BY errors DESC, source, reason
    """,
        [int(days)],
    )
