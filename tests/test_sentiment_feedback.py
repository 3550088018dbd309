"""Analysts' corrections in a real warehouse become training passages for `pcm train`."""

from __future__ import annotations

from datetime import UTC, datetime

from pcm.feedback import read_corrections
from warehouse.articles import ArticleRecord, PassageRecord, store_article
from warehouse.connection import writer
from warehouse.feedback import add_feedback
from warehouse.retention import purge_text
from warehouse.scores import register_model, store_scores


def test_corrections_carry_the_corrected_labels_and_skip_uncorrected(tmp_config, scored):
    now = datetime(2026, 11, 20, 9, tzinfo=UTC)
    with writer(tmp_config) as con:
        register_model(con, "v1", "test")
        article = ArticleRecord(
            "https://a.example/1", "Echo", "local_news", "Story", None, now, now
        )
        store_article(
            con,
            article,
            [
                PassageRecord(0, 0, "Officers never called me back about the burglary.", "media"),
                PassageRecord(1, 1, "Patrols in the town centre have been stepped up.", "force"),
                PassageRecord(2, 2, "The new cameras cost the force £40,000.", "media"),
            ],
        )
        store_scores(
            con,
            [
                (1, scored("emergency_response", "neutral", 0.0)),
                (2, scored("crime_prevention", "positive", 0.6)),
                (3, scored("value_for_money", "neutral", 0.1)),
            ],
            "v1",
        )
        # Passage 1: wrong topic, wrong stance, wrong voice. Passage 3: stance only.
        add_feedback(con, 1, "topic_remove", None, "ana", topic="emergency_response")
        add_feedback(con, 1, "topic_add", "negative", "ana", topic="victim_updates")
        add_feedback(con, 1, "voice", "public", "ana", old_value="media")
        add_feedback(con, 3, "stance", "negative", "ana", topic="value_for_money")

    got = {p.id: p for p in read_corrections(tmp_config.db_path)}
    assert set(got) == {"warehouse-1", "warehouse-3"}  # passage 2 was not corrected
    assert got["warehouse-1"].topics == {"victim_updates": "negative"}
    assert got["warehouse-1"].voice == "public"
    assert got["warehouse-1"].text.startswith("Officers never called me back")
    assert got["warehouse-3"].topics == {"value_for_money": "negative"}
    assert got["warehouse-3"].voice == "media"
    assert all(p.tags == ("correction",) for p in got.values())

    # Once retention purges the text, a correction has nothing left to learn from.
    with writer(tmp_config) as con:
        purge_text(con, now=datetime(2028, 1, 1, tzinfo=UTC), days=30)
    assert read_corrections(tmp_config.db_path) == []
