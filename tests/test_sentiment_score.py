"""`pcm score` on a small real DuckDB: batches, resume after interruption, --rescore."""

import json
import shutil
from datetime import UTC, datetime

import pytest

from core.config import Config, Force, Model
from pcm.cli import main
from pcm.scoring import score_pending
from sentiment.confidence_model import MODEL_DIR, load_model
from warehouse.articles import ArticleRecord, PassageRecord, store_article
from warehouse.connection import reader, writer

pytestmark = pytest.mark.slow

TEXTS = [
    "Victims say detectives never called them back.",
    "The chief constable praised officers for their bravery.",
    "HMICFRS said the force was inadequate at investigating crime.",
    "",
    "😀😀😀",
    "Residents thanked the neighbourhood team for attending the meeting.",
    "The force spent £2 million on agency staff last year.",
]


@pytest.fixture
def cfg(tmp_path):
    cfg = Config(force=Force(name="Norfolk Constabulary"), db_path=str(tmp_path / "pcm.duckdb"))
    now = datetime(2026, 11, 1, tzinfo=UTC)
    with writer(cfg) as con:
        for a in range(2):
            article = ArticleRecord(
                url=f"https://example.org/{a}",
                source="Test",
                source_kind="local_news",
                title=f"Story {a}",
                author=None,
                published_at=now,
                fetched_at=now,
            )
            passages = [
                PassageRecord(position=i, paragraph=i, text=t, voice="media")
                for i, t in enumerate(TEXTS)
            ]
            store_article(con, article, passages)
    return cfg


def _counts(cfg):
    with reader(cfg.db_path) as con:
        return con.execute(
            "SELECT model_version, count(*) FROM scored_passages GROUP BY ALL ORDER BY ALL"
        ).fetchall()


def test_score_resumes_after_interruption(cfg):
    version = load_model(cfg.model).version
    assert score_pending(cfg, progress=False, limit=5) == 5  # then "interrupted"
    assert _counts(cfg) == [(version, 5)]
    assert score_pending(cfg, progress=False) == 2 * len(TEXTS) - 5  # only the rest
    assert score_pending(cfg, progress=False) == 0
    with reader(cfg.db_path) as con:
        skipped = con.execute(
            "SELECT skipped, count(*) FROM scored_passages "
            "WHERE skipped IS NOT NULL GROUP BY ALL ORDER BY ALL"
        ).fetchall()
        scores = con.execute("SELECT count(*), min(score), max(score) FROM scores").fetchone()
        models = con.execute("SELECT model_version, name FROM models").fetchall()
    assert skipped == [("empty", 2), ("garbage", 2)]
    # The scorer attributed each passage again: the crawl said media, the rules say HMICFRS.
    with reader(cfg.db_path) as con:
        voices = con.execute(
            "SELECT DISTINCT s.voice, p.voice FROM scored_passages AS s "
            "JOIN passages AS p ON p.id = s.passage_id WHERE p.text LIKE 'HMICFRS%'"
        ).fetchall()
        unattributed = con.execute(
            "SELECT count(*) FROM scored_passages WHERE voice IS NULL"
        ).fetchone()[0]
    assert voices == [("inspectorate", "media")]
    assert unattributed == 0
    assert scores[0] > 0
    assert -1 <= scores[1] <= scores[2] <= 1
    assert models == [(version, load_model(cfg.model).name)]


def test_new_model_version_adds_rows_and_keeps_old(cfg, tmp_path, capsys):
    old = load_model(cfg.model).version
    score_pending(cfg, progress=False)
    other = tmp_path / "other_model"
    shutil.copytree(MODEL_DIR, other)
    meta = json.loads((other / "model.json").read_text())
    meta["topic_threshold"] = 0.4  # a different model: a different version
    (other / "model.json").write_text(json.dumps(meta))
    cfg2 = cfg.model_copy(update={"model": Model(path=str(other))})
    new = load_model(cfg2.model).version
    assert new != old
    assert score_pending(cfg2, progress=False) == 2 * len(TEXTS)
    assert dict(_counts(cfg)) == {old: 2 * len(TEXTS), new: 2 * len(TEXTS)}
    # --rescore scores everything again under the current version; the old rows stay.
    assert score_pending(cfg2, rescore=True, progress=False) == 2 * len(TEXTS)
    assert dict(_counts(cfg)) == {old: 2 * len(TEXTS), new: 2 * len(TEXTS)}


def test_pcm_score_command(cfg, tmp_path, capsys):
    config = tmp_path / "config.yaml"
    config.write_text("force:\n  name: Norfolk Constabulary\n")
    assert main(["score", "--config", str(config), "--db", cfg.db_path, "--no-progress"]) == 0
    assert f"scored {2 * len(TEXTS)} passage(s)" in capsys.readouterr().out
