"""The data `sentiment.heads_refit` refits the heads on: texts, topic rows, stance pairs.

The corpus train and dev splits, the real-coverage train and dev parts (when given) and
NewsMTSC `train.jsonl` (its held-out tenth for choices), and their encoded vectors.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import torch

from core.vocabulary import TOPICS
from sentiment.confidence_model import ConfidenceModel
from sentiment.corpus import Passage
from sentiment.encoder import masked_mean
from sentiment.heads import NO_TOPIC, STANCES
from sentiment.newsmtsc import read_newsmtsc
from sentiment.newsmtsc import train_path as newsmtsc_train_path
from sentiment.targets import force_pattern, force_spans, token_mask
from sentiment.training import _held_out

REAL_WEIGHT = 3.0  # loss weight of a real-coverage stance pair against a NewsMTSC target
CORPUS_WEIGHT = 2.0  # as in fine-tuning (`sentiment.train.Settings.corpus_weight`)
_TARGET = force_pattern()


@dataclass
class Items:
    """Stance pairs over encoded texts: which text, target spans, topic, label, weight."""

    text: list[int] = field(default_factory=list)
    spans: list[list[tuple[int, int]] | None] = field(default_factory=list)
    topic: list[int] = field(default_factory=list)
    label: list[int] = field(default_factory=list)
    weight: list[float] = field(default_factory=list)

    def add(self, text: int, spans, topic: int, label: str, weight: float) -> None:
        """Add one pair (`spans` None: the force's mentions in the text)."""
        self.text.append(text)
        self.spans.append(spans)
        self.topic.append(topic)
        self.label.append(STANCES.index(label))
        self.weight.append(weight)

    def __len__(self) -> int:
        return len(self.text)


class Texts:
    """Unique texts to encode, with their topic labels where known."""

    def __init__(self):
        self.texts: list[str] = []
        self.index: dict[str, int] = {}

    def add(self, text: str) -> int:
        """The index of `text`, added if new."""
        if text not in self.index:
            self.index[text] = len(self.texts)
            self.texts.append(text)
        return self.index[text]


def encode(
    model: ConfidenceModel, texts: list[str], items: list[Items], say: Callable[[str], None]
) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """Pooled vectors of every text and target-pooled vectors of every stance item."""
    pooled = torch.zeros(len(texts), model.encoder.config.hidden_size)
    by_text: dict[int, list[tuple[int, int]]] = {}
    for g, group in enumerate(items):
        for k, t in enumerate(group.text):
            by_text.setdefault(t, []).append((g, k))
    targets = [torch.zeros(len(group), pooled.shape[1]) for group in items]
    started, done = time.monotonic(), 0
    with torch.inference_mode():
        for batch, enc, hidden in model._encoded(texts, offsets=True):
            mask = enc["attention_mask"]
            pooled[batch] = masked_mean(hidden, mask)
            for r, i in enumerate(batch):
                wanted = by_text.get(i)
                if not wanted:
                    continue
                n = int(mask[r].sum())
                offsets = [tuple(o) for o in enc["offset_mapping"][r, :n].tolist()]
                for g, k in wanted:
                    spans = items[g].spans[k]
                    spans = force_spans(texts[i], _TARGET) if spans is None else spans
                    m = token_mask(offsets, spans)
                    targets[g][k] = (hidden[r, :n] * m[:, None]).sum(0) / m.sum().clamp(min=1)
            done += len(batch)
            if done % 2048 < len(batch):
                say(f"encoded {done}/{len(texts)} texts ({time.monotonic() - started:.0f} s)")
    return pooled, targets


def _empty_stance() -> dict[str, Items]:
    """Stance pairs by part: train, and the three dev parts choices are made on."""
    return {"train": Items(), "corpus_dev": Items(), "real_dev": Items(), "nm_dev": Items()}


@dataclass
class RefitData:
    """The texts `refit_heads` encodes, with their topic rows and stance pairs by part."""

    texts: Texts = field(default_factory=Texts)
    # topic rows: (text index, topics) per part
    topic_rows: dict[str, list[tuple[int, dict[str, str]]]] = field(
        default_factory=lambda: {"train": [], "dev": []}
    )
    stance: dict[str, Items] = field(default_factory=_empty_stance)
    real_counts: dict[str, int] = field(default_factory=lambda: {"train": 0, "dev": 0})
    real_dev_files: list[str] = field(default_factory=list)  # the real dev articles
    nm_used: str | None = None  # the NewsMTSC file's name

    def report(self, corpus: dict[str, list[Passage]]) -> dict:
        """The refit report's account of the data."""
        return {
            "corpus_train": len(corpus["train"]),
            "corpus_dev": len(corpus["dev"]),
            "real_train_sentences": self.real_counts["train"],
            "real_dev_sentences": self.real_counts["dev"],
            "newsmtsc_train": self.nm_used,
            "stance_pairs": len(self.stance["train"]),
        }


def gather(
    corpus: dict[str, list[Passage]],
    newsmtsc_dir: str | Path | None,
    real: tuple,
    real_split_file: str | Path | None,
    final: bool = False,
) -> RefitData:
    """The texts to encode with their topic rows and stance pairs: the corpus, then the real
    coverage (`real`: rebuilt texts or None, labels, extra labels or None; `final`: its train
    and dev parts both to train on), then NewsMTSC (with `newsmtsc_dir`)."""
    from sentiment.real_coverage import training_split

    data = RefitData()
    _add_corpus(data, corpus)
    real_dir, labels_dir, extra_dir = real
    if real_dir:
        split = training_split(real_split_file, final)
        _add_real(data, (labels_dir, extra_dir), real_dir, split)
        data.real_dev_files = split["dev"]
    if newsmtsc_dir:
        _add_newsmtsc(data, newsmtsc_dir)
    return data


def _add_corpus(data: RefitData, corpus: dict[str, list[Passage]]) -> None:
    """The corpus train and dev splits: topic rows and stance pairs (`CORPUS_WEIGHT`)."""
    for part in ("train", "dev"):
        for p in corpus[part]:
            i = data.texts.add(p.text)
            data.topic_rows[part].append((i, p.topics))
            for topic, label in sorted(p.topics.items()):
                target = data.stance["train"] if part == "train" else data.stance["corpus_dev"]
                target.add(i, None, TOPICS.index(topic), label, CORPUS_WEIGHT)


def _add_real(
    data: RefitData,
    labels: tuple,
    real_dir: str | Path,
    split: dict[str, list[str]],
) -> None:
    """The real-coverage train and dev parts: topic rows and stance pairs (`REAL_WEIGHT`);
    `labels` is (the labels folder, the extra labels folder or None: train only)."""
    from sentiment.real_coverage import real_sentences, train_sentences

    labels_dir, extra_dir = labels
    for part in ("train", "dev"):
        if part == "train":
            found = train_sentences(labels_dir, real_dir, split[part], extra_dir)
        else:
            found = real_sentences(labels_dir, real_dir, split[part])
        for s in found:
            i = data.texts.add(s.text)
            data.topic_rows[part].append((i, s.topics))
            data.real_counts[part] += 1
            for topic, label in sorted(s.topics.items()):
                target = data.stance["train"] if part == "train" else data.stance["real_dev"]
                target.add(i, None, TOPICS.index(topic), label, REAL_WEIGHT)


def _add_newsmtsc(data: RefitData, newsmtsc_dir: str | Path) -> None:
    """NewsMTSC train targets: 90 % to train on, the held-out tenth to choose with."""
    path = newsmtsc_train_path(newsmtsc_dir)
    for s in read_newsmtsc(path):
        i = data.texts.add(s.text)
        for start, end, label in s.targets:
            target = data.stance["nm_dev"] if _held_out(s.text) else data.stance["train"]
            target.add(i, [(start, end)], NO_TOPIC, label, 1.0)
    data.nm_used = path.name
