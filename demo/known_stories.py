"""Hand-made road-safety stories with exact scores, added to the synthetic warehouse for tests.

Also the synthetic model version and the noon timestamp that `demo.synthetic` shares with them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import duckdb

MODEL_VERSION = "synthetic-v1"

# (voice, speaker or None, text, score) of one passage
StoryPassage = tuple[str, str | None, str, float]
# (title, source, source kind, publication day, passages) of one story
Story = tuple[str, str, str, date, list[StoryPassage]]


@dataclass(frozen=True)
class KnownStories:
    """Ids of the hand-made stories that tests assert on (see `add_known_stories`)."""

    praised: int  # "Speed cameras praised after crash figures fall"
    criticised: int  # "Families criticise slow response to A11 collision"
    earlier: int  # a positive road-safety story 10 days before the end day
    criticised_first_passage: int  # the relative's negative passage in `criticised`


def noon_utc(day: date) -> datetime:
    """Noon UTC on `day`, as a timezone-aware timestamp."""
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


def add_known_stories(con: duckdb.DuckDBPyConnection, end_day: date) -> KnownStories:
    """Add three hand-made road-safety stories with exact scores, for tests to assert on.

    On `end_day`: "Speed cameras praised after crash figures fall" (Eastern Daily Press;
    passages: media 0.0, public +0.8, force +0.9) and "Families criticise slow response to A11
    collision" (The Guardian; public -0.7, inspectorate -0.5), with a negative_volume alert.
    Ten days earlier: "Road safety week draws crowds" (public +0.6). So road_safety's net score
    this week is -0.10 from external voices and +0.10 with the force's own, against +0.60 over
    the previous four weeks. Call after `generate(..., topics=<without road_safety>)` or on an
    empty migrated warehouse that has the model row.

    Args:
        con: a read-write connection to a migrated warehouse.
        end_day: the day the two new stories are published (Europe/London date).

    Returns:
        The new ids.
    """
    _ensure_model_row(con, end_day)
    ids, first_passages = [], []
    for story in _stories(end_day):
        article_id, first_passage = _insert_story(con, *story)
        ids.append(article_id)
        first_passages.append(first_passage)
    _insert_alert(con, end_day, ids[1])
    return KnownStories(
        praised=ids[0],
        criticised=ids[1],
        earlier=ids[2],
        criticised_first_passage=first_passages[1],
    )


def _ensure_model_row(con: duckdb.DuckDBPyConnection, end_day: date) -> None:
    """Add the synthetic model's row unless the warehouse already has it."""
    if not con.execute(
        "SELECT count(*) FROM models WHERE model_version = ?", [MODEL_VERSION]
    ).fetchone()[0]:
        con.execute(
            "INSERT INTO models VALUES (?, 'synthetic', ?, NULL)",
            [MODEL_VERSION, noon_utc(end_day) - timedelta(days=500)],
        )


def _stories(end_day: date) -> tuple[Story, ...]:
    """The three stories, in the order their ids are handed out."""
    return (
        (
            "Speed cameras praised after crash figures fall",
            "Eastern Daily Press",
            "local_news",
            end_day,
            [
                ("media", None, "Crash figures on the A47 fell by a third this year.", 0.0),
                (
                    "public",
                    "Jane Doe",
                    "Residents said the new patrols made the road feel safer.",
                    0.8,
                ),
                (
                    "force",
                    "Paul Sanford",
                    "Chief Constable Paul Sanford said officers were proud of the work.",
                    0.9,
                ),
            ],
        ),
        (
            "Families criticise slow response to A11 collision",
            "The Guardian",
            "national_news",
            end_day,
            [
                (
                    "public",
                    "Ann Smith",
                    "A relative said police took forty minutes to arrive.",
                    -0.7,
                ),
                (
                    "inspectorate",
                    "HMICFRS",
                    "The inspectorate said call handling must improve.",
                    -0.5,
                ),
            ],
        ),
        (
            "Road safety week draws crowds",
            "Eastern Daily Press",
            "local_news",
            end_day - timedelta(days=10),
            [("public", "Tom Brown", "Visitors said the safety week was a real help.", 0.6)],
        ),
    )


def _insert_story(
    con: duckdb.DuckDBPyConnection,
    title: str,
    source: str,
    kind: str,
    day: date,
    passages: list[StoryPassage],
) -> tuple[int, int]:
    """Insert one story's article and its scored passages; return (article id, first passage id)."""
    published = datetime.combine(day, time(9, 0), tzinfo=UTC)
    slug = title.lower().replace(" ", "-")
    article_id = con.execute(
        "INSERT INTO articles (url, source, source_kind, title, published_at, fetched_at, "
        "language) VALUES (?, ?, ?, ?, ?, ?, 'en') RETURNING id",
        [
            f"https://known.example/{slug}",
            source,
            kind,
            title,
            published,
            published + timedelta(hours=1),
        ],
    ).fetchone()[0]
    first_passage = None
    for position, (voice, speaker, text, score) in enumerate(passages):
        passage_id = con.execute(
            "INSERT INTO passages (article_id, position, paragraph, text, voice, speaker) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            [article_id, position, position, text, voice, speaker],
        ).fetchone()[0]
        if position == 0:
            first_passage = passage_id
        _insert_score(con, passage_id, score, published)
    return article_id, first_passage


def _insert_score(
    con: duckdb.DuckDBPyConnection, passage_id: int, score: float, published: datetime
) -> None:
    """The passage's road_safety score (probabilities from the score) and its scored row."""
    label = "positive" if score > 0.2 else "negative" if score < -0.2 else "neutral"
    rest = (1 - abs(score)) / 3
    con.execute(
        "INSERT INTO scores VALUES (?, 'road_safety', ?, ?, ?, ?, ?, 0.9, ?, ?, FALSE)",
        [
            passage_id,
            label,
            score,
            max(score, 0) + rest,
            rest,
            max(-score, 0) + rest,
            MODEL_VERSION,
            published,
        ],
    )
    con.execute(
        "INSERT INTO scored_passages (passage_id, model_version, topics, scored_at) "
        "VALUES (?, ?, 1, ?)",
        [passage_id, MODEL_VERSION, published],
    )


def _insert_alert(con: duckdb.DuckDBPyConnection, end_day: date, criticised: int) -> None:
    """The negative_volume alert on road safety that names the criticised story."""
    con.execute(
        "INSERT INTO alerts (day, topic, kind, value, baseline, threshold, explanation, "
        "article_ids, created_at) VALUES (?, 'road_safety', 'negative_volume', 2, 0.1, 1.5, ?, "
        "?, ?)",
        [
            end_day,
            "Negative passages on road safety rose to 2 against a 28-day average of 0.1, "
            "driven by 'Families criticise slow response to A11 collision' (The Guardian), "
            "voices: public, inspectorate.",
            json.dumps([criticised]),
            noon_utc(end_day),
        ],
    )
