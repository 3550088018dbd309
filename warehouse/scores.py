"""Model results: `models`, and per model version the `scores` and `scored_passages` rows.

A `scored_passages` row is what one model version's run decided about a passage besides its
scores: whether it was skipped, which force it is about (`target`) and who speaks in it
(`voice`, `speaker`, re-derived with the attribution rules of that run). Re-scoring under the
same version replaces that version's rows; other versions' rows are kept.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import duckdb

from core.vocabulary import TARGETS, TOPICS, VOICES
from warehouse.writing import check_one_of, insert_rows, one_row, transaction, utc_now

LABELS = ("positive", "neutral", "negative")

_SCORE_COLUMNS = (
    "passage_id", "topic", "label", "score", "p_positive", "p_neutral", "p_negative",
    "topic_prob", "model_version", "scored_at", "uncertain",
)  # fmt: skip
_SCORED_PASSAGE_COLUMNS = (
    "passage_id", "model_version", "topics", "skipped", "truncated", "scored_at", "target",
    "voice", "speaker",
)  # fmt: skip

_FORCE_COLUMNS = ("passage_id", "model_version", "force_id", "target", "voice", "speaker")


def register_model(
    con: duckdb.DuckDBPyConnection,
    model_version: str,
    name: str,
    info: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> bool:
    """Record a model version before it scores (idempotent: an existing row is kept).

    Args:
        con: a read-write connection.
        model_version: the version hash written on every score.
        name: a human name for the model.
        info: anything worth keeping (training data, metrics); stored as JSON.
        now: `created_at` for a new row (default: now, UTC). The newest model is the one the
            views report where it has scored a passage.

    Returns:
        True when the version was new.
    """
    row = con.execute(
        "INSERT INTO models (model_version, name, created_at, info) VALUES (?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING RETURNING model_version",
        [
            model_version,
            name,
            utc_now(now),
            json.dumps(dict(info or {}), sort_keys=True, default=str),
        ],
    ).fetchall()
    return bool(row)


def _get(obj: Any, name: str, default: Any = None) -> Any:
    """A field of a result read by name, from a mapping or from an object's attribute."""
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _score_rows(passage_id: int, result: Any, model_version: str, when: datetime) -> list[tuple]:
    """The `scores` rows of one passage's result, one per topic (a repeated topic: the last)."""
    topics = {}
    for item in _get(result, "topics") or []:
        topic, label = _get(item, "topic"), _get(item, "label")
        check_one_of(topic, TOPICS, f"topic of passage {passage_id}")
        check_one_of(label, LABELS, f"label of passage {passage_id}")
        topics[topic] = (
            passage_id,
            topic,
            label,
            float(_get(item, "score")),
            float(_get(item, "p_positive")),
            float(_get(item, "p_neutral")),
            float(_get(item, "p_negative")),
            _get(item, "topic_prob"),
            model_version,
            when,
            bool(_get(item, "uncertain", False)),
        )
    return list(topics.values())


def _passage_row(
    passage_id: int, result: Any, model_version: str, topics: int, when: datetime
) -> tuple:
    """The `scored_passages` row of one passage's result (target, voice, speaker checked)."""
    target = _get(result, "target")
    if target is not None:
        check_one_of(target, TARGETS, f"target of passage {passage_id}")
    voice, speaker = _get(result, "voice"), _get(result, "speaker")
    if voice is not None:
        check_one_of(voice, VOICES, f"voice of passage {passage_id}")
    elif speaker is not None:
        raise ValueError(f"speaker of passage {passage_id} is given without a voice")
    return (
        passage_id,
        model_version,
        topics,
        _get(result, "skipped"),
        bool(_get(result, "truncated", False)),
        when,
        target,
        voice,
        speaker,
    )


def _force_rows(passage_id: int, result: Any, model_version: str) -> list[tuple]:
    """The `passage_forces` rows of one passage's result (its `forces` readings, checked)."""
    rows = []
    for reading in _get(result, "forces") or ():
        if isinstance(reading, Mapping):  # as the Ray engine's Parquet files give it back
            reading = tuple(reading[k] for k in ("force_id", "target", "voice", "speaker"))
        force_id, target, voice, speaker = reading
        check_one_of(target, TARGETS, f"target of passage {passage_id} for force {force_id}")
        if voice is not None:
            check_one_of(voice, VOICES, f"voice of passage {passage_id} for force {force_id}")
        rows.append((passage_id, model_version, str(force_id), target, voice, speaker))
    return rows


def _require_model(con: duckdb.DuckDBPyConnection, model_version: str) -> None:
    known = one_row(con, "SELECT count(*) FROM models WHERE model_version = ?", [model_version])[0]
    if not known:
        raise ValueError(
            f"model version {model_version} is not registered; call register_model first"
        )


def store_scores(
    con: duckdb.DuckDBPyConnection,
    rows: Iterable[tuple[int, Any]],
    model_version: str,
    now: datetime | None = None,
) -> int:
    """Write a batch of model results in one transaction (re-scoring replaces old rows).

    Every passage gets a `scored_passages` row (so `pending_passages` skips it next time) and
    one `scores` row per topic found. A passage that appears twice in the batch keeps its last
    result.

    Args:
        con: a read-write connection with no open transaction.
        rows: (passage_id, result) pairs; result is a `sentiment` PassageResult or a mapping
            with the same names: skipped (reason or None), truncated (bool), topics (items with
            topic, label, score, p_positive, p_neutral, p_negative, topic_prob, and optionally
            uncertain), and optionally target (force | other_force | national | none), voice
            (one of core.vocabulary.VOICES) and speaker: who speaks as this run's attribution
            rules read it. Without a voice, the views use the passage's crawl-time voice and
            speaker. Optionally `forces`: (force id, target, voice, speaker) for each force
            the passage's article concerns (`passage_forces`; pcm/force_attribution.py).
        model_version: the version that produced them; must be registered with `register_model`.
        now: `scored_at` (default: now, UTC).

    Returns:
        The number of `scores` rows written.

    Raises:
        ValueError: unknown model version, topic, label, target or voice, or a speaker without
            a voice; nothing is written.
    """
    results: dict[int, Any] = {}
    for passage_id, result in rows:
        results[int(passage_id)] = result  # the last result for a passage wins
    when = utc_now(now)
    score_rows: list[tuple] = []
    passage_rows: list[tuple] = []
    force_rows: list[tuple] = []
    for passage_id, result in results.items():
        found = _score_rows(passage_id, result, model_version, when)
        score_rows.extend(found)
        passage_rows.append(_passage_row(passage_id, result, model_version, len(found), when))
        force_rows.extend(_force_rows(passage_id, result, model_version))
    if not results:
        return 0
    _require_model(con, model_version)
    ids = list(results)
    with transaction(con):
        for table in ("scores", "scored_passages", "passage_forces"):
            con.execute(
                f"DELETE FROM {table} WHERE model_version = ? "
                "AND passage_id IN (SELECT unnest(?::BIGINT[]))",
                [model_version, ids],
            )
        insert_rows(con, "scores", _SCORE_COLUMNS, score_rows)
        insert_rows(con, "scored_passages", _SCORED_PASSAGE_COLUMNS, passage_rows)
        insert_rows(con, "passage_forces", _FORCE_COLUMNS, force_rows)
    return len(score_rows)


def pending_passages(
    con: duckdb.DuckDBPyConnection, model_version: str, limit: int | None = None
) -> list[tuple[int, str]]:
    """Passages with text that this model version has not looked at yet.

    Passages of duplicate articles are left out (the views never count them), and so are
    passages whose text retention has purged.

    Args:
        con: any connection.
        model_version: the scoring model's version.
        limit: at most this many (default: all), lowest id first.

    Returns:
        (passage_id, text) pairs.
    """
    sql = (
        "SELECT p.id, p.text FROM passages AS p JOIN articles AS a ON a.id = p.article_id "
        "WHERE p.text IS NOT NULL AND a.duplicate_of IS NULL AND NOT EXISTS ("
        "SELECT 1 FROM scored_passages AS s "
        "WHERE s.passage_id = p.id AND s.model_version = ?) ORDER BY p.id"
    )
    params: list[Any] = [model_version]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return [(row[0], row[1]) for row in con.execute(sql, params).fetchall()]
