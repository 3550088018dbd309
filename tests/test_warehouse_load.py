"""The loading API: idempotent upserts by canonical URL, crawl state, scores and feedback."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from core.config import Config, Force
from core.errors import WarehouseLockedError
from demo.bench_data import model_result
from warehouse.articles import (
    ArticleRecord,
    PassageRecord,
    record_seen,
    seen_urls,
    store_article,
    store_articles,
)
from warehouse.connection import WarehouseMissingError, reader, writer
from warehouse.crawl_log import CrawlStats, record_crawl_error, record_crawl_stats
from warehouse.feedback import add_feedback
from warehouse.scores import pending_passages, register_model, store_scores

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
COUNTED = ("articles", "passages", "seen_urls", "scores", "scored_passages")


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A migrated, empty warehouse; each test copies it (migrating each time costs ~0.2 s)."""
    path = tmp_path_factory.mktemp("template") / "w.duckdb"
    with writer(Config(force=Force(name="Test Constabulary"), db_path=str(path))):
        pass
    return path


@pytest.fixture(autouse=True)
def _fresh_copy(template, tmp_path):
    shutil.copy(template, tmp_path / "w.duckdb")


def make_cfg(tmp_path, **warehouse) -> Config:
    return Config(
        force=Force(name="Test Constabulary"),
        db_path=str(tmp_path / "w.duckdb"),
        warehouse=warehouse,
    )


def article(n: int, **changes) -> tuple[ArticleRecord, list[PassageRecord]]:
    fields = dict(
        url=f"https://news.example/{n}",
        source="Example News",
        source_kind="local_news",
        title=f"Story {n}",
        author=None,
        published_at=T0 + timedelta(days=n),
        fetched_at=T0 + timedelta(days=n, hours=1),
        fingerprint=2**64 - 1 - n,
    )
    fields.update(changes)
    passages = [
        PassageRecord(0, 0, f"Police said {n}.", "force", "Chief Constable"),
        PassageRecord(1, 1, f"Residents complained {n}.", "public"),
    ]
    return ArticleRecord(**fields), passages


def counts(con) -> dict[str, int]:
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED}


def result(*topics, skipped=None):
    return model_result(*topics, skipped=skipped)


def test_same_batch_twice_with_a_repeated_key_changes_no_counts(tmp_path):
    cfg = make_cfg(tmp_path)
    batch = [article(1), article(2), article(1)]  # the same URL twice in one batch
    with writer(cfg) as con:
        ids = store_articles(con, batch)
        assert ids[0] == ids[2] != ids[1]
        first = counts(con)
        assert store_articles(con, batch) == ids
        assert counts(con) == first
    assert first == {
        "articles": 2,
        "passages": 4,
        "seen_urls": 2,
        "scores": 0,
        "scored_passages": 0,
    }
    with reader(cfg.db_path) as con:  # survives closing and reopening the file
        assert counts(con) == first
        row = con.execute(
            "SELECT title, fingerprint, published_at FROM articles WHERE url = ?",
            ["https://news.example/1"],
        ).fetchone()
        assert row == ("Story 1", 2**64 - 2, T0 + timedelta(days=1))
        assert con.execute(
            "SELECT outcome, article_id FROM seen_urls WHERE url = ?", ["https://news.example/2"]
        ).fetchone() == ("stored", ids[1])


def test_store_article_returns_existing_id_and_changes_nothing(tmp_path):
    with writer(make_cfg(tmp_path)) as con:
        first = store_article(con, *article(1))
        changed, passages = article(1, title="Another title")
        assert store_article(con, changed, passages[:1]) == first
        assert con.execute("SELECT title FROM articles").fetchall() == [("Story 1",)]
        assert counts(con)["passages"] == 2


def test_a_failure_inside_a_batch_stores_nothing_of_it(tmp_path):
    with writer(make_cfg(tmp_path)) as con:
        good = article(1)
        bad_article, _ = article(2)
        bad = (bad_article, [PassageRecord(0, None, "x", "media")])  # paragraph is NOT NULL
        with pytest.raises(duckdb.ConstraintException):
            store_articles(con, [good, bad])
        assert counts(con) == dict.fromkeys(COUNTED, 0)
        assert seen_urls(con) == set()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"source_kind": "blog"}, "source_kind"),
        ({"published_at": datetime(2025, 1, 1)}, "timezone-aware"),
        ({"fetched_at": datetime(2025, 1, 1)}, "timezone-aware"),
        ({"fingerprint": -1}, "unsigned 64-bit"),
        ({"url": ""}, "url is empty"),
    ],
)
def test_invalid_article_is_refused_before_anything_is_written(tmp_path, change, message):
    with writer(make_cfg(tmp_path)) as con:
        with pytest.raises(ValueError, match=message):
            store_articles(con, [article(1), article(2, **change)])
        assert counts(con)["articles"] == 0


@pytest.mark.parametrize(
    ("passages", "message"),
    [
        ([PassageRecord(0, 0, "a", "force"), PassageRecord(0, 0, "b", "force")], "repeat"),
        ([PassageRecord(0, 0, "a", "police")], "voice"),
    ],
)
def test_invalid_passages_are_refused(tmp_path, passages, message):
    with writer(make_cfg(tmp_path)) as con, pytest.raises(ValueError, match=message):
        store_article(con, article(1)[0], passages)


def test_record_seen_keeps_the_first_outcome(tmp_path):
    with writer(make_cfg(tmp_path)) as con:
        record_seen(con, "https://a.example/x", "A", "irrelevant")
        record_seen(con, "https://a.example/x", "A", "duplicate")
        record_seen(con, "https://b.example/y", "B", "empty")
        store_article(con, *article(1))
        with pytest.raises(ValueError, match="outcome"):
            record_seen(con, "https://a.example/z", "A", "stored")
        assert seen_urls(con, "A") == {"https://a.example/x"}
        assert seen_urls(con) == {
            "https://a.example/x",
            "https://b.example/y",
            "https://news.example/1",
        }
        assert con.execute(
            "SELECT outcome FROM seen_urls WHERE url = 'https://a.example/x'"
        ).fetchall() == [("irrelevant",)]


def test_scores_pending_and_rescoring(tmp_path):
    with writer(make_cfg(tmp_path)) as con:
        a1 = store_article(con, *article(1))
        dup_article, dup_passages = article(2, duplicate_of=a1)
        store_article(con, dup_article, dup_passages)
        pending = pending_passages(con, "v1")
        assert pending == [(1, "Police said 1."), (2, "Residents complained 1.")]
        assert pending_passages(con, "v1", limit=1) == pending[:1]
        with pytest.raises(ValueError, match="not registered"):
            store_scores(con, [(1, result(("general", "positive", 0.5)))], "v1")
        assert register_model(con, "v1", "test model", {"f1": 0.5}, now=T0) is True
        assert register_model(con, "v1", "renamed", now=T0) is False
        written = store_scores(
            con,
            [
                (1, result(("general", "negative", -0.2))),
                (1, result(("general", "positive", 0.5), ("road_safety", "neutral", 0.0))),
                (2, result(skipped="garbage")),
            ],
            "v1",
        )
        assert written == 2  # the repeated passage keeps its last result
        assert pending_passages(con, "v1") == []
        assert pending_passages(con, "v2") == pending
        # Re-scoring with the same version replaces the passage's rows entirely.
        assert store_scores(con, [(1, result(("general", "negative", -0.7)))], "v1") == 1
        assert con.execute("SELECT passage_id, topic, label, score FROM scores").fetchall() == [
            (1, "general", "negative", -0.7)
        ]
        assert con.execute(
            "SELECT passage_id, topics, skipped FROM scored_passages ORDER BY 1"
        ).fetchall() == [(1, 1, None), (2, 0, "garbage")]
        assert con.execute("SELECT name FROM models").fetchall() == [("test model",)]


@pytest.mark.parametrize(
    ("topics", "message"),
    [((("policing", "positive", 0.1),), "topic"), ((("general", "good", 0.1),), "label")],
)
def test_store_scores_refuses_unknown_topics_and_labels(tmp_path, topics, message):
    with writer(make_cfg(tmp_path)) as con:
        store_article(con, *article(1))
        register_model(con, "v1", "m")
        with pytest.raises(ValueError, match=message):
            store_scores(con, [(1, result(*topics))], "v1")
        assert counts(con)["scores"] == 0


def test_store_scores_keeps_each_versions_voice_and_speaker(tmp_path):
    with writer(make_cfg(tmp_path)) as con:
        store_article(con, *article(1))
        register_model(con, "v1", "m", now=T0)
        register_model(con, "v2", "m", now=T0 + timedelta(days=1))
        row = result(("general", "negative", -0.5))
        store_scores(con, [(2, row | {"voice": "public", "speaker": "Jane Smith"})], "v1")
        store_scores(con, [(2, row | {"voice": "pcc", "speaker": "Jane Smith"})], "v2")
        store_scores(con, [(1, row)], "v2")  # no voice: the views read the crawl-time one
        assert con.execute(
            "SELECT passage_id, model_version, voice, speaker FROM scored_passages ORDER BY 1, 2"
        ).fetchall() == [
            (1, "v2", None, None),
            (2, "v1", "public", "Jane Smith"),
            (2, "v2", "pcc", "Jane Smith"),
        ]
        assert con.execute("SELECT voice, speaker FROM passages ORDER BY id").fetchall() == [
            ("force", "Chief Constable"),
            ("public", None),
        ]  # what the crawl decided stays


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"voice": "journalist"}, "voice of passage 1 must be one of"),
        ({"speaker": "Jane Smith"}, "speaker of passage 1 is given without a voice"),
    ],
)
def test_store_scores_refuses_an_unknown_voice(tmp_path, extra, message):
    with writer(make_cfg(tmp_path)) as con:
        store_article(con, *article(1))
        register_model(con, "v1", "m")
        with pytest.raises(ValueError, match=message):
            store_scores(con, [(1, result(("general", "neutral", 0.0)) | extra)], "v1")
        assert counts(con)["scored_passages"] == 0


def test_crawl_stats_and_errors(tmp_path):
    with writer(make_cfg(tmp_path)) as con:
        record_crawl_stats(
            con,
            CrawlStats(
                "A",
                "local_news",
                T0,
                T0 + timedelta(minutes=3),
                "ok",
                run_id=7,
                pages_fetched=12,
                errors_by_reason={"http_404": 2},
            ),
        )
        record_crawl_stats(
            con,
            {
                "source": "B",
                "source_kind": "inspectorate",
                "started_at": T0,
                "finished_at": T0,
                "status": "failed",
                "message": "robots.txt 500",
                "something_else": 1,
            },
        )
        for bad, message in (
            ({"source": "C"}, "lack"),
            (
                {
                    "source": "C",
                    "source_kind": "local_news",
                    "started_at": T0,
                    "finished_at": T0,
                    "status": "great",
                },
                "status",
            ),
        ):
            with pytest.raises(ValueError, match=message):
                record_crawl_stats(con, bad)
        record_crawl_error(con, "A", "https://a.example/gone", "http_404", at=T0)
        rows = con.execute(
            "SELECT source, run_id, status, pages_fetched, errors_by_reason, message"
            " FROM crawl_stats ORDER BY source"
        ).fetchall()
        assert rows == [
            ("A", 7, "ok", 12, '{"http_404": 2}', None),
            ("B", None, "failed", 0, None, "robots.txt 500"),
        ]
        assert con.execute('SELECT source, url, reason, "at" FROM crawl_errors').fetchall() == [
            ("A", "https://a.example/gone", "http_404", T0)
        ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"field": "mood", "new_value": "x"}, "feedback field"),
        ({"field": "stance", "new_value": "positive"}, "topic"),
        ({"field": "stance", "new_value": "great", "topic": "general"}, "stance"),
        ({"field": "voice", "new_value": "police"}, "voice"),
        ({"field": "topic_add", "new_value": "meh", "topic": "general"}, "added topic"),
        ({"field": "voice", "new_value": "public", "passage_id": 99}, "no passage"),
        ({"field": "voice", "new_value": "public", "author": ""}, "author"),
    ],
)
def test_feedback_is_validated(tmp_path, kwargs, message):
    args = {"passage_id": 1, "author": "analyst@example.org", **kwargs}
    with writer(make_cfg(tmp_path)) as con:
        store_article(con, *article(1))
        with pytest.raises(ValueError, match=message):
            add_feedback(con, **args)
        assert add_feedback(con, 1, "voice", "pcc", "analyst@example.org") == 1


def test_writer_rolls_back_an_unfinished_transaction_and_creates_folders(tmp_path):
    cfg = make_cfg(tmp_path)
    cfg.db_path = str(tmp_path / "new" / "folder" / "w.duckdb")
    with writer(cfg) as con:
        con.execute("BEGIN TRANSACTION")
        record_seen(con, "https://a.example/x", "A", "empty")
    with reader(cfg.db_path) as con:
        assert seen_urls(con) == set()


def test_reader_of_a_missing_file_says_to_init(tmp_path):
    path = tmp_path / "missing.duckdb"
    with pytest.raises(WarehouseMissingError, match="pcm init"), reader(path):
        pass
    assert not path.exists()


def test_reader_and_writer_in_one_process_is_a_clear_error(tmp_path):
    cfg = make_cfg(tmp_path)
    with writer(cfg):
        pass
    with (
        reader(cfg.db_path),
        pytest.raises(WarehouseLockedError, match="in this process"),
        writer(cfg),
    ):
        pass


def test_times_in_other_zones_are_stored_as_the_same_instant(tmp_path):
    from zoneinfo import ZoneInfo

    london = datetime(2025, 6, 1, 12, 0, tzinfo=ZoneInfo("Europe/London"))
    with writer(make_cfg(tmp_path)) as con:
        store_article(con, *article(1, published_at=london, fetched_at=london))
        stored = con.execute("SELECT published_at, fetched_at FROM articles").fetchone()
    assert stored == (london, london)
    assert stored[0] == datetime(2025, 6, 1, 11, 0, tzinfo=UTC)
