"""Event annotations ("PEEL report published") and alert acknowledgements (who, when, note).

Both are plain tables (migration 007) that analysts read with `pcm sql`: `annotations` (one row
per event: its London day, a topic or NULL for every topic, a label, who added it and when) and
`alert_acks` (one row per acknowledged alert). The functions taking a connection do the checks
and the SQL; those taking a `Config` open the single writer for just that write, as corrections
do, and publish the snapshot again when there is one, so the dashboard shows the change next.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb

from core.config import Config
from core.errors import PcmError
from core.vocabulary import LOCAL_TZ, TOPICS
from warehouse.connection import has_snapshot, writer
from warehouse.writing import one_row, utc_now

logger = logging.getLogger(__name__)

MAX_LABEL = 120  # characters: a label sits on a chart
MAX_NOTE = 2000
MAX_NAME = 200
MAX_DAYS_AHEAD = 366  # a planned event (a report due) may be annotated up to a year ahead
EARLIEST_DAY = date(2000, 1, 1)


class AnnotationError(PcmError, ValueError):
    """An annotation or acknowledgement is incomplete, out of range or names nothing known."""


@dataclass(frozen=True)
class Annotation:
    """One stored annotation; `topic` None means every topic."""

    id: int
    day: date
    topic: str | None
    label: str
    added_by: str
    added_at: datetime


@dataclass(frozen=True)
class Ack:
    """One alert's acknowledgement."""

    alert_id: int
    acknowledged_by: str
    acknowledged_at: datetime
    note: str | None


def _text(value: str | None, what: str, limit: int) -> str:
    """`value` with its spaces tidied ("" when empty); too long is refused."""
    text = " ".join((value or "").split())
    if len(text) > limit:
        raise AnnotationError(f"{what} is {len(text)} characters long; keep it under {limit}")
    return text


def _who(value: str | None) -> str:
    who = (value or "").strip()
    if not who:
        raise AnnotationError("say who is writing: sign in or type your name")
    if len(who) > MAX_NAME:
        raise AnnotationError(f"the name is {len(who)} characters long; keep it under {MAX_NAME}")
    return who


def check_annotation(
    day: date, label: str, topic: str | None = None, today: date | None = None
) -> tuple[str, str | None]:
    """Check an annotation before it is stored.

    Args:
        day: the event's London day: from 2000, at most `MAX_DAYS_AHEAD` days after today.
        label: what happened; spaces are tidied, at most `MAX_LABEL` characters.
        topic: a topic id, or None (or "") for every topic.
        today: the London day to judge "the future" by (default: today in London).

    Returns:
        (the tidied label, the topic or None).

    Raises:
        AnnotationError: an empty or long label, an unknown topic, a day out of range.
    """
    text = _text(label, "the label", MAX_LABEL)
    if not text:
        raise AnnotationError("the label is empty; say in a few words what happened")
    if not isinstance(day, date) or isinstance(day, datetime):
        raise AnnotationError(f"the day must be a calendar date, got {day!r}")
    today = today or datetime.now(LOCAL_TZ).date()
    if day > today + timedelta(days=MAX_DAYS_AHEAD):
        raise AnnotationError(
            f"{day:%d %b %Y} is more than a year ahead; annotate events up to "
            f"{today + timedelta(days=MAX_DAYS_AHEAD):%d %b %Y}"
        )
    if day < EARLIEST_DAY:
        raise AnnotationError(f"{day:%d %b %Y} is before {EARLIEST_DAY:%Y}; check the year")
    topic = topic or None
    if topic is not None and topic not in TOPICS:
        raise AnnotationError(f"unknown topic {topic!r}; choose one of {', '.join(TOPICS)}")
    return text, topic


def add_annotation(
    con: duckdb.DuckDBPyConnection,
    day: date,
    label: str,
    added_by: str,
    topic: str | None = None,
    now: datetime | None = None,
    force_id: str | None = None,
) -> int:
    """Store an event annotation.

    Args:
        con: a read-write connection.
        day: the event's London day (see `check_annotation`).
        label: what happened.
        added_by: who adds it (the signed-in e-mail, or a name typed on the form).
        topic: a topic id, or None for every topic.
        now: `added_at` (default: now, UTC).
        force_id: the force it belongs to, or None for every force.

    Returns:
        The annotation's id.

    Raises:
        AnnotationError: bad input (nothing is stored).
    """
    when = utc_now(now)
    text, topic = check_annotation(day, label, topic, when.astimezone(LOCAL_TZ).date())
    who = _who(added_by)
    (new_id,) = one_row(
        con,
        "INSERT INTO annotations (day, topic, label, added_by, added_at, force_id) "
        "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        [day, topic, text, who, when, force_id],
    )
    logger.info("annotation %s added by %s: %s %s", new_id, who, day, text)
    return int(new_id)


def list_annotations(
    con: duckdb.DuckDBPyConnection,
    start: date | None = None,
    end: date | None = None,
    topics: tuple[str, ...] | list[str] = (),
    force_id: str | None = None,
) -> list[Annotation]:
    """The annotations of a range of days, oldest first.

    Args:
        con: any connection to the warehouse (read-only is fine).
        start: the first day (default: no limit).
        end: the last day (default: no limit).
        topics: keep annotations on these topics and those on every topic (empty: all).
        force_id: keep this force's annotations and those for every force (None: all).

    Returns:
        The annotations, by day then id.
    """
    rows = con.execute(
        "SELECT id, day, topic, label, added_by, added_at FROM annotations "
        "WHERE day >= coalesce($start, DATE '0001-01-01') "
        "AND day <= coalesce($end, DATE '9999-12-31') "
        "AND (len($topics::VARCHAR[]) = 0 OR topic IS NULL "
        "     OR list_contains($topics::VARCHAR[], topic)) "
        "AND ($force IS NULL OR force_id IS NULL OR force_id = $force) "
        "ORDER BY day, id",
        {"start": start, "end": end, "topics": list(topics), "force": force_id},
    ).fetchall()
    return [Annotation(*row) for row in rows]


def delete_annotation(con: duckdb.DuckDBPyConnection, annotation_id: int) -> None:
    """Remove an annotation.

    Raises:
        AnnotationError: there is no annotation with that id.
    """
    gone = con.execute(
        "DELETE FROM annotations WHERE id = ? RETURNING id", [int(annotation_id)]
    ).fetchall()
    if not gone:
        raise AnnotationError(f"there is no annotation {annotation_id}")
    logger.info("annotation %s deleted", annotation_id)


def acknowledge_alert(
    con: duckdb.DuckDBPyConnection,
    alert_id: int,
    acknowledged_by: str,
    note: str | None = None,
    now: datetime | None = None,
) -> Ack:
    """Record that someone has seen an alert and dealt with it.

    Args:
        con: a read-write connection.
        alert_id: the alert (`alerts.id`).
        acknowledged_by: who (the signed-in e-mail, or a name typed on the form).
        note: what was done, optional (at most `MAX_NOTE` characters).
        now: `acknowledged_at` (default: now, UTC).

    Returns:
        The acknowledgement stored.

    Raises:
        AnnotationError: no such alert, an alert already acknowledged, no name, a long note.
    """
    who = _who(acknowledged_by)
    text = _text(note, "the note", MAX_NOTE) or None
    when = utc_now(now)
    if not one_row(con, "SELECT count(*) FROM alerts WHERE id = ?", [int(alert_id)])[0]:
        raise AnnotationError(f"there is no alert {alert_id}; pick one from the Alerts page")
    done = con.execute(
        "SELECT acknowledged_by, acknowledged_at FROM alert_acks WHERE alert_id = ?",
        [int(alert_id)],
    ).fetchone()
    if done:
        raise AnnotationError(
            f"alert {alert_id} was already acknowledged by {done[0]} on {done[1]:%d %b %Y %H:%M}"
        )
    con.execute(
        "INSERT INTO alert_acks (alert_id, acknowledged_by, acknowledged_at, note) "
        "VALUES (?, ?, ?, ?)",
        [int(alert_id), who, when, text],
    )
    logger.info("alert %s acknowledged by %s", alert_id, who)
    return Ack(int(alert_id), who, when, text)


def acks(con: duckdb.DuckDBPyConnection, alert_ids: list[int] | None = None) -> dict[int, Ack]:
    """The acknowledgements of some alerts (all when `alert_ids` is None), by alert id."""
    rows = con.execute(
        "SELECT alert_id, acknowledged_by, acknowledged_at, note FROM alert_acks "
        "WHERE $ids::BIGINT[] IS NULL OR list_contains($ids::BIGINT[], alert_id)",
        {"ids": None if alert_ids is None else [int(i) for i in alert_ids]},
    ).fetchall()
    return {int(r[0]): Ack(*r) for r in rows}


# -- one write each, through the single writer ----------------------------------------------
def save_annotation(
    cfg: Config,
    day: date,
    label: str,
    added_by: str,
    topic: str | None = None,
    now: datetime | None = None,
    force_id: str | None = None,
) -> int:
    """`add_annotation` on a writer session of its own (the snapshot is published again).

    Raises:
        AnnotationError: bad input (checked before the warehouse is opened).
        WarehouseLockedError: the nightly job held the warehouse for longer than the timeout.
    """
    check_annotation(day, label, topic)
    _who(added_by)
    with writer(cfg, publish=has_snapshot(cfg.db_path)) as con:
        return add_annotation(con, day, label, added_by, topic, now, force_id)


def remove_annotation(cfg: Config, annotation_id: int) -> None:
    """`delete_annotation` on a writer session of its own (the snapshot is published again)."""
    with writer(cfg, publish=has_snapshot(cfg.db_path)) as con:
        delete_annotation(con, annotation_id)


def save_ack(
    cfg: Config,
    alert_id: int,
    acknowledged_by: str,
    note: str | None = None,
    now: datetime | None = None,
) -> Ack:
    """`acknowledge_alert` on a writer session of its own (the snapshot is published again)."""
    _who(acknowledged_by)
    with writer(cfg, publish=has_snapshot(cfg.db_path)) as con:
        return acknowledge_alert(con, alert_id, acknowledged_by, note, now)
