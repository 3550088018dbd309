"""`pcm score`: score the warehouse's unscored passages in committed batches."""

from __future__ import annotations

import logging

from tqdm import tqdm

from sentiment.force_target import ForceTargeter
from sentiment.model import load_model
from warehouse.connection import writer
from warehouse.load import pending_passages, register_model, store_scores

logger = logging.getLogger(__name__)

CHUNK = 256  # passages scored and committed together (whole articles: a long one runs over)

_ALL_PASSAGES = (
    "SELECT p.id, p.text FROM passages AS p JOIN articles AS a ON a.id = p.article_id "
    "WHERE p.text IS NOT NULL AND a.duplicate_of IS NULL ORDER BY p.id"
)


def score_pending(
    cfg, rescore: bool = False, progress: bool = True, limit: int | None = None
) -> int:
    """Score every passage the current model has not scored yet, committing each batch.

    Each batch's `scores` and `scored_passages` rows are written in one transaction, so an
    interrupted run resumes where it stopped. Each passage's target force
    (`sentiment.force_target`) is stored with it, read with the passage before it in the
    same paragraph. The write connection is held only while a
    batch is read or written, never while the model runs.

    Args:
        cfg: the config (`db_path`, `model`, `warehouse.lock_timeout_s`).
        rescore: score every passage with text again under the current model version
            (replacing only that version's rows; other versions' rows are kept).
        progress: show a tqdm progress bar on stderr.
        limit: score at most this many passages (lowest ids first); None = all.

    Returns:
        The number of passages scored.
    """
    model = load_model(cfg.model)
    info = {
        "path": str(model.path),
        "threshold": model.threshold,
        "topic_floor": model.floor,
        "encoder": model.meta.get("encoder"),
        "data": model.meta.get("data"),
        "dev": model.meta.get("dev"),
    }
    with writer(cfg) as con:
        if register_model(con, model.version, model.name, info):
            logger.info("registered model %s %s", model.name, model.version)
        if rescore:
            todo = [(r[0], r[1]) for r in con.execute(_ALL_PASSAGES).fetchall()]
        else:
            todo = pending_passages(con, model.version)
        if limit is not None:
            todo = todo[:limit]
        where = _placement(con, [pid for pid, _ in todo])
    if not todo:
        logger.info("no passages to score with model %s", model.version)
        return 0
    targeter = ForceTargeter(cfg.force.name, cfg.force.aliases, cfg.force.area)
    previous: tuple[int, int, str] | None = None  # (article, paragraph, target) of the last
    done = 0
    bar = tqdm(total=len(todo), unit="passage", desc="scoring", disable=not progress)
    try:
        for chunk in _article_chunks(todo, where):
            # read with their articles' other passages (the headline is not stored as a
            # passage, so the article's mean stands in for it)
            results = model.score_passages(
                [text for _, text in chunk],
                articles=[where.get(pid, (pid, 0))[0] for pid, _ in chunk],
            )
            for (pid, text), res in zip(chunk, results, strict=True):
                article, paragraph = where.get(pid, (None, None))
                same = previous is not None and previous[:2] == (article, paragraph)
                res.target = targeter.target(text, bool(res.topics), previous[2] if same else None)
                previous = (article, paragraph, res.target)
            with writer(cfg) as con:
                store_scores(
                    con,
                    [(pid, res) for (pid, _), res in zip(chunk, results, strict=True)],
                    model.version,
                )
            done += len(chunk)
            bar.update(len(chunk))
    finally:
        bar.close()
    logger.info("scored %d passages with model %s", done, model.version)
    return done


def _article_chunks(
    todo: list[tuple[int, str]], where: dict[int, tuple[int, int]]
) -> list[list[tuple[int, str]]]:
    """`todo` in chunks of about `CHUNK` passages that never split an article's passages
    (a chunk ends only where the next passage is another article's), in order."""
    chunks: list[list[tuple[int, str]]] = [[]]
    for row in todo:
        current = chunks[-1]
        if (
            len(current) >= CHUNK
            and where.get(row[0], (None,))[0] != where.get(current[-1][0], (None,))[0]
        ):
            chunks.append([])
        chunks[-1].append(row)
    return [c for c in chunks if c]


def _placement(con, ids: list[int]) -> dict[int, tuple[int, int]]:
    """{passage id: (article id, paragraph)}: the context a passage's target is read in."""
    if not ids:
        return {}
    rows = con.execute(
        "SELECT id, article_id, paragraph FROM passages WHERE id IN (SELECT unnest(?::BIGINT[]))",
        [ids],
    ).fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}
