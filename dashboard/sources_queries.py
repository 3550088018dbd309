"""The Sources page's queries: crawl health per source and the crawl errors behind it."""

from __future__ import annotations

import json
import logging

import pandas as pd

from core.vocabulary import CONTENT_REASONS, DISCOVERY_REASONS, ROBOTS_REASONS, reason_name
from dashboard.cache import cached, frame

logger = logging.getLogger(__name__)


def window_start(days_param: str) -> str:
    """SQL for the first moment of "the last N days": Europe/London midnight N - 1 days before
    today, so a week's window holds today and the six days before, whatever the hour (a window
    of now() - N days would move a source in or out of it in the middle of the day).

    Args:
        days_param: the SQL parameter that holds N (`?` or `$days`).
    """
    today = "CAST(timezone('Europe/London', now()) AS DATE)"
    return f"timezone('Europe/London', ({today} - ({days_param} - 1))::TIMESTAMP)"


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
        Columns source, kind, last_success, last_status, last_message, last_reasons (the
        last crawl's errors by reason, JSON text), newest_article, new_articles (in the
        window), errors (in the window), silent (bool).
    """
    return frame(
        db_path,
        f"""
        WITH w AS (SELECT {window_start("$days")} AS since), cfg AS (
            SELECT unnest($names::VARCHAR[]) AS source, unnest($kinds::VARCHAR[]) AS kind
        ), st AS (
            SELECT source, any_value(source_kind) AS kind,
                   max(finished_at) FILTER (WHERE status = 'ok') AS last_success,
                   arg_max(status, finished_at) AS last_status,
                   arg_max(message, finished_at) AS last_message,
                   arg_max(errors_by_reason, finished_at)::VARCHAR AS last_reasons,
                   sum(errors) FILTER (WHERE finished_at >= (SELECT since FROM w)) AS errors
            FROM crawl_stats GROUP BY source
        ), ar AS (
            SELECT source, any_value(source_kind) AS kind, max(fetched_at) AS newest_article,
                   count(*) FILTER (WHERE fetched_at >= (SELECT since FROM w)) AS new_articles
            FROM articles GROUP BY source
        ), names AS (
            SELECT source FROM cfg UNION SELECT source FROM st UNION SELECT source FROM ar
        )
        SELECT n.source, coalesce(cfg.kind, st.kind, ar.kind) AS kind, st.last_success,
               st.last_status, st.last_message, st.last_reasons, ar.newest_article,
               coalesce(ar.new_articles, 0) AS new_articles,
               coalesce(st.errors, 0)::BIGINT AS errors,
               ar.newest_article IS NULL OR ar.newest_article < (SELECT since FROM w) AS silent
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
        f"""
        SELECT source, reason, count(*) AS errors, max("at") AS last_at,
               arg_max(url, "at") AS example_url
        FROM crawl_errors WHERE "at" >= {window_start("?")}
        GROUP BY source, reason ORDER BY errors DESC, source, reason
    """,
        [int(days)],
    )


# What a source's state is, worst first: the words the Sources page shows.
NOT_CRAWLED = "Not crawled yet"
BLOCKED = "Blocked by robots.txt"
DOWN = "Down"
UNREADABLE = "Pages it cannot read"
SILENT = "No new articles"
PARTIAL = "Some pages failed"
WORKING = "Working"
STATE_ORDER = (BLOCKED, DOWN, UNREADABLE, SILENT, PARTIAL, NOT_CRAWLED, WORKING)


def source_state(
    last_status: str | None, last_reasons: str | dict | None, silent: bool
) -> tuple[str, str]:
    """A source's state in words, from its last crawl and its newest article.

    Tells apart a site that is down, one that robots.txt shuts out, one whose pages or feeds
    can no longer be read, and one that answers but has published nothing new.

    Args:
        last_status: the last crawl's status (ok, partial, failed), None when never crawled.
        last_reasons: the last crawl's errors by reason ({"timeout": 3}, or its JSON text).
        silent: no new article within the window.

    Returns:
        (state, detail): a state from `STATE_ORDER` and a one-line explanation in words.
    """
    reasons = _reasons(last_reasons)
    words = ", ".join(f"{reason_name(r)} ({n})" for r, n in reasons.items()) or "no error recorded"
    if last_status is None or pd.isna(last_status):
        return NOT_CRAWLED, "no crawl of this source has been recorded"
    if set(reasons) & ROBOTS_REASONS and last_status != "ok":
        return BLOCKED, f"the site's robots.txt stops the crawler: {words}"
    if last_status == "failed":
        return DOWN, f"the last crawl fetched nothing: {words}"
    if set(reasons) & (CONTENT_REASONS | DISCOVERY_REASONS):
        return UNREADABLE, f"fetched, but some pages or feeds could not be read: {words}"
    if silent:
        return SILENT, "the site answers but has published nothing new about the force"
    if last_status == "partial":
        return PARTIAL, words
    return WORKING, "the last crawl went through"


def _reasons(value: str | dict | None) -> dict[str, int]:
    """Errors by reason from a dict or its JSON text, most frequent first; {} when none."""
    if value is None or (not isinstance(value, dict) and pd.isna(value)):
        return {}
    try:
        data = value if isinstance(value, dict) else json.loads(value)
    except (TypeError, ValueError):
        logger.warning("unreadable errors_by_reason value %r", value)
        return {}
    counts = {str(k): int(v) for k, v in (data or {}).items() if v}
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
