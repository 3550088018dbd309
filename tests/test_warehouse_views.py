"""The analyst views on a hand-built fixture: duplicates, newest model, corrections applied."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from core.config import Config, Force
from demo.bench_data import model_result
from warehouse.articles import ArticleRecord, PassageRecord, store_article
from warehouse.connection import writer
from warehouse.feedback import add_feedback
from warehouse.scores import register_model, store_scores

T0 = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
ANALYST = "analyst@example.org"


def res(*topics):
    return model_result(*topics)


def art(url, kind="local_news", published=T0, fetched=T0, duplicate_of=None):
    return ArticleRecord(
        url,
        "Source " + kind,
        kind,
        "Title " + url[-1],
        None,
        published,
        fetched,
        duplicate_of=duplicate_of,
    )


@pytest.fixture
def con(tmp_path):
    """Article 1 (passages 1-3) and its syndicated copy, article 2 (passage 4)."""
    cfg = Config(force=Force(name="Test Constabulary"), db_path=str(tmp_path / "w.duckdb"))
    with writer(cfg) as con:
        a1 = store_article(
            con,
            art("https://a.example/1"),
            [
                PassageRecord(0, 0, "The force praised.", "force", "Chief Constable"),
                PassageRecord(1, 1, "Residents were let down.", "public"),
                PassageRecord(2, 1, "It rained.", "media"),
            ],
        )
        store_article(
            con,
            art("https://b.example/2", "national_news", duplicate_of=a1),
            [PassageRecord(0, 0, "Residents were let down.", "public")],
        )
        register_model(con, "v1", "old", now=T0 - timedelta(days=60))
        register_model(con, "v2", "new", now=T0 - timedelta(days=30))
        store_scores(
            con,
            [
                (1, res(("general", "positive", 0.6))),
                (2, res(("general", "negative", -0.4))),
                (3, res(("general", "neutral", 0.0))),
                (4, res(("general", "negative", -0.9))),
            ],
            "v1",
        )
        store_scores(
            con,
            [
                (1, res(("general", "positive", 0.8), ("road_safety", "negative", -0.5))),
                (2, res(("general", "negative", -0.6), ("officer_conduct", "negative", -0.7))),
                (3, res()),  # the new model finds no topic here
                (4, res(("general", "negative", -0.9))),
            ],
            "v2",
        )
        add_feedback(
            con, 2, "stance", "positive", ANALYST, topic="general", old_value="negative", now=T0
        )
        add_feedback(con, 1, "topic_remove", None, ANALYST, topic="road_safety", now=T0)
        add_feedback(con, 2, "voice", "pcc", ANALYST, old_value="public", now=T0)
        yield con


PASSAGE_COLUMNS = "passage_id, topic, label, score, voice, corrected, model_version, day"


def passage_rows(con):
    return con.execute(
        f"SELECT {PASSAGE_COLUMNS} FROM passage_scores ORDER BY passage_id, topic"
    ).fetchall()


def test_passage_scores_use_the_newest_model_skip_duplicates_and_apply_corrections(con):
    day = date(2025, 3, 1)
    assert passage_rows(con) == [
        (1, "general", "positive", 0.8, "force", False, "v2", day),
        (2, "general", "positive", 1.0, "pcc", True, "v2", day),  # stance and voice corrected
        (2, "officer_conduct", "negative", -0.7, "pcc", True, "v2", day),  # voice corrected
    ]  # road_safety removed; passage 3 has no topic under v2; passage 4 is a duplicate
    assert con.execute(
        "SELECT p_positive, p_neutral, p_negative FROM passage_scores "
        "WHERE passage_id = 2 AND topic = 'general'"
    ).fetchall() == [(1.0, 0.0, 0.0)]


def test_topic_daily(con):
    rows = con.execute("SELECT * FROM topic_daily ORDER BY topic, voice").fetchall()
    assert rows == [
        (date(2025, 3, 1), "general", "local_news", "force", 1, 1, 1, 0, 0, 0.8),
        (date(2025, 3, 1), "general", "local_news", "pcc", 1, 1, 1, 0, 0, 1.0),
        (date(2025, 3, 1), "officer_conduct", "local_news", "pcc", 1, 1, 0, 0, 1, -0.7),
    ]


def test_article_topics_and_current_model(con):
    rows = con.execute(
        "SELECT article_id, topic, passages, round(net_score, 6), stance "
        "FROM article_topics ORDER BY topic"
    ).fetchall()
    assert rows == [(1, "general", 2, 0.9, "positive"), (1, "officer_conduct", 1, -0.7, "negative")]
    register_model(con, "v3", "registered, never run", now=T0)
    assert con.execute("SELECT model_version FROM current_model").fetchall() == [("v2",)]


def test_newest_correction_wins_and_topics_can_be_added_back(con):
    add_feedback(con, 2, "stance", "negative", ANALYST, topic="general", now=T0 + timedelta(1))
    add_feedback(con, 1, "topic_add", None, ANALYST, topic="road_safety", now=T0 + timedelta(1))
    add_feedback(con, 3, "topic_add", "negative", ANALYST, topic="vulnerable_people", now=T0)
    add_feedback(con, 2, "voice", "public", ANALYST, now=T0 + timedelta(1))
    day = date(2025, 3, 1)
    assert passage_rows(con) == [
        (1, "general", "positive", 0.8, "force", False, "v2", day),
        (1, "road_safety", "negative", -0.5, "force", False, "v2", day),  # removal undone
        (2, "general", "negative", -1.0, "public", True, "v2", day),
        (2, "officer_conduct", "negative", -0.7, "public", True, "v2", day),
        (3, "vulnerable_people", "negative", -1.0, "media", True, None, day),  # analyst-added
    ]


def test_passages_not_yet_rescored_keep_the_older_model(con):
    a3 = store_article(con, art("https://c.example/3"), [PassageRecord(0, 0, "Late.", "public")])
    assert a3 == 3
    store_scores(con, [(5, res(("investigations", "negative", -0.3)))], "v1")
    assert con.execute(
        "SELECT passage_id, topic, model_version FROM passage_scores WHERE passage_id = 5"
    ).fetchall() == [(5, "investigations", "v1")]


def test_mixed_article_stance(con):
    store_scores(
        con, [(1, res(("general", "positive", 0.5))), (2, res(("general", "negative", -0.4)))], "v2"
    )
    con.execute("DELETE FROM feedback")
    assert con.execute("SELECT topic, stance FROM article_topics").fetchall() == [
        ("general", "mixed")
    ]


def test_day_is_london_time_and_falls_back_to_fetched_at(con):
    late = datetime(2025, 6, 30, 23, 30, tzinfo=UTC)  # 00:30 on 1 July in London (BST)
    store_article(
        con,
        art("https://d.example/4", published=late, fetched=late),
        [PassageRecord(0, 0, "x", "media")],
    )
    store_article(
        con,
        art("https://e.example/5", published=None, fetched=T0 + timedelta(9)),
        [PassageRecord(0, 0, "y", "media")],
    )
    store_scores(
        con, [(5, res(("general", "neutral", 0.0))), (6, res(("general", "neutral", 0.0)))], "v2"
    )
    assert con.execute(
        "SELECT passage_id, day FROM passage_scores WHERE passage_id >= 5 ORDER BY 1"
    ).fetchall() == [(5, date(2025, 7, 1)), (6, date(2025, 3, 10))]


def test_voice_and_speaker_come_from_the_newest_models_run(con):
    """The newest model's run attributed passage 1 again: its voice reaches every view; v1's
    rows keep theirs; an analyst's voice correction (passage 2) still wins."""
    scored = res(("general", "positive", 0.8))
    store_scores(con, [(1, scored | {"voice": "inspectorate", "speaker": "HMICFRS"})], "v2")
    store_scores(con, [(2, res(("general", "negative", -0.6)) | {"voice": "public"})], "v2")
    assert con.execute(
        "SELECT passage_id, voice, speaker, model_version FROM passage_scores ORDER BY 1"
    ).fetchall() == [(1, "inspectorate", "HMICFRS", "v2"), (2, "pcc", None, "v2")]
    assert con.execute(
        "SELECT voice, passages FROM topic_daily WHERE topic = 'general' ORDER BY voice"
    ).fetchall() == [("inspectorate", 1), ("pcc", 1)]
    assert con.execute(
        "SELECT passages FROM article_topic_voices WHERE voices = 'external' AND topic = 'general'"
    ).fetchall() == [(2,)]  # passage 1 is no longer the force's own voice
    assert con.execute(
        "SELECT model_version, voice FROM scored_passages WHERE passage_id = 1 ORDER BY 1"
    ).fetchall() == [("v1", None), ("v2", "inspectorate")]
    assert con.execute("SELECT voice, speaker FROM passages WHERE id = 1").fetchone() == (
        "force",
        "Chief Constable",
    )
