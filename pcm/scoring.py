"""`pcm score`: score the warehouse's unscored passages in committed batches.

Besides topics and stance, each scoring run decides again who speaks in each passage (voice
and speaker, `passages.segment`) and which force it is about (target, `passages.force_target`)
with the rules and the configured people of today, and stores them with that model version's
`scored_passages` rows: `pcm score --rescore` brings a better rule set or a newly configured
person to old articles without a re-crawl. `passages.voice` and `passages.speaker` keep what
the crawl decided.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from tqdm import tqdm

from passages.force_target import NONE
from passages.segment import segment_article
from pcm.force_attribution import ForceSet, config_force_set, read_forces
from sentiment.stance_rules import apply_rules
from warehouse.connection import writer
from warehouse.scores import pending_passages, register_model, store_scores

logger = logging.getLogger(__name__)

CHUNK = 256  # passages scored and committed together (whole articles: a long one runs over)

_ALL_PASSAGES = (
    "SELECT p.id, p.text FROM passages AS p JOIN articles AS a ON a.id = p.article_id "
    "WHERE p.text IS NOT NULL AND a.duplicate_of IS NULL ORDER BY p.id"
)
# Every stored passage of some articles, in order, with what the crawl decided about each.
_ARTICLE_PASSAGES = (
    "SELECT p.article_id, a.source_kind, p.id, p.paragraph, p.text, p.voice, p.speaker "
    "FROM passages AS p JOIN articles AS a ON a.id = p.article_id "
    "WHERE p.article_id IN (SELECT unnest(?::BIGINT[])) ORDER BY p.article_id, p.position"
)
# Passages whose text retention removed: no model scores them again, their rows are kept.
_PURGED = (
    "SELECT count(*), count(DISTINCT p.article_id) FROM passages AS p "
    "JOIN articles AS a ON a.id = p.article_id WHERE p.text IS NULL AND a.duplicate_of IS NULL"
)

_WHITESPACE = re.compile(r"\s+")

Voices = dict[int, tuple[str, str | None]]  # passage id -> (voice, speaker)
# article id -> (source kind, [(passage id, paragraph, text, voice, speaker), ...] in order)
Stored = dict[int, tuple[str | None, list[tuple]]]


def prepare(
    cfg, rescore: bool = False, limit: int | None = None
) -> tuple[Any, list[tuple[int, str]], dict[int, tuple[int, int]]]:
    """Load the model, register it, and list what to score: the start of every scoring engine.

    Args:
        cfg: the config.
        rescore: every passage with text (else those the current model version has not scored).
        limit: at most this many passages (lowest ids first); None = all.

    Returns:
        (the loaded model, [(passage id, text)] to score, {passage id: (article id, paragraph)}).
    """
    # torch loads here, not when the module is imported: `pcm` commands that never score
    # (and the fast tests) do not pay for it
    from sentiment.confidence_model import load_model

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
            _log_purged(con)
        else:  # the limit in SQL: a backfill in slices never lists every pending passage
            todo = pending_passages(con, model.version, limit)
        if limit is not None:
            todo = todo[:limit]
        where = _placement(con, [pid for pid, _ in todo])
    if not todo:
        logger.info("no passages to score with model %s", model.version)
    return model, todo, where


def score_pending(
    cfg, rescore: bool = False, progress: bool = True, limit: int | None = None
) -> int:
    """Score every passage the current model has not scored yet, committing each batch.

    Each batch's `scores` and `scored_passages` rows are written in one transaction, so an
    interrupted run resumes where it stopped. Each passage's target force
    (`passages.force_target`) is stored with it, read with the passage before it in the
    same paragraph, and so are its voice and speaker, attributed again over its article's
    stored passages in order with the configured force's people and names (`attribute_article`).
    The write connection is held only while a batch is read, attributed (the rules cost about
    2 ms a passage on the build machine) and written, never while the model runs.
    `pcm.ray_scoring` runs the same `ChunkScorer` on a Ray cluster.

    Args:
        cfg: the config (`db_path`, `model`, `force`, `warehouse.lock_timeout_s`).
        rescore: score every passage with text again under the current model version
            (replacing only that version's rows, voices and targets included; other versions'
            rows are kept).
        progress: show a tqdm progress bar on stderr.
        limit: score at most this many passages (lowest ids first); None = all.

    Returns:
        The number of passages scored.
    """
    model, todo, where = prepare(cfg, rescore, limit)
    if not todo:
        return 0
    scorer = ChunkScorer(config_force_set(cfg), model)
    done = 0
    bar = tqdm(total=len(todo), unit="passage", desc="scoring", disable=not progress)
    try:
        for chunk in _article_chunks(todo, where):
            # the model runs with no connection open; the chunk's articles are read, attributed
            # and written under one
            results = scorer.results(chunk, where)
            articles = {where[pid][0] for pid, _ in chunk if pid in where}
            with writer(cfg) as con:
                stored = read_article_passages(con, articles)
                rows = scorer.rows(chunk, results, stored, where, article_sources(con, articles))
                store_scores(con, rows, model.version)
            done += len(chunk)
            bar.update(len(chunk))
    finally:
        bar.close()
    logger.info("scored %d passages with model %s", done, model.version)
    return done


class ChunkScorer:
    """Scores one chunk of whole articles: model, target, voice. No warehouse access.

    The local engine (`score_pending`) and the Ray engine (`pcm.ray_scoring`) both score each
    chunk with `results` then `rows`, so the two write the same rows. A chunk holds whole
    articles (`_article_chunks`), so a passage's target never depends on another chunk.
    """

    def __init__(self, forces: ForceSet | Any, model) -> None:
        """Args: forces: the deployment's `ForceSet` (or one force); model: the loaded model."""
        self.model = model
        self.forces = forces if isinstance(forces, ForceSet) else ForceSet([forces])
        force = self.forces.default
        self.targeter = force.targeter
        self.people = force.people
        self.aliases = force.names  # as the crawl attributes them

    def results(
        self, chunk: list[tuple[int, str]], where: Mapping[int, tuple[int, int]]
    ) -> list[Any]:
        """The model's result for each (passage id, text), in order, with its target set.

        Passages are read with their articles' other passages (the headline is not stored
        as a passage, so the article's mean stands in for it); a passage's target is read
        with the one before it in the same paragraph.
        """
        results = self.model.score_passages(
            [text for _, text in chunk],
            articles=[where.get(pid, (pid, 0))[0] for pid, _ in chunk],
        )
        previous: tuple[Any, Any, str] | None = None  # (article, paragraph, target)
        for (pid, text), res in zip(chunk, results, strict=True):
            article, paragraph = where.get(pid, (None, None))
            same = previous is not None and previous[:2] == (article, paragraph)
            res.target = self.targeter.target(text, bool(res.topics), previous[2] if same else None)
            previous = (article, paragraph, res.target)
        return results

    def rows(
        self,
        chunk: list[tuple[int, str]],
        results: list[Any],
        stored: Stored,
        where: Mapping[int, tuple[int, int]] | None = None,
        sources: Mapping[int, str] | None = None,
    ) -> list[tuple[int, dict[str, Any]]]:
        """(passage id, row for `store_scores`) of each result, with voice and speaker
        attributed again over `stored`, the chunk's articles' stored passages
        (`read_article_passages`), and each force's reading (`forces`:
        `pcm.force_attribution.read_forces`; with many forces the default force's `target` is
        `none` where the article does not concern it).

        Args:
            where: {passage id: (article id, paragraph)} (needed for the forces' readings).
            sources: {article id: source name} (the forces a source lists); None: any force.
        """
        voices = attribute_stored(stored, self.people, self.aliases)
        readings = (
            read_forces(
                self.forces, chunk, results, where, stored, sources or {}, attribute_stored, voices
            )
            if where is not None
            else {}
        )
        rows = []
        rules = self.model.stance_rules
        for (pid, text), res in zip(chunk, results, strict=True):
            if rules and pid in voices:
                apply_rules(res, text, voices[pid][0], rules)
            row = _with_voice(res, voices.get(pid))
            if pid in readings:
                row["forces"] = readings[pid]
                if self.forces.many:
                    mine = [r for r in readings[pid] if r[0] == self.forces.default.id]
                    row["target"] = mine[0][1] if mine else NONE
            rows.append((pid, row))
        return rows

    def score(
        self,
        chunk: list[tuple[int, str]],
        where: Mapping[int, tuple[int, int]],
        stored: Stored,
        sources: Mapping[int, str] | None = None,
    ) -> list[tuple[int, dict[str, Any]]]:
        """`rows` of `results`: a chunk scored, ready for `store_scores`."""
        return self.rows(chunk, self.results(chunk, where), stored, where, sources)


def _with_voice(result: Any, voice: tuple[str, str | None] | None) -> dict[str, Any]:
    """A model result as a mapping for `store_scores`, with the passage's voice and speaker."""
    if isinstance(result, Mapping):
        row = dict(result)
    elif dataclasses.is_dataclass(result):
        row = {f.name: getattr(result, f.name) for f in dataclasses.fields(result)}
    else:
        row = dict(vars(result))
    if voice is not None:
        row["voice"], row["speaker"] = voice
    return row


def read_article_passages(con, article_ids: Iterable[int]) -> Stored:
    """Every stored passage of these articles in order, with the crawl's voice and speaker.

    Args:
        con: a warehouse connection.
        article_ids: the articles.

    Returns:
        {article id: (source kind, [(id, paragraph, text, voice, speaker), ...])}.
    """
    ids = sorted(set(article_ids))
    stored: Stored = {}
    if not ids:
        return stored
    for article, kind, *passage in con.execute(_ARTICLE_PASSAGES, [ids]).fetchall():
        stored.setdefault(article, (kind, []))[1].append(tuple(passage))
    return stored


def article_sources(con, article_ids: Iterable[int]) -> dict[int, str]:
    """{article id: source name} of these articles."""
    ids = sorted(set(article_ids))
    if not ids:
        return {}
    return dict(
        con.execute(
            "SELECT id, source FROM articles WHERE id IN (SELECT unnest(?::BIGINT[]))", [ids]
        ).fetchall()
    )


def attribute_stored(stored: Stored, people: Iterable, aliases: list[str]) -> Voices:
    """Who speaks in each of these articles' stored passages, under today's rules.

    Each article's passages are attributed again in order (`attribute_article`); where that
    cannot be done (text purged, or the passages no longer come out of the text the same way)
    a passage keeps its crawl-time voice and speaker, and a log line says so.

    Args:
        stored: what `read_article_passages` returns.
        people: the configured people (`cfg.force.people`).
        aliases: the force's name and aliases.

    Returns:
        {passage id: (voice, speaker)} for every stored passage of those articles.
    """
    people = list(people)
    voices: Voices = {}
    for article, (kind, passages) in stored.items():
        found, kept = attribute_article(passages, people, aliases, kind)
        if kept:
            logger.info(
                "article %d: %s; their crawl-time voice and speaker are kept", article, kept
            )
        voices.update(found)
    return voices


def article_voices(con, article_ids: Iterable[int], people: Iterable, aliases: list[str]) -> Voices:
    """Who speaks in each stored passage of these articles, under today's attribution rules
    (`attribute_stored` over `read_article_passages`).

    Returns:
        {passage id: (voice, speaker)} for every stored passage of those articles.
    """
    return attribute_stored(read_article_passages(con, article_ids), people, aliases)


def attribute_article(
    passages: list[tuple], people: Iterable, aliases: list[str], source_kind: str | None
) -> tuple[Voices, str | None]:
    """One article's stored passages attributed again, as the crawl attributed them.

    The article's text is rebuilt from its passages (a paragraph's passages joined by a space,
    paragraphs by a blank line) and run through `passages.segment.segment_article` with the
    configured people, the force's names and the source kind; each stored passage takes the
    voice and speaker of the segment with its paragraph and text.

    Args:
        passages: (id, paragraph, text, voice, speaker) of every stored passage, in order;
            voice and speaker are the crawl-time ones.
        people: the configured people.
        aliases: the force's name and aliases.
        source_kind: the article's source kind.

    Returns:
        {passage id: (voice, speaker)}, and None, or a reason when some passages kept their
        crawl-time values (purged text, or passages the rules now split differently).
    """
    crawl_time = {pid: (voice, speaker) for pid, _, _, voice, speaker in passages}
    if any(text is None for _, _, text, _, _ in passages):
        return crawl_time, "its text is gone (retention purge), so it cannot be attributed again"
    paragraphs: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pid, paragraph, text, _, _ in passages:
        text = _WHITESPACE.sub(" ", text).strip()  # as `split_paragraphs` leaves it
        if text:  # an empty passage has no speaker to find: its crawl-time values stay
            paragraphs[paragraph].append((pid, text))
    wanted: dict[tuple[int, str], list[int]] = defaultdict(list)  # (block, text) -> ids
    for block, members in enumerate(paragraphs.values()):
        for pid, text in members:
            wanted[(block, text)].append(pid)
    text = "\n\n".join(" ".join(t for _, t in members) for members in paragraphs.values())
    voices = dict(crawl_time)
    missed = sum(len(ids) for ids in wanted.values())
    for seg in segment_article(text, people, aliases, source_kind=source_kind):
        ids = wanted.get((seg.paragraph, seg.text))
        if ids:
            voices[ids.pop(0)] = (seg.voice, seg.speaker)
            missed -= 1
    if missed:
        return voices, f"{missed} passage(s) no longer come out of its text as stored"
    return voices, None


def _log_purged(con) -> None:
    """Say how many passages a rescore leaves as they were because retention purged them."""
    passages, articles = con.execute(_PURGED).fetchone()
    if passages:
        logger.info(
            "%d passage(s) of %d article(s) have no text since the retention purge: not scored "
            "again, their scores and crawl-time voice and speaker are kept",
            passages,
            articles,
        )


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
