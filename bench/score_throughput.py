"""Scoring throughput of `pcm score`: the local engine and the Ray engine with 1 and 2 actors.

Usage: .venv/bin/python bench/score_throughput.py [--passages 3000] [--small 256]
       [--actors 1,2] [--storage 20000] [--json] [-v]

A warehouse of stored, unscored articles is built from the training corpus's passages (8 to
16 a article, as the crawl stores them: `passages.segment`), then copied once per run, so
every run scores the same passages from the same state:
- local: `pcm.scoring.score_pending` with the model already loaded (what the nightly job and
  `pcm score` pay per passage);
- ray, N actors: `pcm.ray_scoring.score_with_ray` on a local Ray cluster started once (its
  start is printed apart), end to end: export to Parquet, actors that each load the model,
  scoring, score files, loading them in one transaction each.
Each engine runs twice, on `--small` passages and on all of them; the marginal rate, (all -
small) / (time all - time small), is the throughput a long backfill sees, and the time of the
small run less small / marginal rate is the fixed cost (actors, model loads, Ray Data's tasks).
Then `--storage` passages are stored and given made-up scores (no model) in 4,096-passage
transactions, as the Ray engine loads its score files: the single writer's load rate, and the
warehouse's bytes per passage before and after. The machine and its load average (it is
shared) are printed.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.config import Config, Force, Person
from core.vocabulary import TOPICS
from passages.segment import segment_article
from pcm.ray_scoring import LOAD_ROWS, ray_cluster, score_with_ray
from pcm.scoring import score_pending
from sentiment.confidence_model import NUM_THREADS, load_model
from sentiment.corpus import read_corpus
from sentiment.runtime import cpu_description, has_bf16_matrix_units
from warehouse.articles import ArticleRecord, PassageRecord, store_article
from warehouse.connection import writer
from warehouse.scores import register_model, store_scores

logger = logging.getLogger(__name__)

FORCE = "Norfolk Constabulary"
PEOPLE = [Person(name="Jane Smith", role="pcc")]
SEED = 16


def build(db: Path, passages: int) -> int:
    """A warehouse with about `passages` stored passages; returns how many were stored."""
    cfg = Config(force=Force(name=FORCE, people=PEOPLE), db_path=str(db))
    texts = [p.text for p in read_corpus()]
    rng = random.Random(SEED)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    stored = 0
    with writer(cfg) as con:
        n = 0
        while stored < passages:
            paragraphs = [
                " ".join(rng.choice(texts) for _ in range(rng.randint(1, 2)))
                for _ in range(rng.randint(5, 10))
            ]
            segments = segment_article("\n\n".join(paragraphs), PEOPLE, [FORCE])
            segments = segments[: passages - stored]
            when = start + timedelta(hours=n)
            url = f"https://bench.example/{n}"
            record = ArticleRecord(url, "Bench", "local_news", None, None, when, when)
            rows = [
                PassageRecord(s.position, s.paragraph, s.text, s.voice, s.speaker) for s in segments
            ]
            store_article(con, record, rows)
            stored += len(rows)
            n += 1
    return stored


def _timed(engine, db: Path, work: Path, name: str) -> tuple[int, float]:
    copy = work / f"{name}.duckdb"
    shutil.copy(db, copy)
    cfg = Config(force=Force(name=FORCE, people=PEOPLE), db_path=str(copy))
    started = time.perf_counter()
    done = engine(cfg)
    seconds = time.perf_counter() - started
    copy.unlink()
    return done, seconds


def measure(engine, small_db: Path, big_db: Path, work: Path, name: str) -> dict:
    """One engine on the small and the big warehouse: end-to-end and marginal rates."""
    small, t_small = _timed(engine, small_db, work, f"{name}-small")
    big, t_big = _timed(engine, big_db, work, f"{name}-big")
    marginal = (big - small) / (t_big - t_small) if t_big > t_small else float("nan")
    return {
        "engine": name,
        "small": {"passages": small, "seconds": round(t_small, 1)},
        "all": {"passages": big, "seconds": round(t_big, 1)},
        "end_to_end_per_s": round(big / t_big, 1),
        "marginal_per_s": round(marginal, 1),
        "fixed_s": round(t_small - small / marginal, 1) if marginal == marginal else None,
    }


def _fake_result(rng: random.Random) -> dict:
    """A model result with 0 to 2 topics, as `store_scores` takes it (no model needed)."""
    topics = []
    for topic in rng.sample(TOPICS, rng.choice([0, 1, 1, 1, 2])):
        positive = rng.random()
        negative = rng.random() * (1 - positive)
        topics.append(
            {
                "topic": topic,
                "label": "neutral",
                "score": positive - negative,
                "p_positive": positive,
                "p_neutral": 1 - positive - negative,
                "p_negative": negative,
                "topic_prob": rng.random(),
            }
        )
    return {"skipped": None, "truncated": False, "topics": topics, "target": "force",
            "voice": "media", "speaker": None}  # fmt: skip


def measure_storage(work: Path, passages: int) -> dict:
    """The single writer's load rate (`store_scores`, 4,096 passages a transaction, as the Ray
    engine loads) and the warehouse's bytes per passage before and after one model's scores."""
    db = work / "storage.duckdb"
    stored = build(db, passages)
    cfg = Config(force=Force(name=FORCE, people=PEOPLE), db_path=str(db))
    with writer(cfg) as con:
        con.execute("CHECKPOINT")
        register_model(con, "bench", "bench")
        ids = [r[0] for r in con.execute("SELECT id FROM passages ORDER BY id").fetchall()]
    before = db.stat().st_size
    rng = random.Random(SEED)
    rows = [(pid, _fake_result(rng)) for pid in ids]
    started = time.perf_counter()
    for start in range(0, len(rows), LOAD_ROWS):
        with writer(cfg) as con:
            store_scores(con, rows[start : start + LOAD_ROWS], "bench")
    seconds = time.perf_counter() - started
    with writer(cfg) as con:
        con.execute("CHECKPOINT")
    return {
        "passages": stored,
        "load_s": round(seconds, 1),
        "load_per_s": round(stored / seconds),
        "bytes_per_passage_stored": round(before / stored),
        "bytes_per_passage_scored": round(db.stat().st_size / stored),
    }


def _print(report: dict) -> None:
    for r in report["runs"]:
        print(
            f"{r['engine']:>14}: {r['all']['passages']} passages in {r['all']['seconds']} s "
            f"-> {r['end_to_end_per_s']}/s end to end; marginal {r['marginal_per_s']}/s, "
            f"fixed cost {r['fixed_s']} s ({r['small']['passages']} passages in "
            f"{r['small']['seconds']} s)"
        )
    m = report["machine"]
    print(f"ray local cluster start: {report['ray_start_s']} s")
    if report.get("storage"):
        st = report["storage"]
        print(
            f"load: {st['passages']} passages in {st['load_s']} s -> {st['load_per_s']}/s; "
            f"warehouse {st['bytes_per_passage_stored']} bytes a stored passage, "
            f"{st['bytes_per_passage_scored']} once scored"
        )
    print(
        f"machine: {m['cpu']}, {m['cores']} cores, model "
        f"runtime {m['runtime']} with {m['model_threads']} threads, load average "
        f"{m['load_average_before']} before and {m['load_average_after']} after (shared)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=3000)
    parser.add_argument("--small", type=int, default=256)
    parser.add_argument("--actors", default="1,2", help="comma-separated pool sizes")
    parser.add_argument(
        "--storage",
        type=int,
        default=20000,
        help="passages for the load and size figures (0: none)",
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each Ray round's phases")
    args = parser.parse_args()
    pools = [int(a) for a in args.actors.split(",") if a]
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    if args.verbose:
        logging.getLogger("pcm.ray_scoring").setLevel(logging.INFO)
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    load_before = [round(x, 2) for x in os.getloadavg()]
    model = load_model(None)  # loaded once here: the local runs measure scoring alone
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        small_db, big_db = work / "small.duckdb", work / "big.duckdb"
        build(small_db, args.small)
        build(big_db, args.passages)
        runs.append(
            measure(lambda c: score_pending(c, progress=False), small_db, big_db, work, "local")
        )
        started = time.perf_counter()
        with ray_cluster(num_cpus=max(pools) + 1) as ray:
            ray_start = time.perf_counter() - started
            ray.data.DataContext.get_current().enable_progress_bars = False
            for pool in pools:
                runs.append(
                    measure(
                        lambda c, n=pool: score_with_ray(c, progress=False, actors=n, work_dir=tmp),
                        small_db,
                        big_db,
                        work,
                        f"ray, {pool} actor{'s' if pool > 1 else ''}",
                    )
                )
        storage = measure_storage(work, args.storage) if args.storage else None
    report = {
        "storage": storage,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "runs": runs,
        "ray_start_s": round(ray_start, 1),
        "machine": {
            "cpu": cpu_description(),
            "cores": os.cpu_count(),
            "amx": has_bf16_matrix_units(),
            "runtime": model.runtime,
            "model_threads": NUM_THREADS,
            "load_average_before": load_before,
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        },
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
