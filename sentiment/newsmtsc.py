"""Reading NewsMTSC (Hamborg & Donnay, EACL 2021; MIT): news sentences with target stances."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from core.errors import PcmError

logger = logging.getLogger(__name__)

POLARITY = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}
TRAIN_FILE = "train.jsonl"
HELD_OUT = ("devtest_rw.jsonl", "devtest_mt.jsonl")  # evaluation only, never for training


class DataMissingError(PcmError):
    """A data file the command needs is missing or unreadable."""


@dataclass(frozen=True)
class TargetSentence:
    """One sentence and its marked targets: (start char, end char, stance)."""

    text: str
    targets: tuple[tuple[int, int, str], ...]


def read_newsmtsc(path: str | Path) -> list[TargetSentence]:
    """Read one NewsMTSC jsonl file.

    Args:
        path: e.g. `../shared/data/newsmtsc/train.jsonl`.

    Returns:
        Sentences with their targets, in file order.

    Raises:
        DataMissingError: when the file does not exist.
    """
    path = Path(path)
    if not path.is_file():
        raise DataMissingError(f"{path}: NewsMTSC file not found; pass --newsmtsc DIR")
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            targets = tuple(
                (int(t["from"]), int(t["to"]), POLARITY[float(t["polarity"])])
                for t in row["targets"]
                if float(t["polarity"]) in POLARITY
            )
            if targets:
                out.append(TargetSentence(row["sentence_normalized"], targets))
    logger.info(
        "read %d NewsMTSC sentences (%d targets) from %s",
        len(out),
        sum(len(s.targets) for s in out),
        path,
    )
    return out


def train_path(folder_or_file: str | Path) -> Path:
    """NewsMTSC's `train.jsonl` from a folder or the file itself; never a held-out file.

    Args:
        folder_or_file: the NewsMTSC folder, or its `train.jsonl`.

    Returns:
        The path of `train.jsonl`.

    Raises:
        ValueError: when the path names another file (the devtest files are evaluation only).
    """
    path = Path(folder_or_file)
    path = path / TRAIN_FILE if path.is_dir() else path
    if path.name != TRAIN_FILE:
        raise ValueError(f"{path}: only NewsMTSC {TRAIN_FILE} may be used for training")
    return path
