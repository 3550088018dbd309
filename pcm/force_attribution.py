"""Which configured forces an article concerns, and each passage read from each of them.

One deployment may watch many forces (core/forces.py). The model scores a passage once; what
depends on the force is read again for each force the article concerns:
- the passage's target seen from that force (`passages.force_target`: about it, another force,
  all forces, none);
- its voice and speaker under that force's people and names (a Suffolk officer speaks for the
  force only on Suffolk's view).

An article concerns the forces, among those its source covers (`sources[].forces`, else
every force), that it names: a force's name or alias, "police" after one of its area's places,
or one of its officers or its commissioner by name. An article that names none of them
concerns the forces its source lists, or none (its passages then count for no force). With one
force configured every article concerns it, as before forces were many.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from crawler.relevance import RelevanceFilter
from passages.force_target import ForceTargeter

logger = logging.getLogger(__name__)

# (force id, target, voice, speaker) of one passage for one force
ForceReading = tuple[str, str, str | None, str | None]


class ForceReader:
    """One force's way of reading passages: its targeter, people and names."""

    def __init__(self, force) -> None:
        self.id: str = force.id
        self.targeter = ForceTargeter(force.name, force.aliases, force.area)
        self.people = list(force.people)
        self.names: list[str] = force.names
        # the crawl's test of a mention, for its officers and commissioner named in the text
        self._relevance = RelevanceFilter(force)

    def mentioned(self, texts: Iterable[str]) -> bool:
        """True when any of the texts names the force (its name or an alias, "police" right
        after one of its places: `ForceTargeter.names_own`) or one of its officers or its
        commissioner. Stricter than the crawl's relevance: a place and "police" anywhere in the
        text do not count, so a story about a neighbour that names a town here stays theirs."""
        for text in texts:
            if self.targeter.names_own(text):
                return True
            if self._relevance.reason(text, None, "local_news") in ("alias", "person"):
                return True
        return False

    def targets(self, passages: Sequence[tuple[int, int, str, bool]]) -> dict[int, str]:
        """{passage id: target} of one article's passages, in order.

        Args:
            passages: (id, paragraph, text, has topics) in article order; a passage that names
                no force is read with the one before it in the same paragraph.
        """
        out: dict[int, str] = {}
        previous: tuple[int, str] | None = None  # (paragraph, target)
        for pid, paragraph, text, has_topics in passages:
            before = previous[1] if previous and previous[0] == paragraph else None
            out[pid] = self.targeter.target(text, has_topics, before)
            previous = (paragraph, out[pid])
        return out


class ForceSet:
    """Every configured force's reader, and which of them each article concerns.

    Args:
        forces: the config's forces, the default one first.
        source_forces: {source name: [force ids]} for sources that list the forces they cover.
    """

    def __init__(self, forces: Sequence, source_forces: Mapping[str, Sequence[str]] | None = None):
        self.readers = [ForceReader(f) for f in forces]
        self.default = self.readers[0]
        self.source_forces = {k: list(v) for k, v in (source_forces or {}).items() if v}

    @property
    def many(self) -> bool:
        """More than one force is configured."""
        return len(self.readers) > 1

    def concerned(self, texts: Sequence[str], source: str | None) -> list[ForceReader]:
        """The readers of the forces an article concerns (see the module's docstring)."""
        if not self.many:
            return list(self.readers)
        listed = self.source_forces.get(source or "")
        allowed = [r for r in self.readers if r.id in listed] if listed else self.readers
        found = [r for r in allowed if r.mentioned(texts)]
        if found:
            return found
        return allowed if listed else []


def config_force_set(cfg) -> ForceSet:
    """The `ForceSet` of a config: its forces and the forces each source lists."""
    return ForceSet(cfg.forces, {s.name: s.forces for s in cfg.sources if s.forces})


def read_forces(
    forces: ForceSet,
    chunk: Sequence[tuple[int, str]],
    results: Sequence[Any],
    where: Mapping[int, tuple[int, int]],
    stored: Mapping[int, tuple[str | None, list[tuple]]],
    sources: Mapping[int, str],
    attribute,
    default_voices: Mapping[int, tuple[str, str | None]] | None = None,
) -> dict[int, list[ForceReading]]:
    """Each chunk passage's reading by every force its article concerns.

    Args:
        forces: the deployment's forces.
        chunk: (passage id, text) in order, whole articles.
        results: the model's result of each, in the same order (`topics` says whether it has
            a topic).
        where: {passage id: (article id, paragraph)}.
        stored: the articles' stored passages (`pcm.scoring.read_article_passages`).
        sources: {article id: source name}.
        attribute: `pcm.scoring.attribute_stored`, called with one article, a force's people
            and names.
        default_voices: the default force's voices of these articles when the caller has
            them already (`attribute_stored` with its people): not attributed a second time.

    Returns:
        {passage id: [(force id, target, voice, speaker), ...]}; a passage whose article
        concerns no force has an empty list.
    """
    by_article: dict[int, list[tuple[int, int, str, bool]]] = {}
    for (pid, text), res in zip(chunk, results, strict=True):
        article, paragraph = where.get(pid, (None, None))
        topics = res.get("topics") if isinstance(res, Mapping) else getattr(res, "topics", None)
        by_article.setdefault(article, []).append((pid, paragraph, text, bool(topics)))
    out: dict[int, list[ForceReading]] = {pid: [] for pid, _ in chunk}
    for article, passages in by_article.items():
        kind_passages = stored.get(article) if article is not None else None
        texts = [t for _, _, t, _ in passages]
        if kind_passages:
            texts = [row[2] for row in kind_passages[1] if row[2]] or texts
        for reader in forces.concerned(texts, sources.get(article)):
            targets = reader.targets(passages)
            if reader is forces.default and default_voices is not None:
                voices = default_voices
            elif kind_passages:
                voices = attribute({article: kind_passages}, reader.people, reader.names)
            else:
                voices = {}
            for pid, *_ in passages:
                voice, speaker = voices.get(pid, (None, None))
                out[pid].append((reader.id, targets[pid], voice, speaker))
    return out
