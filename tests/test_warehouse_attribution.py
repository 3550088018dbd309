"""Voice and speaker are versioned like scores: each scoring run attributes the article again.

Issue 15, item 3: voice and speaker were decided at crawl time and never redone. A passage is
stored with the voice the crawl gave it; the config then gains a person with a role; `pcm score
--rescore` attributes the stored passages again, and the views show the new voice while the
older model version's rows keep the old one. Articles whose text retention purged keep theirs.
"""

from __future__ import annotations

import json
import logging
import shutil
from datetime import UTC, datetime, timedelta

import pytest

from core.config import Config, Force, Model, Person
from passages.segment import segment_article
from pcm.cli import main
from pcm.scoring import article_voices, attribute_article, score_pending
from warehouse.articles import ArticleRecord, PassageRecord, store_article
from warehouse.connection import reader, writer
from warehouse.retention import purge_text

FORCE = "Norfolk Constabulary"
JANE = Person(name="Jane Smith", role="pcc")
TEXT = (
    "Officers took three days to respond to the burglary, residents said.\n\n"
    'Jane Smith said: "Victims of crime deserve far better than this from the police."\n\n'
    "The force said it would review how the call was handled."
)
NOW = datetime.now(UTC)


def crawl(con, url: str, published: datetime, people=(), text: str = TEXT) -> int:
    """Store an article as the crawl does: passages attributed with the config of the day."""
    segments = segment_article(text, people, [FORCE], source_kind="local_news")
    record = ArticleRecord(url, "Test", "local_news", "Story", None, published, published)
    passages = [
        PassageRecord(s.position, s.paragraph, s.text, s.voice, s.speaker) for s in segments
    ]
    return store_article(con, record, passages)


def jane_rows(db_path: str, table: str = "passage_scores") -> list[tuple]:
    """(article, voice, speaker) of the passage that quotes Jane Smith, once per row."""
    with reader(db_path) as con:
        return con.execute(
            f"SELECT DISTINCT article_id, voice, speaker FROM {table} "
            "WHERE position = 1 ORDER BY article_id"
        ).fetchall()


def stored(passages: list[PassageRecord]) -> list[tuple]:
    return [(i, p.paragraph, p.text, p.voice, p.speaker) for i, p in enumerate(passages)]


# --- the rules, without the model ---------------------------------------------------------


def test_attributing_stored_passages_again_gives_what_the_crawl_gave():
    segments = segment_article(TEXT, [JANE], [FORCE], source_kind="local_news")
    passages = [PassageRecord(s.position, s.paragraph, s.text, "media") for s in segments]
    voices, kept = attribute_article(stored(passages), [JANE], [FORCE], "local_news")
    assert kept is None
    assert voices == {s.position: (s.voice, s.speaker) for s in segments}
    assert voices[1] == ("pcc", "Jane Smith")


def test_passages_the_rules_now_split_otherwise_keep_their_crawl_time_voice():
    passages = [
        PassageRecord(  # two sentences that older rules kept together, today's split
            0,
            0,
            "Officers were praised at the meeting. Jane Smith said the wait was too long.",
            "media",
        ),
        PassageRecord(1, 1, 'Jane Smith said: "Victims deserve better."', "public", "Jane Smith"),
    ]
    voices, kept = attribute_article(stored(passages), [JANE], [FORCE], "local_news")
    assert kept == "1 passage(s) no longer come out of its text as stored"
    assert voices == {0: ("media", None), 1: ("pcc", "Jane Smith")}


def test_an_article_whose_text_is_gone_keeps_its_crawl_time_voices(tmp_path, caplog):
    cfg = Config(force=Force(name=FORCE), db_path=str(tmp_path / "w.duckdb"))
    with writer(cfg) as con:
        article = crawl(con, "https://news.example/1", NOW)
        con.execute("UPDATE passages SET text = NULL WHERE position = 2")  # part-purged
        caplog.set_level(logging.INFO, logger="pcm.scoring")
        voices = article_voices(con, [article], [JANE], [FORCE])
    assert voices[2] == ("public", "Jane Smith")  # not pcc: the article cannot be re-read
    assert "retention purge" in caplog.text
    assert "crawl-time voice and speaker are kept" in (caplog.text)


# --- `pcm score --rescore` on a real warehouse with the shipped model -----------------------


@pytest.fixture
def newer_model(tmp_path):
    """A copy of the shipped model with another threshold: another model version."""
    other = tmp_path / "newer_model"
    from sentiment.confidence_model import MODEL_DIR  # torch: only the slow tests use this

    shutil.copytree(MODEL_DIR, other)
    meta = json.loads((other / "model.json").read_text())
    meta["topic_threshold"] = 0.4
    (other / "model.json").write_text(json.dumps(meta))
    return other


@pytest.mark.slow
def test_rescore_brings_a_newly_configured_person_to_old_articles(tmp_path, newer_model, caplog):
    db = str(tmp_path / "w.duckdb")
    before = Config(force=Force(name=FORCE), db_path=db)
    with writer(before) as con:
        recent = crawl(con, "https://news.example/recent", NOW - timedelta(days=2))
        old = crawl(con, "https://news.example/old", NOW - timedelta(days=400))
    from sentiment.confidence_model import load_model

    v1 = load_model(before.model).version
    assert score_pending(before, progress=False) == 6
    assert jane_rows(db) == [(recent, "public", "Jane Smith"), (old, "public", "Jane Smith")]
    with writer(before) as con:
        assert purge_text(con, NOW, days=365) == 3  # the old article's text is gone

    # The config gains Jane Smith as the police and crime commissioner, and a newer model.
    config = tmp_path / "pcm.yaml"
    config.write_text(
        f"force:\n  name: {FORCE}\n  people:\n    - {{name: Jane Smith, role: pcc}}\n"
        f"model:\n  path: {newer_model}\n"
    )
    caplog.set_level(logging.INFO, logger="pcm.scoring")
    assert main(["score", "--rescore", "--config", str(config), "--db", db, "--no-progress"]) == 0
    assert "3 passage(s) of 1 article(s) have no text since the retention purge" in caplog.text

    v2 = load_model(Model(path=str(newer_model))).version
    assert jane_rows(db) == [(recent, "pcc", "Jane Smith"), (old, "public", "Jane Smith")]
    with reader(db) as con:
        versions = con.execute(
            "SELECT s.model_version, s.voice, s.speaker FROM scored_passages AS s "
            "JOIN passages AS p ON p.id = s.passage_id "
            "WHERE p.article_id = ? AND p.position = 1 ORDER BY s.model_version = ?",
            [recent, v2],
        ).fetchall()
        crawl_time = con.execute(
            "SELECT voice, speaker FROM passages WHERE article_id = ? AND position = 1", [recent]
        ).fetchone()
        daily = con.execute(
            "SELECT DISTINCT voice FROM topic_daily WHERE voice IN ('pcc', 'public') ORDER BY 1"
        ).fetchall()
    assert versions == [(v1, "public", "Jane Smith"), (v2, "pcc", "Jane Smith")]
    assert crawl_time == ("public", "Jane Smith")  # what the crawl decided is kept as it was
    assert ("pcc",) in daily


@pytest.mark.slow
def test_rescore_under_the_same_model_version_replaces_its_voices(tmp_path):
    db = str(tmp_path / "w.duckdb")
    before = Config(force=Force(name=FORCE), db_path=db)
    with writer(before) as con:
        article = crawl(con, "https://news.example/1", NOW)
    assert score_pending(before, progress=False) == 3
    after = Config(force=Force(name=FORCE, people=[JANE]), db_path=db)
    assert score_pending(after, progress=False) == 0  # nothing new to score: voices unchanged
    assert jane_rows(db) == [(article, "public", "Jane Smith")]
    assert score_pending(after, rescore=True, progress=False) == 3
    assert jane_rows(db) == [(article, "pcc", "Jane Smith")]
    with reader(db) as con:
        assert con.execute("SELECT count(*) FROM scored_passages").fetchone() == (3,)


def test_passage_voices_prefers_a_correction_then_the_newest_run(tmp_path):
    """The Stories and Review pages and the training data read one definition of a
    passage's voice: an analyst's correction, else the newest run's, else the crawl's."""
    import duckdb

    from warehouse.migrate import migrate

    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    migrate(con)
    con.execute(
        "INSERT INTO articles (id, url, source, source_kind, title, fetched_at) "
        "VALUES (1, 'https://x.example/1', 's', 'local_news', 't', now())"
    )
    for pid in (1, 2, 3):
        con.execute(
            "INSERT INTO passages (id, article_id, position, paragraph, text, voice, speaker) "
            "VALUES (?, 1, ?, 0, 'text', 'public', 'Jane Smith')",
            [pid, pid],
        )
    con.execute(
        "INSERT INTO models (model_version, name, created_at) VALUES "
        "('v1', 'm', TIMESTAMP '2025-01-01'), ('v2', 'm', TIMESTAMP '2025-02-01')"
    )
    con.execute(
        "INSERT INTO scored_passages "
        "(passage_id, model_version, topics, scored_at, voice, speaker) "
        "VALUES (1, 'v1', 0, now(), 'media', NULL), (1, 'v2', 0, now(), 'pcc', 'Jane Smith'), "
        "(2, 'v1', 0, now(), 'force', 'PC Lee')"
    )
    con.execute(
        "INSERT INTO feedback (id, passage_id, field, new_value, author, created_at) VALUES "
        "(1, 2, 'voice', 'inspectorate', 'analyst', now())"
    )
    rows = con.execute(
        "SELECT passage_id, rule_voice, voice, speaker FROM passage_voices ORDER BY 1"
    ).fetchall()
    assert rows == [
        (1, "pcc", "pcc", "Jane Smith"),  # the newest run
        (2, "force", "inspectorate", "PC Lee"),  # corrected; the rules said force
        (3, "public", "public", "Jane Smith"),  # never re-attributed: the crawl's
    ]
