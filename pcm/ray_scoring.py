"""`pcm score --engine ray`: the same scoring on a Ray cluster, for backfills and rescoring.

The passages to score are those `pcm score` would score (`pcm.scoring.prepare`), cut into the
same chunks of whole articles (`pcm.scoring._article_chunks`). Then, a round of chunks at a
time:

1. **export**: the driver writes the round as Parquet files in a work folder, one row per
   chunk: its passages (id, text, article, paragraph) and every stored passage of its
   articles (what attribution reads);
2. **score**: Ray Data reads the files (`read_parquet`) and hands each chunk to an actor of a
   fixed pool (`map_batches` with `ActorPoolStrategy`); each actor loads the model once and
   scores the chunk with `pcm.scoring.ChunkScorer`, the local engine's own code, writing one
   row per passage as Parquet;
3. **load**: the driver, the warehouse's single writer, loads each output file in one
   transaction with `warehouse.scores.store_scores`, as `pcm score` does its chunks.

An interrupted run resumes like `pcm score`: loaded files are committed, the rest is pending.
The work folder must be readable and writable at the same path by the driver and every node
of the cluster (a shared file system) when `--address` names a remote cluster.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from core.errors import PcmError, UsageError
from pcm.force_attribution import config_force_set
from pcm.scoring import (
    Stored,
    _article_chunks,
    article_sources,
    prepare,
    read_article_passages,
)
from warehouse.connection import writer
from warehouse.scores import store_scores

logger = logging.getLogger(__name__)

# Passages exported, scored and loaded per round (whole chunks): the larger of ROUND and
# ROUND_PER_ACTOR per actor. Rounds bound the driver's memory and the work folder's size; each
# starts a new actor pool, which loads the model again (seconds), so a big pool gets big rounds
# (50,000 passages are about 5 minutes of one actor's work).
ROUND = 500_000
ROUND_PER_ACTOR = 50_000
FILE_CHUNKS = 16  # chunks per exported Parquet file
LOAD_ROWS = 4096  # passages (at least) per score file, loaded in one transaction
THREADS_PER_ACTOR = 2  # sentiment.confidence_model.NUM_THREADS: the default pool's size

_STORED = pa.struct(
    [
        ("article_id", pa.int64()),
        ("source_kind", pa.string()),
        ("id", pa.int64()),
        ("paragraph", pa.int64()),
        ("text", pa.string()),
        ("voice", pa.string()),
        ("speaker", pa.string()),
        ("source", pa.string()),  # the article's source: the forces it covers
    ]
)
# One row per chunk: the unit that is scored together (the model reads an article's passages
# together) and that `pcm score` commits together.
CHUNK_SCHEMA = pa.schema(
    [
        ("chunk", pa.int64()),
        ("passage_id", pa.list_(pa.int64())),
        ("text", pa.list_(pa.string())),
        ("article_id", pa.list_(pa.int64())),
        ("paragraph", pa.list_(pa.int64())),
        ("stored", pa.list_(_STORED)),
    ]
)
_TOPIC_FIELDS = ("topic", "label", "score", "p_positive", "p_neutral", "p_negative", "topic_prob")
_TOPIC = pa.struct(
    [
        ("topic", pa.string()),
        ("label", pa.string()),
        *[(name, pa.float64()) for name in _TOPIC_FIELDS[2:]],
        ("uncertain", pa.bool_()),
    ]
)
# One force's reading of a passage (pcm/force_attribution.py), as `passage_forces` stores it.
_FORCE = pa.struct(
    [
        ("force_id", pa.string()),
        ("target", pa.string()),
        ("voice", pa.string()),
        ("speaker", pa.string()),
    ]
)
# One row per passage: what `store_scores` takes, with the model version that produced it.
SCORE_SCHEMA = pa.schema(
    [
        ("passage_id", pa.int64()),
        ("chunk", pa.int64()),
        ("model_version", pa.string()),
        ("skipped", pa.string()),
        ("truncated", pa.bool_()),
        ("target", pa.string()),
        ("voice", pa.string()),
        ("speaker", pa.string()),
        ("topics", pa.list_(_TOPIC)),
        ("forces", pa.list_(_FORCE)),
    ]
)


def _ray():
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise UsageError(
            "the ray engine needs Ray: pip install -e '.[distributed]' "
            "(or the ray pin of requirements.txt)"
        ) from exc
    return ray


@contextmanager
def ray_cluster(address: str | None = None, num_cpus: int | None = None) -> Iterator[Any]:
    """Ray, connected to the cluster at `address`, else to a new local one on loopback.

    A Ray already initialised in this process (a test's, a benchmark's) is used as it is and
    left running. A local cluster has no dashboard and no usage reporting, listens on
    127.0.0.1 only, and is shut down on exit. The workers' and Ray's own log lines stay in Ray's
    session logs rather than being copied to this process's output (`log_to_driver=False`):
    `pcm score` prints its result there, and a busy machine made Ray add warnings to it ("8
    PYTHON worker processes have been started …"); a worker's error still reaches the caller
    as an exception.

    Args:
        address: a running cluster's head (`HOST:6379`, or `auto` for the one this machine
            belongs to); None: start a local one.
        num_cpus: the local cluster's CPUs (default: the machine's).

    Yields:
        The `ray` module.
    """
    ray = _ray()
    if ray.is_initialized():
        yield ray
        return
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    if address:
        ray.init(address=address, logging_level=logging.WARNING, log_to_driver=False)
    else:
        with _loopback_only():
            ray.init(
                num_cpus=num_cpus or os.cpu_count() or 1,
                include_dashboard=False,
                logging_level=logging.WARNING,
                log_to_driver=False,
            )
    try:
        yield ray
    finally:
        ray.shutdown()


@contextmanager
def _loopback_only() -> Iterator[None]:
    """Start Ray's processes on 127.0.0.1 alone, while the context is open.

    On Linux Ray takes the machine's own address for a node, even when given 127.0.0.1
    (`_node_ip_address` is resolved to it), and its servers listen on it. With the setting that
    Ray uses on Windows and macOS (`RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0`: a single-node cluster)
    the node's address is loopback: in the environment for the processes `ray.init` starts,
    and in this process, which read the setting when it imported Ray (checked with Ray 2.60).
    """
    from ray._private import ray_constants

    name = ray_constants.ENABLE_RAY_CLUSTERS_ENV_VAR
    before = os.environ.get(name), ray_constants.ENABLE_RAY_CLUSTER
    os.environ[name] = "0"
    ray_constants.ENABLE_RAY_CLUSTER = False
    try:
        yield
    finally:
        if before[0] is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before[0]
        ray_constants.ENABLE_RAY_CLUSTER = before[1]


def score_with_ray(
    cfg,
    rescore: bool = False,
    progress: bool = True,
    limit: int | None = None,
    address: str | None = None,
    actors: int | None = None,
    num_cpus: int | None = None,
    work_dir: str | None = None,
) -> int:
    """Score what `pcm score` would, on a Ray cluster, and load the scores into the warehouse.

    Args:
        cfg: the config (`db_path`, `model`, `force`, `warehouse.lock_timeout_s`).
        rescore: as `pcm.scoring.score_pending`.
        progress: show a progress bar (and Ray Data's) on stderr.
        limit: as `pcm.scoring.score_pending`.
        address: a running Ray cluster; None: a local cluster for this run.
        actors: scoring actors, each loading the model once (default: the cluster's CPUs
            over the model's 2 threads, at least 1).
        num_cpus: the local cluster's CPUs (default: the machine's).
        work_dir: where the Parquet batches go (a temporary folder inside it, removed after
            each round); with a remote cluster, a folder every node sees at the same path.

    Returns:
        The number of passages scored.
    """
    model, todo, where = prepare(cfg, rescore, limit)
    if not todo:
        return 0
    # the actors run the runtime the driver resolved, so their version is the registered one
    model_cfg = cfg.model.model_copy(update={"runtime": model.runtime})
    done = 0
    bar = tqdm(total=len(todo), unit="passage", desc="scoring (ray)", disable=not progress)
    try:
        # a local cluster gets a CPU beside its actors' for the Parquet read and write tasks
        cpus = None if address else max(num_cpus or os.cpu_count() or 1, (actors or 1) + 1)
        with ray_cluster(address, cpus) as ray:
            ray.data.DataContext.get_current().enable_progress_bars = progress
            pool = _pool_size(int(ray.cluster_resources().get("CPU", 1)), actors)
            logger.info("scoring %d passages with %d Ray actor(s)", len(todo), pool)
            size = max(ROUND, pool * ROUND_PER_ACTOR)
            for chunks in _rounds(_article_chunks(todo, where), size):
                folder = Path(tempfile.mkdtemp(prefix="pcm-ray-", dir=work_dir))
                try:
                    done += _round(
                        ray, cfg, model_cfg, model.version, pool, chunks, where, folder, bar
                    )
                finally:
                    shutil.rmtree(folder, ignore_errors=True)
    finally:
        bar.close()
    logger.info("scored %d passages with model %s on Ray", done, model.version)
    return done


def _round(
    ray, cfg, model_cfg, version: str, pool: int, chunks: list, where: Mapping, folder: Path, bar
) -> int:
    """Export, score and load one round of chunks in `folder`; returns the passages loaded."""
    started = time.perf_counter()
    expected = export_chunks(cfg, chunks, where, folder / "passages")
    exported = time.perf_counter()
    forces = config_force_set(cfg)
    score_files(ray, folder / "passages", folder / "scores", forces, model_cfg, version, pool)
    scored = time.perf_counter()
    loaded = load_scores(cfg, folder / "scores", version, bar)
    logger.info(
        "ray round of %d passages in %d chunks: export %.1f s, Ray %.1f s, load %.1f s",
        expected,
        len(chunks),
        exported - started,
        scored - exported,
        time.perf_counter() - scored,
    )
    if loaded != expected:
        raise PcmError(f"Ray returned {loaded} of {expected} passages' scores")
    return loaded


def _pool_size(cpus: int, actors: int | None) -> int:
    """The actor pool's size: `actors`, else a model's 2 threads per CPU pair, at least 1.

    Each actor holds one logical CPU for as long as the pool runs, and the reading and writing
    tasks need one too: with every CPU held by an actor, Ray Data waits forever.
    """
    pool = actors or max(1, cpus // THREADS_PER_ACTOR)
    if pool >= cpus:
        raise UsageError(
            f"{pool} actor(s) leave none of the Ray cluster's {cpus} CPU(s) for reading and "
            "writing the Parquet batches: use fewer actors or a bigger cluster"
        )
    return pool


def _rounds(chunks: list[list[tuple[int, str]]], size: int) -> Iterator[list[list]]:
    """Consecutive runs of chunks of about `size` passages (at least one chunk each)."""
    current: list[list] = []
    count = 0
    for chunk in chunks:
        if current and count + len(chunk) > size:
            yield current
            current, count = [], 0
        current.append(chunk)
        count += len(chunk)
    if current:
        yield current


def export_chunks(
    cfg, chunks: list[list[tuple[int, str]]], where: Mapping[int, tuple[int, int]], folder: Path
) -> int:
    """Write chunks as Parquet (`CHUNK_SCHEMA`, `FILE_CHUNKS` rows a file) with what their
    scoring reads from the warehouse; returns the number of passages written."""
    with writer(cfg) as con:
        ids = {where[p][0] for c in chunks for p, _ in c if p in where}
        stored = read_article_passages(con, ids)
        sources = article_sources(con, ids)
    folder.mkdir(parents=True)
    for start in range(0, len(chunks), FILE_CHUNKS):
        records = []
        for number, chunk in enumerate(chunks[start : start + FILE_CHUNKS], start):
            ids = [pid for pid, _ in chunk]
            articles = dict.fromkeys(where[pid][0] for pid in ids if pid in where)
            records.append(
                {
                    "chunk": number,
                    "passage_id": ids,
                    "text": [text for _, text in chunk],
                    "article_id": [where[pid][0] if pid in where else None for pid in ids],
                    "paragraph": [where[pid][1] if pid in where else None for pid in ids],
                    "stored": [
                        dict(
                            zip(
                                _STORED.names,
                                (article, stored[article][0], *row, sources.get(article)),
                                strict=True,
                            )
                        )
                        for article in articles
                        if article in stored
                        for row in stored[article][1]
                    ],
                }
            )
        table = pa.Table.from_pylist(records, schema=CHUNK_SCHEMA)
        pq.write_table(table, folder / f"chunks-{start // FILE_CHUNKS:06d}.parquet")
    return sum(len(chunk) for chunk in chunks)


def chunk_from_record(record: Mapping[str, Any]) -> tuple[list, dict, Stored, dict[int, str]]:
    """(chunk, where, stored, sources) of one exported row, as `ChunkScorer.score` takes them."""
    ids = record["passage_id"]
    chunk = list(zip(ids, record["text"], strict=True))
    where = {
        pid: (article, paragraph)
        for pid, article, paragraph in zip(
            ids, record["article_id"], record["paragraph"], strict=True
        )
        if article is not None
    }
    stored: Stored = {}
    sources: dict[int, str] = {}
    for row in record["stored"]:
        passages = stored.setdefault(row["article_id"], (row["source_kind"], []))[1]
        passages.append((row["id"], row["paragraph"], row["text"], row["voice"], row["speaker"]))
        if row.get("source") is not None:
            sources[row["article_id"]] = row["source"]
    return chunk, where, stored, sources


def _field(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def score_record(passage_id: int, chunk: int, version: str, row: Mapping) -> dict[str, Any]:
    """One `ChunkScorer` row as a `SCORE_SCHEMA` record."""
    topics = []
    for item in row.get("topics") or []:
        topic = {name: _field(item, name) for name in _TOPIC_FIELDS}
        topic["uncertain"] = bool(_field(item, "uncertain", False))
        topics.append(topic)
    return {
        "passage_id": passage_id,
        "chunk": chunk,
        "model_version": version,
        "skipped": row.get("skipped"),
        "truncated": bool(row.get("truncated", False)),
        "target": row.get("target"),
        "voice": row.get("voice"),
        "speaker": row.get("speaker"),
        "topics": topics,
        "forces": [dict(zip(_FORCE.names, r, strict=True)) for r in row.get("forces") or []],
    }


class ChunkActor:
    """A Ray Data actor: loads the model once, then scores exported chunks with `ChunkScorer`."""

    def __init__(self, forces, model_cfg, version: str) -> None:
        """Args: forces: the deployment's `ForceSet` (or one force); model_cfg: the model
        settings; version: the model version the driver registered."""
        from pcm.scoring import ChunkScorer
        from sentiment.confidence_model import load_model

        model = load_model(model_cfg)
        if model.version != version:
            raise PcmError(
                f"a Ray worker loaded model version {model.version}, not {version}: every node "
                "needs the same model files and runtime"
            )
        self.version = version
        self.scorer = ChunkScorer(forces, model)

    def __call__(self, batch: pa.Table) -> pa.Table:
        out = []
        for record in batch.to_pylist():
            chunk, where, stored, sources = chunk_from_record(record)
            for pid, row in self.scorer.score(chunk, where, stored, sources):
                out.append(score_record(pid, record["chunk"], self.version, row))
        return pa.Table.from_pylist(out, schema=SCORE_SCHEMA)


def score_files(
    ray, passages: Path, scores: Path, forces, model_cfg, version: str, actors: int
) -> None:
    """Ray Data: exported chunks -> a pool of `actors` `ChunkActor`s -> score Parquet files."""
    # a block per chunk (streaming): Ray reads small files as one block, which one actor takes
    dataset = ray.data.read_parquet(str(passages)).repartition(target_num_rows_per_block=1)
    dataset = dataset.map_batches(
        ChunkActor,
        batch_size=1,  # one chunk a call: the model reads an article's passages together
        batch_format="pyarrow",
        compute=ray.data.ActorPoolStrategy(size=actors),
        num_cpus=1,
        fn_constructor_kwargs={"forces": forces, "model_cfg": model_cfg, "version": version},
    )
    try:
        dataset.write_parquet(str(scores), min_rows_per_file=LOAD_ROWS)
    except Exception as exc:  # Ray wraps an actor's error in its own: say the first line of it
        raise PcmError(f"scoring on Ray failed: {_innermost(exc)}") from exc


def _innermost(exc: BaseException) -> str:
    """What went wrong inside Ray, in one line: the last line of the innermost cause that says
    anything (Ray's errors carry the worker's traceback, which ends with the error itself)."""
    said, seen = "", set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        lines = [line.strip() for line in str(current).splitlines() if line.strip()]
        if lines:
            said = lines[-1]
        inner = getattr(current, "cause", None)
        current = inner if isinstance(inner, BaseException) else current.__cause__
    return said or type(exc).__name__


def load_scores(cfg, folder: Path, version: str, bar: tqdm | None = None) -> int:
    """Load every score file in `folder` into the warehouse, one transaction a file.

    Returns:
        The number of passages loaded.

    Raises:
        PcmError: a file holds another model version's scores (nothing of it is written).
    """
    done = 0
    for path in sorted(folder.glob("*.parquet")):
        records = pq.read_table(path).to_pylist()
        others = {r["model_version"] for r in records} - {version}
        if others:
            raise PcmError(
                f"{path.name}: scores of model version(s) {sorted(others)}, not {version}"
            )
        with writer(cfg) as con:
            store_scores(con, [(r["passage_id"], r) for r in records], version)
        done += len(records)
        if bar is not None:
            bar.update(len(records))
    return done
