"""The morning digest's data: overnight coverage, the topics that moved and the alerts, read
from the warehouse into a `Digest` (rendered by pcm/digest_render.py)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import duckdb

from core.config import Config
from pcm.alerts import london_today
from warehouse.change_rule import TopicChange, topic_changes
from warehouse.forces import default_force_id

logger = logging.getLogger(__name__)

OVERNIGHT_HOURS = 24  # "overnight" = fetched in the 24 hours before the digest
# A story fetched overnight but published long before (a backfill, a late-found page) is counted,
# not listed: the comms team wants what is new in the news, not what is new to the crawler.
STALE_AFTER_DAYS = 2
ALERT_DAYS = 2  # alerts about today and yesterday are listed ...
RUN_ALERT_DAYS = 7  # ... and those this run raised about the last week (a backfill raises more)


@dataclass
class Story:
    """One article as the digest lists it."""

    id: int
    title: str
    url: str
    source: str
    published_at: datetime | None
    stances: list[tuple[str, str]] = field(default_factory=list)  # (topic, stance), not neutral


@dataclass
class AlertItem:
    """A stored alert with its stories."""

    id: int
    day: date
    topic: str
    kind: str
    explanation: str
    stories: list[Story]


@dataclass
class Digest:
    """Everything one morning digest says; pcm/digest_render.py renders it."""

    force: str
    day: date
    generated_at: datetime
    since: datetime
    outlets: dict[str, list[Story]]
    older_articles: int
    moves: list[TopicChange]  # topics the change rule calls improving or worsening
    alerts: list[AlertItem]
    run_note: str = ""
    dashboard_url: str = ""  # the dashboard's address (config digest.dashboard_url), or ""
    force_id: str | None = None  # with several forces, whose digest (dashboard links open it)

    @property
    def new_articles(self) -> int:
        """How many overnight stories are listed (older ones excluded)."""
        return sum(len(v) for v in self.outlets.values())

    @property
    def subject(self) -> str:
        """The e-mail subject line."""
        alerts = f"{len(self.alerts)} alert" + ("" if len(self.alerts) == 1 else "s")
        return (
            f"{self.force}: public confidence digest for {day_text(self.day)} "
            f"({self.new_articles} new stories, {alerts})"
        )


def day_text(day: date) -> str:
    """How the digest names a day: "Mon 1 Dec 2026"."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def collect_digest(
    con: duckdb.DuckDBPyConnection,
    cfg: Config,
    now: datetime | None = None,
    run_id: int | None = None,
    run_note: str = "",
    force_id: str | None = None,
) -> Digest:
    """Read what the digest needs from the warehouse, for one force.

    Args:
        con: a connection to the warehouse (read-only is enough).
        cfg: the config (force name).
        now: the digest's time, aware (default: now); its London date names the digest.
        run_id: the nightly run; alerts it raised are listed whatever their day.
        run_note: one line about the run (e.g. failed sources), shown at the top.
        force_id: the force (None: the default one). With several forces configured, its
            digest lists only the stories about it and its own alerts.

    Returns:
        The `Digest`.
    """
    force = cfg.force_by_id(force_id)
    con.execute("SET VARIABLE pcm_force = ?", [force.id])  # the views read this force's rows
    try:
        return _collect(con, cfg, force, now, run_id, run_note)
    finally:
        con.execute("RESET VARIABLE pcm_force")


def _collect(con, cfg: Config, force, now, run_id, run_note) -> Digest:
    """`collect_digest` with the session's force set."""
    now = now or datetime.now(UTC)
    today = london_today(now)
    since = now - timedelta(hours=OVERNIGHT_HOURS)
    fresh_from = since - timedelta(days=STALE_AFTER_DAYS)
    rows = con.execute(
        "SELECT id, coalesce(title, url), url, source, published_at, "
        "coalesce(published_at, fetched_at) >= $fresh AS fresh "
        "FROM articles WHERE duplicate_of IS NULL AND fetched_at >= $since "
        # with several forces, the stories about this one (passage_forces: any target)
        "AND (NOT $many OR id IN (SELECT p.article_id FROM passage_forces AS f "
        "JOIN passages AS p ON p.id = f.passage_id WHERE f.force_id = $force)) "
        "ORDER BY source, published_at DESC NULLS LAST, id",
        {"since": since, "fresh": fresh_from, "many": len(cfg.forces) > 1, "force": force.id},
    ).fetchall()
    older = sum(1 for r in rows if not r[5])
    stories = [Story(r[0], r[1], r[2], r[3], r[4]) for r in rows if r[5]]
    _add_stances(con, stories)
    outlets: dict[str, list[Story]] = {}
    for story in stories:
        outlets.setdefault(story.source, []).append(story)

    moves = _topic_moves(con, cfg, today)
    alerts = _alerts(con, today, run_id, force.id)
    return Digest(
        force.name,
        today,
        now,
        since,
        outlets,
        older,
        moves,
        alerts,
        run_note,
        cfg.digest.dashboard_url or "",
        force.id if len(cfg.forces) > 1 else None,
    )


def _add_stances(con: duckdb.DuckDBPyConnection, stories: list[Story]) -> None:
    """Attach each story's non-neutral topic stances (from the `article_topics` view)."""
    if not stories:
        return
    by_id = {s.id: s for s in stories}
    rows = con.execute(
        "SELECT article_id, topic, stance FROM article_topics "
        "WHERE list_contains($ids, article_id) AND stance <> 'neutral' "
        "ORDER BY article_id, abs(net_score) DESC, topic",
        {"ids": list(by_id)},
    ).fetchall()
    for article_id, topic, stance in rows:
        by_id[article_id].stances.append((topic, stance))


def _topic_moves(con: duckdb.DuckDBPyConnection, cfg: Config, today: date) -> list[TopicChange]:
    """The topics that really moved in the week to `today` (the `topic_change` view's rule,
    voices outside the force only): worsening first, then by the size of the change."""
    changes = topic_changes(con, cfg.alerts, today, "external").values()
    moved = [c for c in changes if c.moved]
    return sorted(moved, key=lambda c: (c.verdict != "worsening", -abs(c.change or 0), c.topic))


def _alerts(
    con: duckdb.DuckDBPyConnection, today: date, run_id: int | None, force_id: str
) -> list[AlertItem]:
    rows = con.execute(
        "SELECT id, day, topic, kind, explanation, article_ids FROM alerts "
        "WHERE (day >= $from_day OR (run_id = $run_id AND day >= $run_from)) "
        "AND withdrawn_at IS NULL "  # withdrawn after corrections (warehouse/alert_store.py)
        "AND coalesce(force_id, $default) = $force "  # NULL: raised before forces, the default's
        "ORDER BY day DESC, topic, kind",
        {
            "force": force_id,
            "default": default_force_id(con) or force_id,
            "from_day": today - timedelta(days=ALERT_DAYS - 1),
            "run_id": run_id,
            "run_from": today - timedelta(days=RUN_ALERT_DAYS),
        },
    ).fetchall()
    items = []
    for alert_id, day, topic, kind, explanation, article_ids in rows:
        ids = [int(i) for i in json.loads(article_ids or "[]")]
        stories: list[Story] = []
        if ids:
            found = con.execute(
                "SELECT id, coalesce(title, url), url, source, published_at FROM articles "
                "WHERE list_contains($ids, id)",
                {"ids": ids},
            ).fetchall()
            by_id = {r[0]: Story(*r) for r in found}
            stories = [by_id[i] for i in ids if i in by_id]
        items.append(AlertItem(alert_id, day, topic, kind, explanation, stories))
    return items
