"""Timings of the warehouse on this machine: `python -m demo.bench_data [--articles N]`."""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.config import Config, Force
from core.vocabulary import TOPICS
from warehouse.analyst import run_query
from warehouse.articles import ArticleRecord, PassageRecord, record_seen, store_articles
from warehouse.connection import reader, writer
from warehouse.retention import purge_text
from warehouse.scores import pending_passages, register_model, store_scores

logger = logging.getLogger(__name__)

PASSAGES_PER_ARTICLE = 10
BATCH = 50  # articles per store_articles call


def _batch(start: int, count: int, now: datetime) -> list:
    return [
        (
            ArticleRecord(
                f"https://bench.example/{n}",
                "Bench",
                "local_news",
                f"Story {n}",
                None,
                now - timedelta(days=n % 500),
                now,
            ),
            [
                PassageRecord(
                    j,
                    j // 2,
                    f"Passage {j} of story {n}, with some words in it.",
                    "force" if j == 0 else "public",
                )
                for j in range(PASSAGES_PER_ARTICLE)
            ],
        )
        for n in range(start, start + count)
    ]


def model_result(*topics: tuple, skipped: str | None = None, topic_prob: float = 0.9) -> dict:
    """A passage's model result as `warehouse.scores.store_scores` takes it, for made-up data.

    Args:
        *topics: (topic, label, score) per topic; the probabilities follow from the score.
        skipped: a skip reason instead of topics.
        topic_prob: every topic's probability.
    """
    return {
        "skipped": skipped,
        "truncated": False,
        "topics": [
            {
                "topic": topic,
                "label": label,
                "score": score,
                "p_positive": max(score, 0.0),
                "p_neutral": 1 - abs(score),
                "p_negative": max(-score, 0.0),
                "topic_prob": topic_prob,
            }
            for topic, label, score in topics
        ],
    }


def _result(passage_id: int) -> dict:
    topic = TOPICS[passage_id % len(TOPICS)]
    score = ((passage_id * 37) % 200 - 100) / 100
    label = "positive" if score >= 0.2 else "negative" if score <= -0.2 else "neutral"
    return model_result((topic, label, score))


def bench(articles: int, folder: Path) -> list[tuple[str, float, str]]:
    """Run the timings; returns (what, seconds, per-unit note) rows."""
    cfg = Config(force=Force(name="Bench Constabulary"), db_path=str(folder / "bench.duckdb"))
    now = datetime.now(UTC)
    rows = []
    started = time.perf_counter()
    with writer(cfg):
        pass
    rows.append(("create + migrate a warehouse", time.perf_counter() - started, ""))

    started = time.perf_counter()
    sessions = 20
    for n in range(sessions):
        with writer(cfg) as con:
            record_seen(con, f"https://bench.example/seen/{n}", "Bench", "empty")
    took = time.perf_counter() - started
    rows.append(
        (
            f"{sessions} writer sessions of one write",
            took,
            f"{1000 * took / sessions:.0f} ms a session",
        )
    )

    started = time.perf_counter()
    with writer(cfg) as con:
        for start in range(0, articles, BATCH):
            store_articles(con, _batch(start, min(BATCH, articles - start), now))
    took = time.perf_counter() - started
    rows.append(
        (
            f"store {articles} articles x {PASSAGES_PER_ARTICLE} passages",
            took,
            f"{articles / took:.0f} articles/s",
        )
    )

    started = time.perf_counter()
    with writer(cfg) as con:
        register_model(con, "bench", "bench")
        pending = pending_passages(con, "bench")
        for start in range(0, len(pending), 1000):
            chunk = pending[start : start + 1000]
            store_scores(con, [(pid, _result(pid)) for pid, _ in chunk], "bench")
    took = time.perf_counter() - started
    rows.append(
        (f"store scores of {len(pending)} passages", took, f"{len(pending) / took:.0f} passages/s")
    )

    started = time.perf_counter()
    with reader(cfg.db_path) as con:
        con.execute("SELECT * FROM topic_daily").fetchall()
    rows.append(("read all of topic_daily", time.perf_counter() - started, ""))

    started = time.perf_counter()
    try:
        run_query(
            cfg.db_path,
            "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
            "SELECT count(*) FROM r",
            timeout_s=1.0,
        )
    except Exception as exc:  # the expected QueryError
        logger.debug("runaway query: %s", exc)
    rows.append(
        ("runaway analyst query, 1 s limit", time.perf_counter() - started, "until the error")
    )

    started = time.perf_counter()
    with writer(cfg) as con:
        purged = purge_text(con, now, 400)
    rows.append((f"purge text of {purged} passages", time.perf_counter() - started, ""))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for what, seconds, note in bench(args.articles, Path(folder)):
            print(f"{what:<45} {seconds:8.2f} s  {note}")


if __name__ == "__main__":
    main()
