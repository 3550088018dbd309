"""Analysts' corrections (`feedback`): the views apply the newest one per passage and field."""

from __future__ import annotations

from datetime import datetime

import duckdb

from core.vocabulary import TOPICS, VOICES
from warehouse.scores import LABELS
from warehouse.writing import check_one_of, one_row, utc_now

FEEDBACK_FIELDS = ("stance", "topic_add", "topic_remove", "voice")


def add_feedback(
    con: duckdb.DuckDBPyConnection,
    passage_id: int,
    field: str,
    new_value: str | None,
    author: str,
    topic: str | None = None,
    old_value: str | None = None,
    now: datetime | None = None,
) -> int:
    """Record an analyst's correction; the views apply the newest one per passage and field.

    Args:
        con: a read-write connection.
        passage_id: the passage corrected.
        field: stance (needs topic; new_value a label), topic_add (needs topic; new_value the
            label, default neutral), topic_remove (needs topic), voice (new_value a voice).
        new_value: the corrected value.
        author: who made it.
        topic: the topic, for stance and topic changes.
        old_value: what the model said, for the record.
        now: `created_at` (default: now, UTC).

    Returns:
        The feedback id.

    Raises:
        ValueError: an unknown field, topic, label or voice, or a missing passage.
    """
    check_one_of(field, FEEDBACK_FIELDS, "feedback field")
    if field == "voice":
        check_one_of(new_value, VOICES, "voice")
        topic = None
    else:
        check_one_of(topic, TOPICS, "topic")
    if field == "stance":
        check_one_of(new_value, LABELS, "stance")
    elif field == "topic_add" and new_value is not None:
        check_one_of(new_value, LABELS, "stance of the added topic")
    elif field == "topic_remove":
        new_value = None
    if not author:
        raise ValueError("feedback needs an author")
    found = one_row(con, "SELECT count(*) FROM passages WHERE id = ?", [passage_id])[0]
    if not found:
        raise ValueError(f"no passage with id {passage_id}")
    return one_row(
        con,
        "INSERT INTO feedback (passage_id, field, topic, old_value, new_value, author, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [passage_id, field, topic, old_value, new_value, author, utc_now(now)],
    )[0]
