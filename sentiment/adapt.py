"""`pcm train --adapt`: continue training the shipped model on real coverage, low-rank.

The shipped encoder layers stay as they are; a low-rank update to each dense layer
(`sentiment.lora`) and the heads are trained on the corpus train split (every setting), the
real-coverage train part and NewsMTSC train, with the epoch picked on the corpus dev split
together with the real dev part and the NewsMTSC held-out tenth. Then the heads are refitted
and the stance calibrated (`sentiment.heads_refit`). A final fit (`choices_from`) trains on
the real train and dev parts together and picks the epoch on the corpus dev split and the
NewsMTSC tenth alone. The real test part is never read.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file

from core.vocabulary import TOPICS
from sentiment.confidence_model import (
    HEADS_FILE,
    LAYERS_FILE,
    META_FILE,
    NUM_THREADS,
    model_version,
)
from sentiment.corpus import DATA_DIR, Passage, load_split, read_corpus
from sentiment.encoder import load_encoder
from sentiment.heads import save_heads
from sentiment.lora import load_update, save, wrap
from sentiment.newsmtsc import TRAIN_FILE
from sentiment.newsmtsc import train_path as newsmtsc_train_path
from sentiment.train import Settings, StanceItem, TrainData, Trainer, cache_lower, set_seed
from sentiment.training import _add_corpus, _add_newsmtsc, _dev_metrics

logger = logging.getLogger(__name__)

REAL_WEIGHT = 3.0  # loss weight of a real-coverage pair (corpus pairs: 2, NewsMTSC: 1)


@dataclass(frozen=True)
class AdaptSettings:
    """Hyper-parameters of the low-rank continued training."""

    rank: int = 16
    alpha: float = 32.0
    epochs: int = 3
    lr: float = 2e-4
    lr_heads: float = 5e-4
    seed: int = 13


def _real_passages(labels_dir, real_dir, files: list[str], extra_dir=None) -> list[Passage]:
    """The labelled sentences of some real articles (and of `extra_dir`'s), as passages."""
    from sentiment.real_coverage import train_sentences

    return [
        Passage(f"real-{s.file}-{k}", s.text, s.topics, s.voice, None, (), "real")
        for k, s in enumerate(train_sentences(labels_dir, real_dir, files, extra_dir))
    ]


def adapt_model(
    base_dir: str | Path,
    out_dir: str | Path,
    real_dir: str | Path,
    labels_dir: str | Path,
    corpus_dir: str | Path = DATA_DIR,
    newsmtsc_dir: str | Path | None = None,
    settings: AdaptSettings | None = None,
    progress: Callable[[str], None] | None = None,
    real_split_file: str | Path | None = None,
    choices_from: str | Path | None = None,
    extra_labels: str | Path | None = None,
) -> dict:
    """Write to `out_dir` the model of `base_dir` adapted to real coverage.

    Args:
        base_dir: the trained model folder to start from (its files are copied, never changed).
        out_dir: the folder to write (created; may equal `base_dir` to adapt in place).
        real_dir: rebuilt real articles.
        labels_dir: the real-coverage labels folder.
        corpus_dir: the labelled corpus.
        newsmtsc_dir: NewsMTSC folder with `train.jsonl`, or None.
        settings: hyper-parameters.
        progress: called with one-line status messages.
        real_split_file: the real articles' split (default `sentiment/data/real_split.json`).
        choices_from: a final fit: train on the real train and dev parts together, with the
            same settings, and take every choice made on real dev from this model folder (one
            trained on the train part alone; see `heads_refit.read_choices`).
        extra_labels: more labelled real articles to train on (never dev or test), or None.

    Returns:
        The training report (stored in `model.json` under `adapt`).
    """
    from sentiment.heads_refit import read_choices, refit_heads

    final = choices_from is not None
    if final:
        read_choices(choices_from)  # a source that cannot give its choices fails before training
    s = settings or AdaptSettings()
    say = progress or (lambda line: logger.info("%s", line))
    started = time.monotonic()
    torch.set_num_threads(NUM_THREADS)
    set_seed(s.seed)
    out, meta, train_settings = _start_from(base_dir, out_dir, s)
    real = (real_dir, labels_dir, extra_labels)
    inputs = _gather(corpus_dir, real, real_split_file, newsmtsc_dir, train_settings, final)
    say(
        f"adapting: {len(inputs.data.texts)} texts, {len(inputs.data.stance)} stance pairs "
        f"(real train {len(inputs.real_train)} sentences), dev {len(inputs.dev_passages)} passages"
    )
    trainer, history = _train_update(inputs, out, s, train_settings, say)
    save(trainer.top, out)
    save_heads(trainer.heads, out / HEADS_FILE)
    report = {
        "settings": {**s.__dict__, "real_weight": REAL_WEIGHT},
        "real_parts": "train+dev" if final else "train",
        "extra_labels": Path(extra_labels).name if extra_labels else None,
        "data": inputs.report(newsmtsc_dir),
        "history": {k: v for k, v in history.items() if k != "seconds"},
    }
    meta["adapt"] = report
    (out / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    say(f"low-rank update trained in {history['seconds']:.0f} s; refitting the heads")
    refit = refit_heads(
        out,
        corpus_dir,
        newsmtsc_dir,
        real_dir,
        labels_dir,
        s.seed,
        say,
        real_split_file=real_split_file,
        choices_from=choices_from,
        extra_labels=extra_labels,
    )
    return report | {
        "heads_refit": refit,
        "version": model_version(out),
        "seconds": round(time.monotonic() - started, 1),
    }


@dataclass
class _Inputs:
    """What the low-rank update trains on and picks its epoch with (see `_gather`)."""

    data: TrainData
    real_train: list[Passage]
    real_dev: list[Passage]
    dev_passages: list[Passage]  # corpus dev, then real dev
    dev_texts: list[int]
    dev_items: list[StanceItem]
    nm_dev: list[StanceItem]

    def report(self, newsmtsc_dir: str | Path | None) -> dict:
        """The adapt report's account of the data."""
        return {
            "texts": len(self.data.texts),
            "stance_pairs": len(self.data.stance),
            "real_train_sentences": len(self.real_train),
            "real_dev_sentences": len(self.real_dev),
            "newsmtsc_train": TRAIN_FILE if newsmtsc_dir else None,
        }


def _start_from(
    base_dir: str | Path, out_dir: str | Path, s: AdaptSettings
) -> tuple[Path, dict, Settings]:
    """Copy the base model into `out_dir` (unless the same folder).

    Returns:
        (the output folder, its `model.json`, the fine-tuning settings for the update: the
        base's, with every layer trainable and `s`'s epochs, learning rates and seed).
    """
    base, out = Path(base_dir), Path(out_dir)
    if base.resolve() != out.resolve():
        shutil.copytree(base, out, dirs_exist_ok=True)
    meta = json.loads((out / META_FILE).read_text(encoding="utf-8"))
    train_settings = replace(
        Settings(**meta["settings"]),
        trainable_layers=6,
        epochs=s.epochs,
        lr_layers=s.lr,
        lr_heads=s.lr_heads,
        seed=s.seed,
    )
    return out, meta, train_settings


def _gather(
    corpus_dir: str | Path,
    real: tuple,
    real_split_file: str | Path | None,
    newsmtsc_dir: str | Path | None,
    train_settings: Settings,
    final: bool = False,
) -> _Inputs:
    """Training data (corpus train, real train, NewsMTSC's 90 %) and selection data (corpus
    dev with real dev, NewsMTSC's held-out tenth), added in that order; `real` is (rebuilt
    texts, labels, extra labels or None); `final`: the real dev part is trained on too, and
    only the corpus dev and the NewsMTSC tenth choose."""
    from sentiment.real_coverage import training_split

    real_dir, labels_dir, extra_dir = real
    corpus = load_split(read_corpus(corpus_dir), corpus_dir)
    split = training_split(real_split_file, final)
    real_train = _real_passages(labels_dir, real_dir, split["train"], extra_dir)
    real_dev = _real_passages(labels_dir, real_dir, split["dev"])
    data = TrainData()
    _add_corpus(data, corpus["train"], train_settings.corpus_weight, train=True)
    _add_corpus(data, real_train, REAL_WEIGHT, train=True)
    dev_passages = corpus["dev"] + real_dev
    dev_texts, dev_items = _add_corpus(data, dev_passages, 1.0, train=False)
    nm_dev = []
    if newsmtsc_dir:
        path = newsmtsc_train_path(newsmtsc_dir)
        nm_dev = _add_newsmtsc(data, path, None)
    return _Inputs(data, real_train, real_dev, dev_passages, dev_texts, dev_items, nm_dev)


def _train_update(
    inputs: _Inputs,
    out: Path,
    s: AdaptSettings,
    train_settings: Settings,
    say: Callable[[str], None],
) -> tuple[Trainer, dict]:
    """Train the low-rank update and the heads from the model in `out`; keep the best epoch
    on dev. Returns the trainer and its history."""
    tokenizer, encoder = load_encoder()
    # the shipped layers without any earlier update: an earlier update is where this one
    # starts from, so the saved update is always the whole change to the shipped layers
    encoder.load_state_dict(
        {k: v.float() for k, v in load_file(out / LAYERS_FILE).items()}, strict=False
    )
    cached = cache_lower(encoder, tokenizer, inputs.data.texts, 0, train_settings.max_tokens)
    trainer = Trainer(encoder, train_settings)
    trainer.heads.load_state_dict({k: v.float() for k, v in load_file(out / HEADS_FILE).items()})
    wrap(trainer.top, s.rank, s.alpha, start=load_update(out))
    gold = np.array([[1.0 if t in p.topics else 0.0 for t in TOPICS] for p in inputs.dev_passages])

    def dev_score(tr: Trainer) -> float:
        metrics = _dev_metrics(tr, cached, inputs.dev_texts, inputs.dev_items, inputs.nm_dev, gold)
        return float(np.mean(list(metrics.values())))

    history = trainer.fit(inputs.data, cached, dev_score, say)
    return trainer, history
