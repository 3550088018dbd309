"""`pcm train`: build the training data, fine-tune, pick the topic threshold, save the model."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file
from sklearn.metrics import f1_score

from core.vocabulary import TOPICS
from sentiment.confidence_model import (
    HEADS_FILE,
    LAYERS_FILE,
    META_FILE,
    NUM_THREADS,
    model_version,
)
from sentiment.corpus import DATA_DIR, Passage, load_split, read_corpus
from sentiment.encoder import ENCODER_NAME, load_encoder
from sentiment.heads import NO_TOPIC, STANCES, save_heads
from sentiment.newsmtsc import read_newsmtsc
from sentiment.newsmtsc import train_path as newsmtsc_train_path
from sentiment.targets import force_pattern, force_spans
from sentiment.topic_refit import best_threshold, refit_topic_head
from sentiment.train import Cached, Settings, StanceItem, TrainData, Trainer, cache_lower, set_seed

logger = logging.getLogger(__name__)

MODEL_NAME = "pcm-minilm-l6-confidence"
NEWSMTSC_DEV_SHARE = 10  # 1 in 10 NewsMTSC train sentences is held out for model selection
_TARGET = force_pattern()
ROOT = Path(__file__).resolve().parents[1]


def _portable(path: str | Path) -> str:
    """A path as the model card should record it: relative to the repository, never absolute."""
    rel = Path(os.path.relpath(Path(path).resolve(), ROOT))
    return rel.as_posix() if rel.parts[:2] != ("..", "..") else Path(path).name


def _held_out(text: str) -> bool:
    """Deterministic 10 % of NewsMTSC train sentences, held out to pick the epoch."""
    return int(hashlib.sha256(text.encode()).hexdigest(), 16) % NEWSMTSC_DEV_SHARE == 0


def _add_corpus(
    data: TrainData, passages: list[Passage], weight: float, train: bool
) -> tuple[list[int], list[StanceItem]]:
    """Add corpus passages' texts to `data`, with their topics and stance pairs when `train`.

    Returns:
        (the passages' text indices, their stance pairs).
    """
    texts, items = [], []
    for p in passages:
        i = data.add_text(p.text)
        texts.append(i)
        spans = force_spans(p.text, _TARGET)
        labels = [1.0 if t in p.topics else 0.0 for t in TOPICS]
        for topic, stance in sorted(p.topics.items()):
            items.append(StanceItem(i, spans, TOPICS.index(topic), STANCES.index(stance), weight))
        if train:
            data.topics[i] = labels
    if train:
        data.stance.extend(items)
    return texts, items


def _add_newsmtsc(data: TrainData, path: Path, limit: int | None) -> list[StanceItem]:
    """Add NewsMTSC sentences to `data`: 90 % of the targets to train on; the held-out tenth's
    targets are returned."""
    sentences = read_newsmtsc(path)
    if limit:
        sentences = sentences[:limit]
    dev: list[StanceItem] = []
    for s in sentences:
        i = data.add_text(s.text)
        held = _held_out(s.text)
        for start, end, stance in s.targets:
            item = StanceItem(i, [(start, end)], NO_TOPIC, STANCES.index(stance), 1.0)
            (dev if held else data.stance).append(item)
    return dev


@dataclass
class _Inputs:
    """What `train_model` trains on and picks the epoch and threshold with."""

    data: TrainData  # training texts, stance pairs and topic labels
    dev_texts: list[int]  # corpus dev passages (indices into data.texts)
    dev_items: list[StanceItem]  # their stance pairs
    nm_dev: list[StanceItem]  # the held-out tenth of NewsMTSC
    nm_used: str | None  # the NewsMTSC file as the model card records it
    gold_topics: np.ndarray | None  # corpus dev topic labels


def train_model(
    out_dir: str | Path,
    corpus_dir: str | Path = DATA_DIR,
    newsmtsc_dir: str | Path | None = None,
    settings: Settings | None = None,
    newsmtsc_limit: int | None = None,
    progress: Callable[[str], None] | None = None,
    corrections: list[Passage] | None = None,
) -> dict:
    """Train the topic and stance model and write it to `out_dir`.

    Inputs: the corpus's train split (dev picks the epoch and the topic threshold; test is
    never read) and, when `newsmtsc_dir` is given, NewsMTSC `train.jsonl` (90 % to train,
    a fixed 10 % to pick the epoch). The NewsMTSC devtest files are never read here.

    Args:
        out_dir: the model folder to write (created).
        corpus_dir: folder with `corpus_*.jsonl` and `split.json`.
        newsmtsc_dir: folder with NewsMTSC `train.jsonl`, or None to train without it.
        settings: hyper-parameters (default: the shipped model's).
        newsmtsc_limit: use only the first N NewsMTSC sentences (for quick runs).
        progress: called with one-line status messages.
        corrections: analysts' corrected passages from a warehouse
            (`pcm.feedback.read_corrections`), added to the training data only.

    Returns:
        The training report (also stored in `model.json`).
    """
    settings = settings or Settings()
    say = progress or (lambda line: logger.info("%s", line))
    started = time.monotonic()
    torch.set_num_threads(NUM_THREADS)
    set_seed(settings.seed)
    passages = read_corpus(corpus_dir)
    split = load_split(passages, corpus_dir)
    corrections = list(corrections or [])
    inputs = _gather(split, corrections, newsmtsc_dir, newsmtsc_limit, settings, say)
    trainer, cached, frozen, history, metrics = _fine_tune(inputs, settings, say)
    threshold, topic_f1 = 0.5, metrics.get("dev_topic_micro_f1")
    if inputs.dev_texts:
        probs, _ = trainer.predict(cached, inputs.dev_texts)
        threshold, topic_f1 = best_threshold(probs, inputs.gold_topics)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _save_weights(out, trainer, frozen)
    report = {
        "name": MODEL_NAME,
        "encoder": ENCODER_NAME,
        "trainable_layers": settings.trainable_layers,
        "head_hidden": settings.head_hidden,
        "topic_threshold": threshold,
        "stances": list(STANCES),
        "topics": list(TOPICS),
        "settings": asdict(settings),
        "data": _data_report(corpus_dir, split, corrections, inputs),
        "dev": {**metrics, "dev_topic_micro_f1_tuned": topic_f1},
        "history": history,
        "train_seconds": round(time.monotonic() - started, 1),
    }
    _write_stable_meta(out, report)
    refit = refit_topic_head(
        out, corpus_dir, seed=settings.seed, progress=say, corrections=corrections
    )
    if refit:
        report["topic_threshold"] = refit["threshold"]
        report["topic_floor"] = refit["floor"]
        report["topic_refit"] = refit
        report["dev"]["dev_topic_micro_f1_tuned"] = refit["dev_topic_micro_f1"]
    report["version"] = model_version(out)
    say(f"wrote {out} (version {report['version']}) in {report['train_seconds']:.0f} s")
    return report


def _gather(
    split: dict[str, list[Passage]],
    corrections: list[Passage],
    newsmtsc_dir: str | Path | None,
    newsmtsc_limit: int | None,
    settings: Settings,
    say: Callable[[str], None],
) -> _Inputs:
    """The training data (corpus train, corrections, NewsMTSC's 90 %) and the selection data
    (corpus dev, NewsMTSC's held-out tenth), added in that order."""
    data = TrainData()
    _add_corpus(data, split["train"], settings.corpus_weight, train=True)
    if corrections:
        _add_corpus(data, corrections, settings.corpus_weight, train=True)
        say(f"added {len(corrections)} analyst-corrected passages to the training data")
    dev_texts, dev_items = _add_corpus(data, split["dev"], 1.0, train=False)
    nm_dev: list[StanceItem] = []
    nm_used = None
    if newsmtsc_dir:
        path = newsmtsc_train_path(newsmtsc_dir)
        nm_dev = _add_newsmtsc(data, path, newsmtsc_limit)
        nm_used = _portable(path)
    else:
        say("NewsMTSC not given (--newsmtsc DIR or PCM_NEWSMTSC): training on the corpus only")
    say(
        f"training texts {len(data.texts)}, stance pairs {len(data.stance)}, "
        f"topic-labelled passages {len(data.topics)}"
    )
    gold_topics = (
        np.array([[1.0 if t in p.topics else 0.0 for t in TOPICS] for p in split["dev"]])
        if split["dev"]
        else None
    )
    return _Inputs(data, dev_texts, dev_items, nm_dev, nm_used, gold_topics)


def _fine_tune(
    inputs: _Inputs, settings: Settings, say: Callable[[str], None]
) -> tuple[Trainer, Cached, int, dict, dict[str, float]]:
    """Cache the frozen layers' states, fine-tune, and score the kept epoch on dev.

    Returns:
        (the trainer, the cached lower-layer states, the number of frozen layers, the
        training history, the dev metrics).
    """
    data = inputs.data
    tokenizer, encoder = load_encoder()
    frozen = 6 - settings.trainable_layers
    t0 = time.monotonic()
    cached = cache_lower(encoder, tokenizer, data.texts, frozen, settings.max_tokens)
    say(
        f"cached layers 0-{frozen - 1} for {len(data.texts)} texts in {time.monotonic() - t0:.0f} s"
    )
    trainer = Trainer(encoder, settings)

    def metrics(tr: Trainer) -> dict[str, float]:
        return _dev_metrics(
            tr, cached, inputs.dev_texts, inputs.dev_items, inputs.nm_dev, inputs.gold_topics
        )

    def dev_score(tr: Trainer) -> float:
        return float(np.mean(list(metrics(tr).values()) or [0.0]))

    history = trainer.fit(
        data, cached, dev_score if (inputs.dev_items or inputs.nm_dev) else None, say
    )
    return trainer, cached, frozen, history, metrics(trainer)


def _save_weights(out: Path, trainer: Trainer, frozen: int) -> None:
    """The fine-tuned layers (float16, under their encoder names) and the heads (float32)."""
    layer_state = {
        f"encoder.layer.{frozen + i}.{k}": v.detach().to(torch.float16).contiguous()
        for i, layer in enumerate(trainer.top)
        for k, v in layer.state_dict().items()
    }
    save_file(layer_state, str(out / LAYERS_FILE))
    save_heads(trainer.heads, out / HEADS_FILE)


def _data_report(
    corpus_dir: str | Path,
    split: dict[str, list[Passage]],
    corrections: list[Passage],
    inputs: _Inputs,
) -> dict:
    """The model card's account of the training data."""
    return {
        "corpus_dir": _portable(corpus_dir),
        "corpus_train": len(split["train"]),
        "corpus_dev": len(split["dev"]),
        "corrections": len(corrections),
        "newsmtsc_train": inputs.nm_used,
        "newsmtsc_train_targets": sum(1 for it in inputs.data.stance if it.topic == NO_TOPIC),
        "newsmtsc_selection_targets": len(inputs.nm_dev),
    }


def _write_stable_meta(out: Path, report: dict) -> None:
    """Write `model.json`: the report without timings.

    Timings stay out of model.json: the file is hashed into the model version, which must
    depend only on the data, the settings and the seed.
    """
    stable = {k: v for k, v in report.items() if k != "train_seconds"}
    stable["history"] = {k: v for k, v in report["history"].items() if k != "seconds"}
    (out / META_FILE).write_text(json.dumps(stable, indent=2) + "\n", encoding="utf-8")


def _dev_metrics(
    tr: Trainer,
    cached: Cached,
    dev_texts: list[int],
    dev_items: list[StanceItem],
    nm_dev: list[StanceItem],
    gold_topics: np.ndarray | None,
) -> dict[str, float]:
    """Dev figures: corpus topic micro-F1 (at its best threshold) and stance macro-F1, and
    NewsMTSC held-out stance macro-F1, for whichever data is there."""
    out: dict[str, float] = {}
    if dev_texts:
        probs, stance = tr.predict(cached, dev_texts, dev_items or None)
        # at the best threshold: the threshold is tuned after training anyway
        out["dev_topic_micro_f1"] = best_threshold(probs, gold_topics)[1]
        if dev_items:
            out["dev_stance_macro_f1"] = float(
                f1_score([it.label for it in dev_items], stance.argmax(1), average="macro")
            )
    if nm_dev:
        texts = sorted({it.text for it in nm_dev})
        _, stance = tr.predict(cached, texts, nm_dev)
        out["dev_newsmtsc_macro_f1"] = float(
            f1_score([it.label for it in nm_dev], stance.argmax(1), average="macro")
        )
    return out
