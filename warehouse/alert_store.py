"""Stored alerts against the one alert rule (view `alert_candidates`): what to raise, with its
explanation, and the re-evaluation of alerts already stored once corrections changed their
evidence.

The rule itself is SQL (warehouse/views/10_topic_change.sql and 11_alert_candidates.sql); this
module only reads it. `pcm run` raises alerts from it (pcm/alerts.py). A stored alert keeps its
day and topic, but its figures follow the rule's current answer: after a Review correction (the
dashboard calls `revise_after_correction` on the writer session that saved it) and on each
nightly run (`revise_alerts`), every stored `worsening` alert of the days concerned is evaluated
again. One that still holds gets the current counts, explanation and stories; one that no longer
holds is withdrawn (`withdrawn_at`, `withdrawn_reason`) but kept, and reinstated should it hold
again. The explanation it was first raised with stays in `raised_explanation`. Alerts of the
retired kinds (`negative_volume`, `net_drop`) came from an older rule and are left as they are.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import duckdb

from core import vocabulary
from core.config import Alerts
from warehouse import materialized
from warehouse.change_rule import apply_settings
from warehouse.forces import DEFAULT_FORCE_SQL
from warehouse.migrate import statistics_sql
from warehouse.writing import transaction, utc_now

logger = logging.getLogger(__name__)

KIND = "worsening"  # the kind the current rule raises
MAX_NAMED_ARTICLES = 3  # stories named in the explanation (all of them go into article_ids)
WEEK_DAYS = 7  # the rule's week (topic_change.week_days)
AFTER_CORRECTIONS = "withdrawn after corrections"
AFTER_NIGHTLY = "withdrawn: the rule no longer holds after corrections or re-scoring"

_CANDIDATES_SQL = """
SELECT day, topic, article_ids, stories, negative, outlets, share, base_stories, base_negative,
       base_share, change, change_low, change_high, baseline_days
FROM alert_candidates
WHERE day BETWEEN $from_day AND $to_day
ORDER BY day, topic
"""

# The views the rule is built of, in the order they build on each other: re-created over a
# scoped copy of `passage_scores` to re-evaluate a few days (`scoped_rule`).
RULE_VIEWS = ("article_topic_voices", "story_topics", "topic_change", "alert_candidates")
_SCOPED_PASSAGE_SCORES = """
    CREATE TEMP VIEW passage_scores AS
    SELECT s.*, a.title, a.url, a.published_at
    FROM scoped_passage_scores AS s JOIN articles AS a ON a.id = s.article_id
"""

_STORIES_SQL = """
SELECT s.article_id, coalesce(s.title, s.url) AS title, s.source, s.outlets
FROM story_topics AS s
WHERE s.voices = 'external' AND s.topic = $topic AND list_contains($ids, s.article_id)
"""


@dataclass
class Spike:
    """One alert as the rule gives it now (before it is stored, or to revise a stored one).

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


@dataclass(frozen=True)
class Revision:
    """What `revise_alerts` changed: alert ids revised (new figures), withdrawn, reinstated."""

    revised: tuple[int, ...] = ()
    withdrawn: tuple[int, ...] = ()
    reinstated: tuple[int, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether any stored alert changed."""
        return bool(self.revised or self.withdrawn or self.reinstated)


def _pct(share: float) -> str:
    return f"{100 * share:.0f}%"


def _stories(n: int) -> str:
    return f"{n} {'story' if n == 1 else 'stories'}"


def _explain(con: duckdb.DuckDBPyConnection, row: tuple, force_name: str | None = None) -> Spike:
    """A Spike, with its plain-language explanation, from one `alert_candidates` row (naming
    the force when one is given: a deployment that watches several)."""
    (day, topic, article_ids, stories, negative, outlets, share, base_stories, base_negative,
     base_share, change, change_low, change_high, baseline_days) = row  # fmt: skip
    ids = [int(i) for i in article_ids]
    found = {r[0]: r for r in con.execute(_STORIES_SQL, {"topic": topic, "ids": ids}).fetchall()}
    named = [
        f"\u201c{found[i][1]}\u201d ({', '.join(found[i][3])})"
        for i in ids[:MAX_NAMED_ARTICLES]
        if i in found
    ]
    more = len(ids) - len(named)
    day_text = f"{day:%a} {day.day} {day:%b %Y}"
    explanation = (
        f"{vocabulary.topic_name(topic)}: {negative} of {_stories(stories)} from {outlets} "
        f"outlets in the week to {day_text} were negative about {force_name or 'the force'} "
        f"({_pct(share)}), "
        f"against {base_negative} of {_stories(base_stories)} ({_pct(base_share)}) in the "
        f"{baseline_days} days before: up {100 * change:.0f} points (95% interval "
        f"{100 * change_low:+.0f} to {100 * change_high:+.0f}). New on {day_text}: "
        + "; ".join(named)
        + (f"; and {more} more" if more > 0 else "")
        + ". Voices outside the force only."
    )
    return Spike(
        day, topic, KIND, float(share), float(base_share), float(change_low), explanation, ids
    )


def detect_spikes(
    con: duckdb.DuckDBPyConnection,
    settings: Alerts,
    from_day: date,
    to_day: date,
    force_id: str | None = None,
    force_name: str | None = None,
) -> list[Spike]:
    """The alerts the rule gives on the days from `from_day` to `to_day` (inclusive).

    Args:
        con: a connection to the warehouse (read-only is enough), or one from `scoped_rule`
            (whose passages are one force's already).
        settings: the config's `alerts` section (`min_stories`, `baseline_days`).
        from_day: the first London day to check.
        to_day: the last London day to check.
        force_id: the force whose passages the views read on a warehouse connection (the
            session variable `pcm_force`, reset afterwards); None: the default force.
        force_name: named in the explanations (None: "the force").

    Returns:
        Alerts in (day, topic) order, with explanations; nothing is written.
    """
    apply_settings(con, settings)
    if force_id is not None:
        con.execute("SET VARIABLE pcm_force = ?", [force_id])
    try:
        rows = con.execute(_CANDIDATES_SQL, {"from_day": from_day, "to_day": to_day}).fetchall()
        return [_explain(con, row, force_name) for row in rows]
    finally:
        if force_id is not None:
            con.execute("RESET VARIABLE pcm_force")


def scoped_rule(
    con: duckdb.DuckDBPyConnection,
    settings: Alerts,
    from_day: date,
    to_day: date,
    topics: list[str] | None = None,
    force_id: str | None = None,
) -> duckdb.DuckDBPyConnection:
    """An in-memory connection where the rule's views see only the passages that can bear on
    alerts from `from_day` to `to_day`: the same answer as the warehouse's views for those days,
    without a pass over every passage.

    An alert on day D counts the stories of the 7 days to D and of `baseline_days` before them,
    so the passages of those days are copied (from the dashboard's materialized table when it
    is current, else from the `passage_scores` view), with the articles they belong to; the
    views of `RULE_VIEWS` are then created from the warehouse's own definitions.

    Args:
        con: a connection to the warehouse.
        settings: the config's `alerts` section.
        from_day: the first alert day to evaluate.
        to_day: the last.
        topics: only these topics (the rule judges each topic on its own); None: every one.
        force_id: the force whose passages are copied; None: the default force.

    Returns:
        A new in-memory connection (close it when done).
    """
    first = from_day - timedelta(days=WEEK_DAYS + settings.baseline_days - 1)
    source = materialized.TABLE if materialized.is_current(con) else materialized.VIEW
    rows = con.sql(
        "SELECT passage_id, article_id, topic, label, score, voice, source, source_kind, day, "
        "force_id "
        f"FROM {source} WHERE day BETWEEN $first AND $last "  # a constant table or view name
        "AND ($topics::VARCHAR[] IS NULL OR list_contains($topics::VARCHAR[], topic)) "
        f"AND force_id = coalesce($force, {DEFAULT_FORCE_SQL}, 'default')",
        params={"first": first, "last": to_day, "topics": topics, "force": force_id},
    ).to_arrow_table()
    views = dict(
        con.execute(
            "SELECT view_name, sql FROM duckdb_views() "
            "WHERE NOT internal AND list_contains($names, view_name)",
            {"names": list(RULE_VIEWS)},
        ).fetchall()
    )
    articles = con.sql(
        "SELECT id, source, duplicate_of, title, url, published_at FROM articles "
        "WHERE list_contains($ids, coalesce(duplicate_of, id))",
        params={"ids": rows.column("article_id").unique().to_pylist()},
    ).to_arrow_table()
    mem = duckdb.connect()
    try:
        mem.register("scoped_passage_scores", rows)
        mem.register("articles", articles)
        mem.execute(_SCOPED_PASSAGE_SCORES)
        mem.execute(statistics_sql())  # the macros the rule views call
        for name in RULE_VIEWS:
            mem.execute(views[name])
            if name == "story_topics":  # read by every later view and query: computed once
                mem.execute("CREATE TABLE story_topics_rows AS FROM story_topics")
                mem.execute("DROP VIEW story_topics")
                mem.execute("ALTER TABLE story_topics_rows RENAME TO story_topics")
    except BaseException:
        mem.close()
        raise
    return mem


def _figures_changed(stored: tuple, spike: Spike) -> bool:
    value, baseline, threshold, explanation, article_ids = stored
    ids = [int(i) for i in json.loads(article_ids or "[]")]
    return (
        explanation != spike.explanation
        or ids != spike.article_ids
        or any(
            abs(float(a) - b) > 1e-12
            for a, b in (
                (value, spike.value),
                (baseline, spike.baseline),
                (threshold, spike.threshold),
            )
        )
    )


def _update(con: duckdb.DuckDBPyConnection, alert_id: int, spike: Spike, when: datetime) -> None:
    """Give a stored alert the rule's current figures (and lift a withdrawal)."""
    con.execute(
        "UPDATE alerts SET value = ?, baseline = ?, threshold = ?, "
        "raised_explanation = coalesce(raised_explanation, explanation), "
        "explanation = ?, article_ids = ?, revised_at = ?, withdrawn_at = NULL, "
        "withdrawn_reason = NULL WHERE id = ?",
        [
            spike.value,
            spike.baseline,
            spike.threshold,
            spike.explanation,
            json.dumps(spike.article_ids),
            when,
            alert_id,
        ],
    )


def revise_alerts(
    con: duckdb.DuckDBPyConnection,
    settings: Alerts,
    from_day: date | None = None,
    to_day: date | None = None,
    reason: str = AFTER_NIGHTLY,
    now: datetime | None = None,
    force_names: Mapping[str, str] | None = None,
) -> Revision:
    """Evaluate the stored `worsening` alerts of a range of days against the rule again.

    An alert that still holds takes the current figures, explanation and stories (its first
    explanation is kept in `raised_explanation`); one that no longer holds is withdrawn with
    `reason`; a withdrawn one that holds again is reinstated. Nothing is read from the views when
    no stored alert falls in the range.

    Args:
        con: a read-write connection with no open transaction.
        settings: the config's `alerts` section.
        from_day: the first alert day to revise (default: the oldest stored).
        to_day: the last alert day to revise (default: the newest stored).
        reason: recorded in `withdrawn_reason` for alerts withdrawn now.
        now: recorded in `revised_at` / `withdrawn_at` (default: now, UTC).
        force_names: {force id: name} named in the explanations when several forces are
            watched (None: "the force").

    Returns:
        The ids revised, withdrawn and reinstated.
    """
    stored = con.execute(
        "SELECT id, day, topic, value, baseline, threshold, explanation, article_ids, "
        "withdrawn_at IS NOT NULL, force_id FROM alerts WHERE kind = $kind "
        "AND day >= coalesce($from_day, DATE '0001-01-01') "
        "AND day <= coalesce($to_day, DATE '9999-12-31') ORDER BY day, topic",
        {"kind": KIND, "from_day": from_day, "to_day": to_day},
    ).fetchall()
    if not stored:
        return Revision()
    when = utc_now(now)
    holds = _holding(con, settings, stored, force_names)
    revised, withdrawn, reinstated = [], [], []
    with transaction(con):
        for alert_id, day, topic, *figures, was_withdrawn, force_id in stored:
            spike = holds.get((force_id, day, topic))
            if spike is None:
                if not was_withdrawn:
                    con.execute(
                        "UPDATE alerts SET withdrawn_at = ?, withdrawn_reason = ? WHERE id = ?",
                        [when, reason, alert_id],
                    )
                    withdrawn.append(alert_id)
                continue
            if was_withdrawn:
                reinstated.append(alert_id)
            elif not _figures_changed(tuple(figures), spike):
                continue
            else:
                revised.append(alert_id)
            _update(con, alert_id, spike, when)
    result = Revision(tuple(revised), tuple(withdrawn), tuple(reinstated))
    if result.changed:
        logger.info(
            "alerts re-evaluated on %s..%s: %d revised, %d withdrawn, %d reinstated",
            min(r[1] for r in stored),
            max(r[1] for r in stored),
            len(revised),
            len(withdrawn),
            len(reinstated),
        )
    return result


def _holding(
    con: duckdb.DuckDBPyConnection,
    settings: Alerts,
    stored: list[tuple],
    force_names: Mapping[str, str] | None,
) -> dict[tuple, Spike]:
    """{(force id, day, topic): the alert the rule gives now} over the stored alerts' days,
    each force's alerts judged on that force's passages."""
    holds: dict[tuple, Spike] = {}
    for force_id in sorted({r[-1] for r in stored}, key=str):
        mine = [r for r in stored if r[-1] == force_id]
        first, last = min(r[1] for r in mine), max(r[1] for r in mine)
        rule = scoped_rule(con, settings, first, last, sorted({r[2] for r in mine}), force_id)
        name = (force_names or {}).get(force_id)
        try:
            for spike in detect_spikes(rule, settings, first, last, force_name=name):
                holds[(force_id, spike.day, spike.topic)] = spike
        finally:
            rule.close()
    return holds


def revise_after_correction(
    con: duckdb.DuckDBPyConnection,
    settings: Alerts,
    passage_id: int,
    now: datetime | None = None,
    force_names: Mapping[str, str] | None = None,
) -> Revision:
    """Re-evaluate the stored alerts a correction of one passage can change.

    A passage counts in the rule's week for the 7 days from its story's day, and in the
    baseline for `baseline_days` after that, so only alerts on those days are revised (every
    topic: a corrected voice moves all of the passage's topics).

    Args:
        con: the writer's connection, after the correction was committed.
        settings: the config's `alerts` section.
        passage_id: the corrected passage.
        now: the time recorded (default: now, UTC).
        force_names: as for `revise_alerts`.

    Returns:
        What changed (nothing when the passage has no day or no alert falls in the range).
    """
    row = con.execute(
        "SELECT CAST(timezone('Europe/London', coalesce(a.published_at, a.fetched_at)) AS DATE) "
        "FROM passages AS p JOIN articles AS a ON a.id = p.article_id WHERE p.id = ?",
        [passage_id],
    ).fetchone()
    if row is None or row[0] is None:
        return Revision()
    first = row[0]
    last = first + timedelta(days=WEEK_DAYS - 1 + settings.baseline_days)
    return revise_alerts(con, settings, first, last, AFTER_CORRECTIONS, now, force_names)
