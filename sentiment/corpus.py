"""The labelled passage corpus: reading it, its people files and its fixed train/dev/test split."""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

from core.config import Person
from core.errors import PcmError
from core.vocabulary import STANCES, TOPICS, VOICES

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).parent / "data"
SPLIT_FILE = "split.json"
SPLITS = ("train", "dev", "test")
# Out of every 20 passages of a stratum: 14 train, 3 dev, 3 test (70/15/15).
SPLIT_PATTERN = ("train",) * 14 + ("dev",) * 3 + ("test",) * 3
# Names of the fictional force in each corpus file (the setting its writer used).
FORCE_ALIASES = {
    "a": ["Eastmere Constabulary", "Eastmere Police"],
    "b": ["Westbrook Police", "Westbrookshire Police", "Westbrook Constabulary"],
    "c": ["Ravensholt Constabulary", "Ravensholt Police"],
    "d": ["Fenwick Vale Police", "Fenwick Vale Constabulary"],
    "e": ["Harbourne Constabulary", "Harbourne Police"],
    "f": ["Thornbury Vale Constabulary", "Thornbury Vale Police"],
    "g": ["Marlow Bridge Police", "Marlow Bridge Constabulary"],
    "h": ["Corrandale Constabulary", "Corrandale Police"],
    "i": ["Kelderby Constabulary", "Kelderby Police"],
}
STANCE_LABELS = STANCES
# Settings written to add training data at the topic boundaries the model confused; their
# passages always go to train, so dev and test stay the sets earlier figures were measured on.
# Settings `f` and `g` were written in the shapes real coverage has (headlines, reported
# findings, hedges, rebuttals, statistics): train only, for the same reason. Setting `h` adds
# the positive stance real coverage carries (rebuttals, good news, praise, thanks) and criticism
# phrased to read like praise (conditionals, "must improve", "not one of"): train only too.
TRAIN_ONLY = frozenset({"e", "f", "g", "h", "i"})


class CorpusError(PcmError):
    """The corpus files are missing or malformed."""


@dataclass(frozen=True)
class Passage:
    """One labelled passage."""

    id: str
    text: str
    topics: dict[str, str]  # topic -> positive | neutral | negative
    voice: str
    speaker: str | None
    tags: tuple[str, ...]
    corpus: str  # the file's letter ("a", "b"), which picks people and force aliases


def _check(row: dict, where: str) -> None:
    for key in ("id", "text", "topics", "voice"):
        if key not in row:
            raise CorpusError(f"{where}: missing field {key!r}")
    for topic, stance in row["topics"].items():
        if topic not in TOPICS or stance not in STANCE_LABELS:
            raise CorpusError(f"{where}: unknown topic or stance {topic}={stance}")
    if row["voice"] not in VOICES:
        raise CorpusError(f"{where}: unknown voice {row['voice']!r}")


def read_corpus(data_dir: str | Path = DATA_DIR) -> list[Passage]:
    """All labelled passages from `corpus_*.jsonl` in a folder, in file then line order.

    Args:
        data_dir: folder holding `corpus_<letter>.jsonl` (and `people_<letter>.yaml`).

    Returns:
        The passages.

    Raises:
        CorpusError: when no corpus file exists or a line is malformed.
    """
    data_dir = Path(data_dir)
    files = sorted(data_dir.glob("corpus_*.jsonl"))
    if not files:
        raise CorpusError(f"{data_dir}: no corpus_*.jsonl files; pass --corpus DIR")
    out = []
    for path in files:
        letter = path.stem.split("_", 1)[1]
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CorpusError(f"{path}:{n}: not JSON ({exc.msg})") from None
            _check(row, f"{path}:{n}")
            out.append(
                Passage(
                    str(row["id"]),
                    row["text"],
                    dict(row["topics"]),
                    row["voice"],
                    row.get("speaker"),
                    tuple(row.get("tags") or ()),
                    letter,
                )
            )
    return out


def read_people(data_dir: str | Path = DATA_DIR) -> dict[str, list[Person]]:
    """The people files: corpus letter -> configured people (name and voice)."""
    out: dict[str, list[Person]] = {}
    for path in sorted(Path(data_dir).glob("people_*.yaml")):
        letter = path.stem.split("_", 1)[1]
        rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        out[letter] = [Person(**row) for row in rows]
    return out


def _stratum(p: Passage) -> tuple:
    first = sorted(p.topics.items())[0] if p.topics else ("none", "none")
    return (p.corpus, first[0], first[1])


def _rank(pid: str) -> str:
    return hashlib.sha256(pid.encode()).hexdigest()


def make_split(passages: list[Passage]) -> dict[str, list[str]]:
    """A deterministic 70/15/15 split, stratified by corpus file, first topic and its stance.

    Within each stratum passages are ordered by a hash of their id and dealt out in the fixed
    pattern of `SPLIT_PATTERN`, so the split depends only on the ids and labels.

    Args:
        passages: the whole corpus.

    Returns:
        {"train": [ids], "dev": [ids], "test": [ids]}, ids sorted.
    """
    strata: dict[tuple, list[Passage]] = defaultdict(list)
    for p in passages:
        strata[_stratum(p)].append(p)
    split: dict[str, list[str]] = {name: [] for name in SPLITS}
    offset = 0
    for key in sorted(strata):
        members = sorted(strata[key], key=lambda p: _rank(p.id))
        for i, p in enumerate(members):
            split[SPLIT_PATTERN[(i + offset) % len(SPLIT_PATTERN)]].append(p.id)
        offset += len(members)  # small strata do not all start with "train"
    return {name: sorted(ids) for name, ids in split.items()}


def extend_split(passages: list[Passage], stored: dict[str, list[str]]) -> dict[str, list[str]]:
    """The stored split with passages it does not know dealt out 70/15/15 as `make_split` does.

    Passages already in the split keep their place, so an earlier test split stays test and
    figures on it remain comparable; the new passages are split among themselves, except
    those of `TRAIN_ONLY` settings, which all go to train.

    Args:
        passages: the whole corpus.
        stored: the current split.

    Returns:
        The extended split, ids sorted.
    """
    known = {pid for ids in stored.values() for pid in ids}
    new = [p for p in passages if p.id not in known]
    added = make_split([p for p in new if p.corpus not in TRAIN_ONLY])
    added["train"] += [p.id for p in new if p.corpus in TRAIN_ONLY]
    return {name: sorted(set(stored.get(name, [])) | set(added[name])) for name in SPLITS}


def load_split(
    passages: list[Passage], data_dir: str | Path = DATA_DIR, write: bool = True
) -> dict[str, list[Passage]]:
    """The stored split (written once, from `make_split`, when missing); new ids go to train.

    Args:
        passages: the corpus.
        data_dir: where `split.json` lives.
        write: create `split.json` when it does not exist.

    Returns:
        {"train": [...], "dev": [...], "test": [...]} passages.
    """
    path = Path(data_dir) / SPLIT_FILE
    if path.exists():
        stored = json.loads(path.read_text(encoding="utf-8"))
    else:
        stored = make_split(passages)
        if write:
            path.write_text(json.dumps(stored, indent=0) + "\n", encoding="utf-8")
            logger.info("wrote the corpus split to %s", path)
    where = {pid: name for name in SPLITS for pid in stored.get(name, [])}
    out: dict[str, list[Passage]] = {name: [] for name in SPLITS}
    unknown = 0
    for p in passages:
        name = where.get(p.id)
        if name is None:
            unknown += 1
            name = "train"  # a passage added after the split never leaks into dev or test
        out[name].append(p)
    if unknown:
        logger.info("%d passages are not in %s; they count as train", unknown, path)
    return out
