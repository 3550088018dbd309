"""Alerts: a topic getting worse, by the one change rule (views `topic_change`, `alert_candidates`).

An alert is raised for a London day and topic when, from voices outside the force, the week
ending that day is "worsening" by warehouse/views/10_topic_change.sql (the change in the share
of negative stories has an interval above zero, at least `alerts.min_stories` stories from at
least 2 outlets) and that day brings new evidence: more than one negative story, or one negative
story carried by several outlets (warehouse/views/11_alert_candidates.sql). The dashboard's
Overview and the digest read the same view, so an alert never sits beside "improving".
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import duckdb

from core import vocabulary
from core.config import Config
from core.vocabulary import LOCAL_TZ
from warehouse.change_rule import apply_settings

logger = logging.getLogger(__name__)

LONDON = LOCAL_TZ  # the views bucket days by London date; so do alerts
LOOKBACK_DAYS = 7  # the nightly job checks the last week: late-found stories can still raise one
LOGGED_ALERTS = 10  # new alerts logged in full at INFO; the rest at DEBUG
MAX_NAMED_ARTICLES = 3  # stories named in the explanation (all of them go into article_ids)

KIND = "worsening"
KINDS = (KIND,)

_CANDIDATES_SQL = """
SELECT day, topic, article_ids, stories, negative, outlets, share, base_stories, base_negative,
       base_share, change, change_low, change_high, baseline_days
FROM alert_candidates
WHERE day BETWEEN $from_day AND $to_day
ORDER BY day, topic
"""

_STORIES_SQL = """
SELECT s.article_id, coalesce(s.title, s.url) AS title, s.source, s.outlets
FROM story_topics AS s
WHERE s.voices = 'external' AND s.topic = $topic AND list_contains($ids, s.article_id)
"""


@dataclass
class Spike:
    """One alert before it is stored.

    `value` is the share of negative stories in the week ending `day` (0..1), `baseline` the
    share in the baseline days before, `threshold` the lower end of the change's 95% interval
    (above zero: the rise is larger than chance alone would give).
    """

    day: date
    topic: str
    kind: str
    value: float
    baseline: float
    threshold: float
    explanation: str = ""
    article_ids: list[int] = field(default_factory=list)


def topic_label(topic: str) -> str:
    """A topic id as a person reads it (core.vocabulary): "victim_updates" -> "Keeping victims
    updated"."""
    return vocabulary.topic_name(topic)


def london_today(now: datetime) -> date:
    """The calendar date in London at `now` (an aware datetime)."""
    return now.astimezone(LONDON).date()


def _pct(share: float) -> str:
    return f"{100 * share:.0f}%"


def _stories(n: int) -> str:
    return f"{n} {'story' if n == 1 else 'stories'}"


def detect_spikes(
    con: duckdb.DuckDBPyConnection, cfg: Config, from_day: date, to_day: date
) -> list[Spike]:
    """Find the alerts on the days from `from_day` to `to_day` (inclusive), with explanations.

    Args:
        con: a connection to the warehouse (read-only is enough).
        cfg: the config; `alerts.min_stories` and `alerts.baseline_days` set the rule.
        from_day: the first London day to check.
        to_day: the last London day to check.

    Returns:
        Alerts in (day, topic) order; nothing is written.
    """
    apply_settings(con, cfg.alerts)
    rows = con.execute(_CANDIDATES_SQL, {"from_day": from_day, "to_day": to_day}).fetchall()
    spikes = []
    for (
        day,
        topic,
        article_ids,
        stories,
        negative,
        outlets,
        share,
        base_stories,
        base_negative,
        base_share,
        change,
        change_low,
        change_high,
        baseline_days,
    ) in rows:
        ids = [int(i) for i in article_ids]
        found = {
            r[0]: r for r in con.execute(_STORIES_SQL, {"topic": topic, "ids": ids}).fetchall()
        }
        named = [
            f"\u201c{found[i][1]}\u201d ({', '.join(found[i][3])})"
            for i in ids[:MAX_NAMED_ARTICLES]
            if i in found
        ]
        more = len(ids) - len(named)
        day_text = f"{day:%a} {day.day} {day:%b %Y}"
        explanation = (
            f"{topic_label(topic)}: {negative} of {_stories(stories)} from {outlets} outlets "
            f"in the week to {day_text} were negative about the force ({_pct(share)}), against "
            f"{base_negative} of {_stories(base_stories)} ({_pct(base_share)}) in the "
            f"{baseline_days} days before: up {100 * change:.0f} points (95% interval "
            f"{100 * change_low:+.0f} to {100 * change_high:+.0f}). New on {day_text}: "
            + "; ".join(named)
            + (f"; and {more} more" if more > 0 else "")
            + ". Voices outside the force only."
        )
        spikes.append(
            Spike(
                day,
                topic,
                KIND,
                float(share),
                float(base_share),
                float(change_low),
                explanation,
                ids,
            )
        )
    return spikes


def raise_alerts(
    con: duckdb.DuckDBPyConnection,
    cfg: Config,
    now: datetime | None = None,
    run_id: int | None = None,
    days: int = LOOKBACK_DAYS,
) -> list[int]:
    """Detect alerts on the last `days` London days up to today and store the new ones.

    An alert is unique per (day, topic, kind): one already stored is left as it is, so
    re-running a night changes nothing.

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
    spikes = detect_spikes(con, cfg, from_day, to_day)
    new_ids: list[int] = []
    con.execute("BEGIN TRANSACTION")
    try:
        for spike in spikes:
            row = con.execute(
                "INSERT INTO alerts (day, topic, kind, value, baseline, threshold, explanation, "
                "article_ids, run_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (day, topic, kind) DO NOTHING RETURNING id",
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
