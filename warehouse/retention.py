"""Retention: passage text is removed after a number of days; scores and links stay."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb

from warehouse.writing import one_row, transaction

logger = logging.getLogger(__name__)

# An article's age is counted from its publication date, or from when we fetched it when the
# page carried no date.
_DUE = """
    FROM articles
    WHERE text_purged_at IS NULL AND coalesce(published_at, fetched_at) < ?
"""


@dataclass(frozen=True)
class PurgePlan:
    """What a purge would remove."""

    cutoff: datetime  # articles published (or fetched) before this lose their passage text
    articles: int
    passages: int  # passages that still have text


def _cutoff(now: datetime, days: int) -> datetime:
    if now.tzinfo is None:
        raise ValueError(f"now must be timezone-aware, got naive {now}")
    if days <= 0:
        raise ValueError(f"days must be positive, got {days}")
    return now - timedelta(days=days)


def plan_purge(con: duckdb.DuckDBPyConnection, now: datetime, days: int) -> PurgePlan:
    """Count what `purge_text` would remove, without changing anything (for --dry-run).

    Args:
        con: any connection (read-only is fine).
        now: the current time (timezone-aware); tests pass a fixed clock.
        days: keep text this many days (cfg.retention.text_days).

    Returns:
        A `PurgePlan` with the cutoff and the counts.
    """
    cutoff = _cutoff(now, days)
    articles = one_row(con, "SELECT count(*)" + _DUE, [cutoff])[0]
    passages = one_row(
        con,
        "SELECT count(*) FROM passages WHERE text IS NOT NULL AND article_id IN (SELECT id"
        + _DUE
        + ")",
        [cutoff],
    )[0]
    return PurgePlan(cutoff=cutoff, articles=articles, passages=passages)


def purge_text(con: duckdb.DuckDBPyConnection, now: datetime, days: int) -> int:
    """Remove the text of passages of articles older than `days`, in one transaction.

    The passage rows, their voice and speaker, the scores and the article's title and URL
    stay; `passages.text` becomes NULL and `articles.text_purged_at` is set to `now`.
    Running it again removes nothing more.

    Args:
        con: a read-write connection with no open transaction.
        now: the current time (timezone-aware); tests pass a fixed clock.
        days: keep text this many days (cfg.retention.text_days).

    Returns:
        The number of passages whose text was removed.
    """
    cutoff = _cutoff(now, days)
    with transaction(con):
        passages = one_row(
            con,
            "UPDATE passages SET text = NULL WHERE text IS NOT NULL AND article_id IN (SELECT id"
            + _DUE
            + ")",
            [cutoff],
        )[0]
        articles = one_row(
            con,
            "UPDATE articles SET text_purged_at = ? WHERE id IN (SELECT id" + _DUE + ")",
            [now, cutoff],
        )[0]
    logger.info(
        "retention: removed the text of %d passages in %d articles dated before %s",
        passages,
        articles,
        cutoff.isoformat(),
    )
    return passages
