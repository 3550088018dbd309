"""Alerts: a topic getting worse, by the one change rule (views `topic_change`, `alert_candidates`).

An alert is raised for a London day and topic when, from voices outside the force, the week
ending that day is "worsening" by warehouse/views/10_topic_change.sql (the change in the share
of negative stories has an interval above zero, at least `alerts.min_stories` stories from at
least 2 outlets) and that day brings new evidence: more than one negative story, or one negative
story carried by several outlets (warehouse/views/11_alert_candidates.sql). The dashboard's
Overview and the digest read the same view, so an alert never sits beside "improving".

Alerts already stored follow the rule too: each night, and after each correction saved on the
dashboard's Review page, they are evaluated again (warehouse/alert_store.py): current figures
while they hold, "withdrawn after corrections" once they no longer do.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime, timedelta

import duckdb

from core import vocabulary
from core.config import Config
from core.vocabulary import LOCAL_TZ
from warehouse import alert_store
from warehouse.alert_store import KIND, MAX_NAMED_ARTICLES, Revision, Spike

logger = logging.getLogger(__name__)

LONDON = LOCAL_TZ  # the views bucket days by London date; so do alerts
LOOKBACK_DAYS = 7  # the nightly job checks the last week: late-found stories can still raise one
LOGGED_ALERTS = 10  # new alerts logged in full at INFO; the rest at DEBUG

KINDS = (KIND,)
__all__ = [
    "KIND",
    "KINDS",
    "LONDON",
    "LOOKBACK_DAYS",
    "MAX_NAMED_ARTICLES",
    "Revision",
    "Spike",
    "detect_spikes",
    "london_today",
    "raise_alerts",
    "revise_alerts",
    "topic_label",
]


def topic_label(topic: str) -> str:
    """A topic id as a person reads it (core.vocabulary): "victim_updates" -> "Keeping victims
    updated"."""
    return vocabulary.topic_name(topic)


def london_today(now: datetime) -> date:
    """The calendar date in London at `now` (an aware datetime)."""
    return now.astimezone(LONDON).date()


def force_names(cfg: Config) -> dict[str, str] | None:
    """{force id: name} for the alerts' explanations when several forces are watched; None with
    one ("the force", as alerts always read)."""
    return {f.id: f.name for f in cfg.forces} if len(cfg.forces) > 1 else None


def detect_spikes(
    con: duckdb.DuckDBPyConnection,
    cfg: Config,
    from_day: date,
    to_day: date,
    force_id: str | None = None,
) -> list[Spike]:
    """Find the alerts on the days from `from_day` to `to_day` (inclusive), with explanations
    (warehouse/alert_store.py reads them from the `alert_candidates` view).

    Args:
        con: a connection to the warehouse (read-only is enough).
        cfg: the config; `alerts.min_stories` and `alerts.baseline_days` set the rule.
        from_day: the first London day to check.
        to_day: the last London day to check.
        force_id: whose passages (None: the default force).

    Returns:
        Alerts in (day, topic) order; nothing is written.
    """
    names = force_names(cfg)
    force = cfg.force_by_id(force_id)
    return alert_store.detect_spikes(
        con, cfg.alerts, from_day, to_day, force.id, names and names[force.id]
    )


def revise_alerts(
    con: duckdb.DuckDBPyConnection, cfg: Config, now: datetime | None = None
) -> Revision:
    """Evaluate every stored `worsening` alert against the rule again (after corrections made
    anywhere, or a re-scoring): current figures for those that hold, the others withdrawn.

    Args:
        con: a read-write connection with no open transaction.
        cfg: the config (alert settings).
        now: the time recorded on changed alerts (default: now).

    Returns:
        The alert ids revised, withdrawn and reinstated.
    """
    return alert_store.revise_alerts(con, cfg.alerts, now=now, force_names=force_names(cfg))


def raise_alerts(
    con: duckdb.DuckDBPyConnection,
    cfg: Config,
    now: datetime | None = None,
    run_id: int | None = None,
    days: int = LOOKBACK_DAYS,
) -> list[int]:
    """Evaluate the stored alerts again, then detect alerts on the last `days` London days up
    to today and store the new ones.

    Every stored `worsening` alert is first re-evaluated against the rule (`revise_alerts`:
    corrections saved outside the dashboard, or a re-scoring, may have changed its evidence).
    Each configured force is judged on its own passages. An alert is unique per (force, day,
    topic, kind): one already stored is not raised again, so re-running a night changes
    nothing.

    Args:
        con: a read-write connection.
        cfg: the config (alert settings).
        now: the current time, aware (default: now).
        run_id: the nightly run that raised them, recorded on each row.
        days: how many days back from today to check (today included as day 0).

    Returns:
        The ids of the alerts inserted by this call (empty when nothing new).
    """
    now = now or datetime.now(UTC)
    to_day = london_today(now)
    from_day = to_day - timedelta(days=days)
    revise_alerts(con, cfg, now)
    spikes = [
        (force.id, spike)
        for force in cfg.forces
        for spike in detect_spikes(con, cfg, from_day, to_day, force.id)
    ]
    new_ids: list[int] = []
    con.execute("BEGIN TRANSACTION")
    try:
        for force_id, spike in spikes:
            row = con.execute(
                "INSERT INTO alerts (day, topic, kind, value, baseline, threshold, explanation, "
                "article_ids, run_id, created_at, force_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (force_id, day, topic, kind) DO NOTHING RETURNING id",
                [
                    spike.day,
                    spike.topic,
                    spike.kind,
                    spike.value,
                    spike.baseline,
                    spike.threshold,
                    spike.explanation,
                    json.dumps(spike.article_ids),
                    run_id,
                    now,
                    force_id,
                ],
            ).fetchone()
            if row:
                new_ids.append(int(row[0]))
                # A backfill can raise a hundred at once: the first few go to the log in full.
                level = logging.INFO if len(new_ids) <= LOGGED_ALERTS else logging.DEBUG
                logger.log(level, "alert %s: %s", row[0], spike.explanation)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    logger.info("alerts: %d spikes on %s..%s, %d new", len(spikes), from_day, to_day, len(new_ids))
    return new_ids
