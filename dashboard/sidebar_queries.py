"""What the sidebar of every page reads: the last runs, the newest data, the days and outlets."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

import pandas as pd

from dashboard.cache import DISPLAY_TZ, cached, frame, mem
from pcm import runjournal

logger = logging.getLogger(__name__)


@cached
def freshness(db_path: str, version: str) -> dict:
    """The newest successful run, the newest run of any status, and the newest article.

    Returns:
        {"last_success": Timestamp|None, "last_success_id", "last_status", "last_run_at",
         "last_error", "newest_fetched": Timestamp|None, "newest_published": Timestamp|None}
    """
    row = (
        frame(
            db_path,
            """
        SELECT (SELECT max(coalesce(finished_at, started_at)) FROM runs
                WHERE status = 'success') AS last_success,
               (SELECT max(id) FROM runs WHERE status = 'success') AS last_success_id,
               (SELECT arg_max(status, started_at) FROM runs) AS last_status,
               (SELECT max(started_at) FROM runs) AS last_run_at,
               (SELECT arg_max(error, started_at) FROM runs) AS last_error,
               (SELECT max(fetched_at) FROM articles) AS newest_fetched,
               (SELECT max(published_at) FROM articles WHERE published_at <= now())
                   AS newest_published
    """,
        )
        .iloc[0]
        .to_dict()
    )
    return {k: (None if pd.isna(v) else v) for k, v in row.items()}


def with_journal(fresh: dict, db_path: str, run_timeout_s: float) -> dict:
    """`freshness` with a failed run that only the runs journal knows about (pcm/runjournal.py).

    A run that could not open or write the warehouse leaves its trace in a journal beside it
    until the next run folds it into `runs`; the journal is read on every page (it is a small
    file), so the warning shows at once.

    Args:
        fresh: what `freshness` returned.
        db_path: the warehouse file (the journal sits beside it).
        run_timeout_s: schedule.run_timeout_s; an unfinished run older than this failed.

    Returns:
        `fresh`, or a copy whose last_status, last_run_at and last_error describe the newer
        failed run.
    """
    failure = runjournal.unrecorded_failure(db_path, datetime.now(UTC), run_timeout_s)
    if failure is None:
        return fresh
    started = pd.Timestamp(failure.started_at).tz_convert(DISPLAY_TZ)
    last = fresh.get("last_run_at")
    if last is not None and pd.Timestamp(last) >= started:
        return fresh
    reason = failure.error or runjournal.NEVER_RECORDED
    return {
        **fresh,
        "last_status": "failed",
        "last_run_at": started,
        "last_error": f"{reason} (from the runs journal: not in the runs table yet)",
    }


@cached
def day_bounds(db_path: str, version: str) -> tuple[date | None, date | None]:
    """The oldest and newest day (Europe/London date, as `passage_scores.day`) with an article.

    Future-dated articles (a bad date in a feed) are ignored.
    """
    df = mem(
        db_path,
        version,
        """
        SELECT min(day) AS first, max(day) AS last FROM passage_scores
        WHERE day <= CAST(timezone('Europe/London', now()) AS DATE)
    """,
    )
    first, last = df.iloc[0]["first"], df.iloc[0]["last"]
    return (
        None if pd.isna(first) else pd.Timestamp(first).date(),
        None if pd.isna(last) else pd.Timestamp(last).date(),
    )


@cached
def outlets(db_path: str, version: str) -> list[str]:
    """Every outlet (source name) that has an article."""
    return mem(db_path, version, "SELECT DISTINCT source FROM articles ORDER BY source")[
        "source"
    ].tolist()
