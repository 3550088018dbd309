"""Analysts' corrections: what changed on the Review form, stored as `feedback` rows."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from core.config import Config
from core.errors import PcmError
from core.vocabulary import STANCES, TOPICS, VOICES
from pcm.alerts import force_names
from warehouse import alert_store, materialized
from warehouse.connection import has_snapshot, writer

logger = logging.getLogger(__name__)


class CorrectionError(PcmError):
    """A correction is incomplete or names an unknown topic, stance or voice."""


@dataclass(frozen=True)
class Change:
    """One feedback row: field is stance (with topic), topic_add, topic_remove or voice."""

    field: str
    topic: str | None
    old_value: str | None
    new_value: str | None


def diff(
    current_topics: dict[str, str],
    current_voice: str,
    stances: dict[str, str],
    removed: set[str],
    added: dict[str, str],
    voice: str,
) -> list[Change]:
    """The feedback rows that turn the passage as shown into the passage as corrected.

    Args:
        current_topics: {topic: label} as the views show it now.
        current_voice: the voice as the views show it now.
        stances: {topic: label} chosen on the form for the current topics.
        removed: current topics to remove.
        added: {topic: label} for topics to add.
        voice: the voice chosen on the form.

    Returns:
        The changes, in a stable order (voice, removals, stances, additions); empty when the form
        changes nothing.

    Raises:
        CorrectionError: an unknown topic, stance or voice.
    """
    if voice not in VOICES:
        raise CorrectionError(f"unknown voice {voice!r}; choose one of {', '.join(VOICES)}")
    for topic, label in [*stances.items(), *added.items()]:
        if topic not in TOPICS:
            raise CorrectionError(f"unknown topic {topic!r}; choose one of {', '.join(TOPICS)}")
        if label not in STANCES:
            raise CorrectionError(f"unknown stance {label!r}; choose one of {', '.join(STANCES)}")
    changes: list[Change] = []
    if voice != current_voice:
        changes.append(Change("voice", None, current_voice, voice))
    for topic in sorted(removed & set(current_topics)):
        changes.append(Change("topic_remove", topic, current_topics[topic], None))
    for topic in sorted(set(stances) & set(current_topics) - removed):
        if stances[topic] != current_topics[topic]:
            changes.append(Change("stance", topic, current_topics[topic], stances[topic]))
    for topic in sorted(set(added) - set(current_topics)):
        changes.append(Change("topic_add", topic, None, added[topic]))
    return changes


def save(
    cfg: Config, passage_id: int, changes: list[Change], author: str, now: datetime | None = None
) -> int:
    """Insert the changes into `feedback` in one transaction, through the single writer.

    Then, on the same writer session, the corrected passage's rows of the dashboard's
    materialized table are rebuilt from the view (the whole table when it was not current), so
    the next page reads the correction from the table. Should that fail, the correction stays
    saved and the dashboard reads the view until the table is rebuilt. The stored alerts of the
    days the passage counts in are evaluated against the rule again (warehouse/alert_store.py):
    current counts, or "withdrawn after corrections".

    Args:
        cfg: the config (its db_path and lock timeout are used).
        passage_id: the corrected passage.
        changes: from `diff`.
        author: who corrected it (the signed-in email, or a name they typed).
        now: the time recorded (default: now, UTC).

    Returns:
        How many rows were written.

    Raises:
        CorrectionError: no author, or no such passage.
        WarehouseLockedError: the nightly job held the warehouse for longer than the timeout.
    """
    author = (author or "").strip()
    if not author:
        raise CorrectionError("say who is correcting: sign in or type your name")
    if not changes:
        return 0
    when = now or datetime.now(UTC)
    # With a published snapshot (what the dashboard reads), publish again so the page shows it.
    with writer(cfg, publish=has_snapshot(cfg.db_path)) as con:
        if not con.execute("SELECT count(*) FROM passages WHERE id = ?", [passage_id]).fetchone()[
            0
        ]:
            raise CorrectionError(f"there is no passage {passage_id}; pick one from the list")
        before = materialized.source_version(con)
        con.execute("BEGIN TRANSACTION")
        for change in changes:
            con.execute(
                "INSERT INTO feedback (passage_id, field, topic, old_value, new_value, author, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    passage_id,
                    change.field,
                    change.topic,
                    change.old_value,
                    change.new_value,
                    author,
                    when,
                ],
            )
        con.execute("COMMIT")
        try:
            materialized.refresh_passage(con, passage_id, before)
        except duckdb.Error as exc:  # the views still show the correction; the table is stale
            logger.warning("could not refresh %s: %s", materialized.TABLE, exc)
        try:  # stored alerts of the days this passage counts in follow the rule again
            alert_store.revise_after_correction(con, cfg.alerts, passage_id, when, force_names(cfg))
        except duckdb.Error as exc:  # the correction stays; the nightly run revises them
            logger.warning("could not re-evaluate the alerts after a correction: %s", exc)
    logger.info("stored %d corrections of passage %d by %s", len(changes), passage_id, author)
    return len(changes)
