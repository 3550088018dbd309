"""`pcm score --engine ray` writes what `pcm score` writes, row for row (issue 16, item 3).

One small warehouse of stored articles (corpus passages, quotes with a configured person,
another force, skipped passages) is copied twice: one copy is scored by the local engine, the
other by a local Ray cluster with two actors. Chunks and export files are made small here so
that the Ray path cuts the work in several of each (rounds, which start a new actor pool each,
are tested on their own).
"""

from __future__ import annotations

import dataclasses
import random
import shutil
from datetime import UTC, datetime, timedelta

import pytest

from core.config import Config, Force, Person
from passages.segment import segment_article
from pcm import ray_scoring, scoring
from pcm.cli import main
from warehouse.articles import ArticleRecord, PassageRecord, store_article
from warehouse.connection import reader, writer

FORCE = "Norfolk Constabulary"
PEOPLE = [Person(name="Jane Smith", role="pcc"), Person(name="Paul Sanford", role="force")]
EXTRA = (
    'Jane Smith said: "Victims of crime deserve far better than this from the police."',
    "Suffolk Constabulary was praised by inspectors for its call handling.",
    "Paul Sanford, the chief constable, said officers had worked tirelessly.",
    "It said its officers would review how the call was handled.",
    "Suffolk Constabulary said it would review its call handling.",
)
ARTICLES = 14
TOLERANCE = 1e-6


def _articles(seed: int = 16) -> list[str]:
    """Article texts of corpus passages and the extra lines, paragraphs by blank lines."""
    from sentiment.corpus import read_corpus

    texts = [p.text for p in read_corpus()]
    rng = random.Random(seed)
    out = []
    for _ in range(ARTICLES):
        paragraphs = []
        for _ in range(rng.randint(2, 5)):
            lines = [rng.choice(texts) for _ in range(rng.randint(1, 2))]
            if rng.random() < 0.4:
                lines.append(rng.choice(EXTRA))
            paragraphs.append(" ".join(lines))
        out.append("\n\n".join(paragraphs))
    return out


@pytest.fixture
def warehouse(tmp_path) -> Config:
    """A warehouse of stored (crawled, unscored) articles, and a duplicate of the last one."""
    cfg = Config(
        forces=[
            Force(name=FORCE, aliases=[FORCE, "Norfolk Police"], people=PEOPLE),
            Force(name="Suffolk Constabulary"),
        ],
        db_path=str(tmp_path / "w.duckdb"),
    )
    start = datetime(2026, 10, 1, tzinfo=UTC)
    with writer(cfg) as con:
        for n, text in enumerate(_articles()):
            kind = "force_statement" if n % 5 == 4 else "local_news"
            segments = segment_article(text, PEOPLE, cfg.force.names, source_kind=kind)
            when = start + timedelta(days=n)
            record = ArticleRecord(
                f"https://news.example/{n}", "Test", kind, f"Story {n}", None, when, when
            )
            passages = [
                PassageRecord(s.position, s.paragraph, s.text, s.voice, s.speaker) for s in segments
            ]
            if n % 4 == 1:  # stored before the crawl learnt to drop it: scored as skipped
                passages.append(PassageRecord(len(passages), 99, "😀😀😀", "media"))
            first = store_article(con, record, passages)
        copy = dataclasses.replace(record, url="https://copy.example/0", duplicate_of=first)
        store_article(con, copy, passages)  # a syndicated copy: never scored
    return cfg


def _rows(db: str) -> tuple[list, list, list]:
    with reader(db) as con:
        passages = con.execute(
            "SELECT passage_id, model_version, topics, skipped, truncated, target, voice, speaker "
            "FROM scored_passages ORDER BY passage_id, model_version"
        ).fetchall()
        scores = con.execute(
            "SELECT passage_id, topic, label, model_version, uncertain, score, p_positive, "
            "p_neutral, p_negative, topic_prob FROM scores ORDER BY passage_id, topic"
        ).fetchall()
        models = con.execute("SELECT model_version, name, info FROM models").fetchall()
        forces = con.execute(
            "SELECT passage_id, model_version, force_id, target, voice, speaker "
            "FROM passage_forces ORDER BY ALL"
        ).fetchall()
    return passages, scores, models, forces


def _config_file(tmp_path, db: str) -> list[str]:
    path = tmp_path / "pcm.yaml"
    path.write_text(
        f"forces:\n- name: {FORCE}\n  aliases: [{FORCE}, Norfolk Police]\n  people:\n"
        "    - {name: Jane Smith, role: pcc}\n    - {name: Paul Sanford, role: force}\n"
        "- name: Suffolk Constabulary\n"
    )
    return ["--config", str(path), "--db", db, "--no-progress"]


def test_the_ray_engine_scores_row_for_row_as_the_local_one(
    warehouse, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("RAY_USAGE_STATS_ENABLED", "0")
    monkeypatch.setattr(scoring, "CHUNK", 12)  # several chunks, articles kept whole
    monkeypatch.setattr(ray_scoring, "FILE_CHUNKS", 2)  # several exported files
    monkeypatch.setattr(ray_scoring, "LOAD_ROWS", 20)  # several score files to load
    nodes = []  # the Ray nodes' addresses while it scores: its servers listen there
    real_score_files = ray_scoring.score_files

    def score_files(ray, *args):
        nodes.extend(node["NodeManagerAddress"] for node in ray.nodes())
        return real_score_files(ray, *args)

    monkeypatch.setattr(ray_scoring, "score_files", score_files)
    local_db, ray_db = str(tmp_path / "local.duckdb"), str(tmp_path / "ray.duckdb")
    shutil.copy(warehouse.db_path, local_db)
    shutil.copy(warehouse.db_path, ray_db)

    assert main(["score", *_config_file(tmp_path, local_db)]) == 0
    assert main(["score", "--engine", "ray", "--actors", "2", *_config_file(tmp_path, ray_db)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert nodes == ["127.0.0.1"]  # one local node, on loopback alone

    local, ray = _rows(local_db), _rows(ray_db)
    scored = len(local[0])
    assert out == [
        f"{local_db}: scored {scored} passage(s)",
        f"{ray_db}: scored {scored} passage(s)",
    ]
    assert local[2] == ray[2]  # the same model registered the same way
    assert local[0] == ray[0]  # topics, skipped, truncated, target, voice, speaker
    assert local[3] == ray[3]  # each force's reading: target, voice, speaker
    assert {row[2] for row in local[3]} == {"norfolk", "suffolk"}
    assert len(local[1]) == len(ray[1]) > 0
    for mine, theirs in zip(local[1], ray[1], strict=True):
        assert mine[:5] == theirs[:5]  # passage, topic, label, version, uncertain
        assert mine[5:] == pytest.approx(theirs[5:], abs=TOLERANCE)
    # the data had something to say about each of these
    targets = {row[5] for row in local[0]}
    assert {"force", "other_force", "none"} <= targets  # none: articles about Suffolk alone
    assert {"pcc", "force"} <= {row[6] for row in local[0]}
    assert {row[3] for row in local[0]} == {None, "garbage"}
    with reader(local_db) as con:  # the duplicate's passages are left out
        assert con.execute("SELECT count(*) FROM passages").fetchone()[0] > scored

    # nothing is left to score under either engine
    assert main(["score", "--engine", "ray", *_config_file(tmp_path, ray_db)]) == 0
    assert capsys.readouterr().out.strip() == f"{ray_db}: scored 0 passage(s)"


def test_ray_flags_need_the_ray_engine(warehouse, capsys):
    assert main(["score", "--db", warehouse.db_path, "--actors", "2"]) == 1
    assert "--actors needs --engine ray" in capsys.readouterr().err


def test_rounds_are_whole_chunks_of_about_the_round_size():
    chunks = [[(i, "x")] * size for i, size in enumerate([3, 4, 2, 6, 1])]
    rounds = list(ray_scoring._rounds(chunks, 7))
    assert [[len(c) for c in r] for r in rounds] == [[3, 4], [2], [6, 1]]
    assert [c for r in rounds for c in r] == chunks
    assert list(ray_scoring._rounds([], 7)) == []


def test_the_pool_leaves_a_cpu_for_reading_and_writing():
    from core.errors import UsageError

    assert ray_scoring._pool_size(2, None) == 1
    assert ray_scoring._pool_size(16, None) == 8
    assert ray_scoring._pool_size(3, 2) == 2
    with pytest.raises(UsageError, match="leave none"):
        ray_scoring._pool_size(2, 2)
