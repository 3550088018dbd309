"""Read the one "is this a real change" rule (views `topic_change` and `alert_candidates`).

The rule itself lives in SQL (warehouse/views/10_topic_change.sql and
11_alert_candidates.sql), so the dashboard, the digest, the alerts and analysts' `pcm sql` all
see the same verdicts. Its two settings come from the config: DuckDB session variables that
the views read (an analyst's session without them gets the defaults, 3 stories and 28 days).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

import duckdb

from core.config import Alerts

logger = logging.getLogger(__name__)

VERDICTS = ("worsening", "improving", "no clear change")

COLUMNS = (
    "topic, stories, negative, outlets, share, share_low, share_high, base_stories, "
    "base_negative, base_share, change, change_low, change_high, verdict, reason"
)


@dataclass(frozen=True)
class TopicChange:
    """One topic's week against its baseline, as the `topic_change` view judges it.

    Shares are fractions of stories (0..1) whose stance on the topic is negative; `*_low` and
    `*_high` bound 95% intervals (Wilson for shares, Newcombe's hybrid score for the change);
    they are None when there are no stories to compute them from.
    """

    topic: str
    stories: int
    negative: int
    outlets: int
    share: float | None
    share_low: float | None
    share_high: float | None
    base_stories: int
    base_negative: int
    base_share: float | None
    change: float | None
    change_low: float | None
    change_high: float | None
    verdict: str
    reason: str

    @property
    def moved(self) -> bool:
        """Whether the rule calls this a real change (improving or worsening)."""
        return self.verdict != "no clear change"


def apply_settings(con: duckdb.DuckDBPyConnection, alerts: Alerts) -> None:
    """Set the rule's settings from the config on this connection (session variables).

    Args:
        con: any connection to the warehouse (read-only is fine).
        alerts: the config's `alerts` section: `min_stories` and `baseline_days`.
    """
    # SET VARIABLE takes no bound parameter; both values are validated integers.
    con.execute(f"SET VARIABLE pcm_min_stories = {int(alerts.min_stories)}")
    con.execute(f"SET VARIABLE pcm_baseline_days = {int(alerts.baseline_days)}")


def topic_changes(
    con: duckdb.DuckDBPyConnection, alerts: Alerts, as_of: date, voices: str = "external"
) -> dict[str, TopicChange]:
    """Every topic's verdict for the 7 days ending `as_of`.

    Args:
        con: a connection to a migrated warehouse (read-only is fine).
        alerts: the config's `alerts` section (the rule's settings).
        as_of: the week's last London day.
        voices: "external" (every voice but the force's own) or "all".

    Returns:
        {topic: TopicChange} for each topic with any story in the week or its baseline.
    """
    apply_settings(con, alerts)
    rows = con.execute(
        f"SELECT {COLUMNS} FROM topic_change WHERE as_of = $as_of AND voices = $voices "
        "ORDER BY topic",
        {"as_of": as_of, "voices": voices},
    ).fetchall()
    out = {}
    for row in rows:
        change = TopicChange(*row)
        if change.stories == 0 and change.base_stories == 0:
            continue
        out[change.topic] = change
    return out
