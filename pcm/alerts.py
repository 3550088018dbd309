"""Spike alerts: a topic's negative volume or net score on one day against its trailing baseline."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb

from pcm.config import Config

logger = logging.getLogger(__name__)

LONDON = ZoneInfo("Europe/London")  # the views bucket days by London date; so do alerts
LOOKBACK_DAYS = 7  # the nightly job checks the last week: late-found stories can still raise one
MIN_HISTORY_DAYS = 7  # no alert until the topic has this many days of history before the day
MIN_NET_DAYS = 5  # a net-score baseline needs this many days with passages in the window
# Floors on the baseline's standard deviation, so a perfectly flat history (sd = 0) does not
# turn the first small wobble into an alert: one passage for counts, 0.1 for the net score.
MIN_SD_NEGATIVE = 1.0
MIN_SD_NET = 0.1
LOGGED_ALERTS = 10  # new alerts logged in full at INFO; the rest at DEBUG
MAX_NAMED_ARTICLES = 3  # stories named in the explanation (all of them go into article_ids)

KINDS = ("negative_volume", "net_drop")

# One row per (day, topic) with its trailing baseline. Only voices outside the force count: a
# confidence measure built from the force's own statements measures its PR. The calendar is
# dense (a day without passages has 0 negatives), starting at the first day with any data so
# that days before the warehouse existed are not counted as quiet days.
_DAILY_SQL = """
WITH ext AS (
    SELECT day, topic, label, score
    FROM passage_scores
    WHERE voice <> 'force'
),
bounds AS (
    SELECT min(day) AS first_day FROM ext
),
calendar AS (
    SELECT CAST(g.d AS DATE) AS day
    FROM bounds, generate_series(bounds.first_day, CAST($to_day AS DATE), INTERVAL 1 DAY) AS g(d)
),
topics AS (
    SELECT DISTINCT topic FROM ext
),
daily AS (
    SELECT day, topic,
           count(*) FILTER (WHERE label = 'negative') AS negative,
           count(*) AS passages,
           avg(score) AS net
    FROM ext
    GROUP BY day, topic
),
grid AS (
    SELECT c.day, t.topic,
           coalesce(d.negative, 0) AS negative,
           coalesce(d.passages, 0) AS passages,
           d.net
    FROM calendar AS c
    CROSS JOIN topics AS t
    LEFT JOIN daily AS d ON d.day = c.day AND d.topic = t.topic
),
stats AS (
    SELECT day, topic, negative, passages, net,
           count(*) OVER w AS history_days,
           avg(negative) OVER w AS neg_mean,
           stddev_samp(negative) OVER w AS neg_sd,
           count(net) OVER w AS net_days,
           avg(net) OVER w AS net_mean,
           stddev_samp(net) OVER w AS net_sd
    FROM grid
    WINDOW w AS (PARTITION BY topic ORDER BY day
                 ROWS BETWEEN $baseline_days PRECEDING AND 1 PRECEDING)
)
SELECT day, topic, negative, passages, net, history_days,
       neg_mean,
       neg_mean + $sensitivity * greatest(coalesce(neg_sd, 0), $min_sd_neg) AS neg_threshold,
       net_days, net_mean,
       net_mean - $sensitivity * greatest(coalesce(net_sd, 0), $min_sd_net) AS net_threshold
FROM stats
WHERE day BETWEEN CAST($from_day AS DATE) AND CAST($to_day AS DATE)
  AND negative >= $min_negative
  AND history_days >= $min_history
ORDER BY day, topic
"""

_ARTICLES_SQL = """
SELECT article_id, any_value(title) AS title, any_value(source) AS source, any_value(url) AS url,
       count(*) FILTER (WHERE label = 'negative') AS negative, count(*) AS passages,
       avg(score) AS net
FROM passage_scores
WHERE voice <> 'force' AND day = $day AND topic = $topic
GROUP BY article_id
ORDER BY negative DESC, net ASC, article_id
"""

_VOICES_SQL = """
SELECT voice, count(*) FILTER (WHERE label = 'negative') AS negative, count(*) AS passages
FROM passage_scores
WHERE voice <> 'force' AND day = $day AND topic = $topic
GROUP BY voice
ORDER BY negative DESC, passages DESC, voice
"""


@dataclass
class Spike:
    """One detected spike, before it is stored.

    `value`, `baseline` and `threshold` are negative-passage counts for `negative_volume` and
    net scores (mean of P(positive) - P(negative), in [-1, 1]) for `net_drop`.
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
    """A topic id as a person would write it: "stop_and_search" -> "Stop and search"."""
    return topic.replace("_", " ").capitalize()


def london_today(now: datetime) -> date:
    """The calendar date in London at `now` (an aware datetime)."""
    return now.astimezone(LONDON).date()


def detect_spikes(
    con: duckdb.DuckDBPyConnection, cfg: Config, from_day: date, to_day: date
) -> list[Spike]:
    """Find the spikes on the days from `from_day` to `to_day` (inclusive), with explanations.

    Args:
        con: a connection to the warehouse (read-only is enough).
        cfg: the config; `alerts.baseline_days`, `alerts.sensitivity`, `alerts.min_negative`.
        from_day: the first London day to check.
        to_day: the last London day to check.

    Returns:
        Spikes in (day, topic, kind) order; nothing is written.
    """
    params = {
        "from_day": from_day,
        "to_day": to_day,
        "baseline_days": cfg.alerts.baseline_days,
        "sensitivity": cfg.alerts.sensitivity,
        "min_negative": cfg.alerts.min_negative,
        "min_history": MIN_HISTORY_DAYS,
        "min_sd_neg": MIN_SD_NEGATIVE,
        "min_sd_net": MIN_SD_NET,
    }
    rows = con.execute(_DAILY_SQL, params).fetchall()
    spikes: list[Spike] = []
    for (
        day,
        topic,
        negative,
        _passages,
        net,
        _history,
        neg_mean,
        neg_threshold,
        net_days,
        net_mean,
        net_threshold,
    ) in rows:
        if negative > neg_threshold:
            spikes.append(
                Spike(
                    day,
                    topic,
                    "negative_volume",
                    float(negative),
                    float(neg_mean),
                    float(neg_threshold),
                )
            )
        if net is not None and net_days >= MIN_NET_DAYS and net < net_threshold:
            spikes.append(
                Spike(day, topic, "net_drop", float(net), float(net_mean), float(net_threshold))
            )
    for spike in spikes:
        _explain(con, spike, cfg.alerts.baseline_days)
    return spikes


def _explain(con: duckdb.DuckDBPyConnection, spike: Spike, baseline_days: int) -> None:
    """Fill in the plain-language explanation and the driving articles of one spike."""
    where = {"day": spike.day, "topic": spike.topic}
    articles = con.execute(_ARTICLES_SQL, where).fetchall()
    voices = con.execute(_VOICES_SQL, where).fetchall()
    if spike.kind == "negative_volume":
        drivers = [a for a in articles if a[4] > 0]
    else:
        drivers = sorted((a for a in articles if a[6] < 0), key=lambda a: (a[6], a[0]))
    drivers = drivers or articles
    spike.article_ids = [int(a[0]) for a in drivers]

    day_text = f"{spike.day:%a} {spike.day.day} {spike.day:%b %Y}"
    topic = topic_label(spike.topic)
    if spike.kind == "negative_volume":
        headline = (
            f"{topic}: {spike.value:g} negative passages on {day_text} from voices "
            f"outside the force, against a usual {spike.baseline:.1f} a day over the "
            f"previous {baseline_days} days (alert level {spike.threshold:.1f})."
        )
    else:
        headline = (
            f"{topic}: net score {spike.value:+.2f} on {day_text} from voices outside "
            f"the force, against a usual {spike.baseline:+.2f} over the previous "
            f"{baseline_days} days (alert level {spike.threshold:+.2f})."
        )
    named = [
        f"\u201c{a[1] or a[3]}\u201d ({a[2]}, {a[4]} negative of {a[5]})"
        for a in drivers[:MAX_NAMED_ARTICLES]
    ]
    more = len(drivers) - len(named)
    stories = "; ".join(named) + (f"; and {more} more" if more > 0 else "")
    outlets = sorted({a[2] for a in drivers})
    if spike.kind == "negative_volume":
        voices = [v for v in voices if v[1] > 0]
    voice_text = ", ".join(f"{v} {n} negative of {p}" for v, n, p in voices)
    spike.explanation = (
        f"{headline} Driven by {stories}. Outlets: {', '.join(outlets)}. Voices: {voice_text}."
    )


def raise_alerts(
    con: duckdb.DuckDBPyConnection,
    cfg: Config,
    now: datetime | None = None,
    run_id: int | None = None,
    days: int = LOOKBACK_DAYS,
) -> list[int]:
    """Detect spikes on the last `days` London days up to today and store the new ones.

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
