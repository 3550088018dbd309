"""`pcm train`: build the training data, fine-tune, pick the topic threshold, save the model."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file
from sklearn.metrics import f1_score

from pcm.config import TOPICS
from sentiment.corpus import DATA_DIR, Passage, load_split, read_corpus
from sentiment.encoder import ENCODER_NAME, load_encoder
from sentiment.heads import NO_TOPIC, STANCES
from sentiment.lexical import LexicalTopics
from sentiment.model import (
    HEADS_FILE,
    LAYERS_FILE,
    META_FILE,
    NUM_THREADS,
    model_version,
    select_topics,
)
from sentiment.newsmtsc import read_newsmtsc
from sentiment.newsmtsc import train_path as newsmtsc_train_path
from sentiment.targets import force_pattern, force_spans
from sentiment.train import Cached, Settings, StanceItem, TrainData, Trainer, cache_lower, set_seed

logger = logging.getLogger(__name__)

MODEL_NAME = "pcm-minilm-l6-confidence"
NEWSMTSC_DEV_SHARE = 10  # 1 in 10 NewsMTSC train sentences is held out for model selection
THRESHOLDS = [round(float(x), 2) for x in np.arange(0.2, 0.75, 0.05)]
FLOORS = [None, 0.1, 0.15, 0.2, 0.25, 0.3]  # candidate `topic_floor`s (see select_topics)
# candidate weights of the encoder head against the word-level model (see ConfidenceModel),
# tried from the even mix outwards so that a tie keeps the even mix
ENCODER_SHARES = (0.5, 0.4, 0.6, 0.3, 0.7)
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


def best_threshold(probs: np.ndarray, gold: np.ndarray) -> tuple[float, float]:
    """The global topic threshold with the best micro-F1 on held-out data.

    Args:
        probs: (n, 13) topic probabilities.
        gold: (n, 13) 0/1 labels.

    Returns:
        (threshold, micro-F1 at it).
    """
    best = (0.5, -1.0)
    for t in THRESHOLDS:
        f1 = f1_score(gold, probs >= t, average="micro", zero_division=0)
        if f1 > best[1] + 1e-9:
            best = (t, float(f1))
    return best


def best_decoding(probs: np.ndarray, gold: np.ndarray) -> tuple[float, float | None, float]:
    """The topic threshold and floor (`sentiment.model.select_topics`) with the best micro-F1.

    Args:
        probs: (n, 13) topic probabilities on held-out data.
        gold: (n, 13) 0/1 labels.

    Returns:
        (threshold, floor or None, micro-F1).
    """
    best = (0.5, None, -1.0)
    tensor = torch.as_tensor(probs)
    for t in THRESHOLDS:
        for floor in FLOORS:
            if floor is not None and floor >= t:
                continue
            pred = select_topics(tensor, t, floor).numpy()
            f1 = float(f1_score(gold, pred, average="micro", zero_division=0))
            if f1 > best[2] + 1e-9:
                best = (t, floor, f1)
    return best


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
            (`sentiment.feedback.read_corrections`), added to the training data only.

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
    data = TrainData()
    _add_corpus(data, split["train"], settings.corpus_weight, train=True)
    corrections = list(corrections or [])
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
    tokenizer, encoder = load_encoder()
    frozen = 6 - settings.trainable_layers
    t0 = time.monotonic()
    cached = cache_lower(encoder, tokenizer, data.texts, frozen, settings.max_tokens)
    say(
        f"cached layers 0-{frozen - 1} for {len(data.texts)} texts in {time.monotonic() - t0:.0f} s"
    )
    trainer = Trainer(encoder, settings)
    gold_topics = (
        np.array([[1.0 if t in p.topics else 0.0 for t in TOPICS] for p in split["dev"]])
        if split["dev"]
        else None
    )

    def dev_score(tr: Trainer) -> float:
        return float(
            np.mean(
                list(_dev_metrics(tr, cached, dev_texts, dev_items, nm_dev, gold_topics).values())
                or [0.0]
            )
        )

    history = trainer.fit(data, cached, dev_score if (dev_items or nm_dev) else None, say)
    metrics = _dev_metrics(trainer, cached, dev_texts, dev_items, nm_dev, gold_topics)
    threshold, topic_f1 = 0.5, metrics.get("dev_topic_micro_f1")
    if dev_texts:
        probs, _ = trainer.predict(cached, dev_texts)
        threshold, topic_f1 = best_threshold(probs, gold_topics)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    layer_state = {
        f"encoder.layer.{frozen + i}.{k}": v.detach().to(torch.float16).contiguous()
        for i, layer in enumerate(trainer.top)
        for k, v in layer.state_dict().items()
    }
    save_file(layer_state, str(out / LAYERS_FILE))
    save_file(
        {k: v.detach().float().contiguous() for k, v in trainer.heads.state_dict().items()},
        str(out / HEADS_FILE),
    )
    report = {
        "name": MODEL_NAME,
        "encoder": ENCODER_NAME,
        "trainable_layers": settings.trainable_layers,
        "head_hidden": settings.head_hidden,
        "topic_threshold": threshold,
        "stances": list(STANCES),
        "topics": list(TOPICS),
        "settings": asdict(settings),
        "data": {
            "corpus_dir": _portable(corpus_dir),
            "corpus_train": len(split["train"]),
            "corpus_dev": len(split["dev"]),
            "corrections": len(corrections),
            "newsmtsc_train": nm_used,
            "newsmtsc_train_targets": sum(1 for it in data.stance if it.topic == NO_TOPIC),
            "newsmtsc_selection_targets": len(nm_dev),
        },
        "dev": {**metrics, "dev_topic_micro_f1_tuned": topic_f1},
        "history": history,
        "train_seconds": round(time.monotonic() - started, 1),
    }
    # Timings stay out of model.json: the file is hashed into the model version, which must
    # depend only on the data, the settings and the seed.
    stable = {k: v for k, v in report.items() if k != "train_seconds"}
    stable["history"] = {k: v for k, v in history.items() if k != "seconds"}
    (out / META_FILE).write_text(json.dumps(stable, indent=2) + "\n", encoding="utf-8")
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


def refit_topic_head(
    model_dir: str | Path,
    corpus_dir: str | Path = DATA_DIR,
    steps: int = 600,
    lr: float = 0.01,
    seed: int = 13,
    progress: Callable[[str], None] | None = None,
    corrections: list[Passage] | None = None,
) -> dict:
    """Second stage: refit the topic head on the saved encoder's pooled vectors.

    During fine-tuning the topic head sees few corpus passages per step (most texts are
    NewsMTSC sentences with no topic labels), so it is refitted here, full batch, on the
    corpus train split; the step count is picked on dev (evaluated every 50 steps), then the
    encoder head's share in its mix with the word-level model (`ENCODER_SHARES`), with the
    mix's threshold and floor. With every choice made, the head and the word-level model are
    fitted once more on train + dev (the dev figures recorded are from before that). Reads
    and rewrites the model folder, so it is exactly reproducible.

    Args:
        model_dir: the folder `train_model` wrote.
        corpus_dir: the corpus folder (its train and dev splits are used; never test).
        steps: maximum full-batch Adam steps.
        lr: learning rate.
        seed: random seed.
        progress: called with one-line status messages.
        corrections: analysts' corrected passages, trained on with the train split.

    Returns:
        {"steps", "lr", "threshold", "floor", "dev_topic_micro_f1",
        "dev_topic_micro_f1_encoder_only", "encoder_share", "final_fit"}.
    """
    from sentiment.model import ConfidenceModel

    say = progress or (lambda line: logger.info("%s", line))
    set_seed(seed)
    model = ConfidenceModel(model_dir, runtime="torch")  # heads change next: nothing to export
    split = load_split(read_corpus(corpus_dir), corpus_dir)
    if not split["train"] or not split["dev"]:
        return {}
    split["train"] = split["train"] + list(corrections or [])

    def labels(rows: list[Passage]) -> torch.Tensor:
        return torch.tensor([[1.0 if t in p.topics else 0.0 for t in TOPICS] for p in rows])

    # clone(): tensors made under inference_mode cannot be saved for backward
    x_train, y_train = (
        model.pooled([p.text for p in split["train"]]).clone(),
        labels(split["train"]),
    )
    x_dev, y_dev = model.pooled([p.text for p in split["dev"]]).clone(), labels(split["dev"])
    linear = model.heads.topic[-1]
    start = {k: v.clone() for k, v in linear.state_dict().items()}
    best = (-1.0, 0, 0.5)

    def on_dev(step: int) -> None:
        nonlocal best
        with torch.no_grad():
            probs = torch.sigmoid(linear(x_dev)).numpy()
        threshold, f1 = best_threshold(probs, y_dev.numpy())
        if f1 > best[0] + 1e-9:
            best = (f1, step, threshold)

    _fit_linear(linear, x_train, y_train, steps, lr, on_dev)
    f1, step, threshold = best
    _fit_linear(linear, x_train, y_train, step, lr, start=start)
    with torch.no_grad():
        encoder_dev = torch.sigmoid(linear(x_dev)).numpy()
    lexical = LexicalTopics.fit([p.text for p in split["train"]], y_train.numpy())
    lexical_dev = lexical.probs([p.text for p in split["dev"]])
    encoder_only = (f1, threshold)
    share, threshold, floor, f1 = 0.5, 0.5, None, -1.0
    for candidate in ENCODER_SHARES:
        combined = candidate * encoder_dev + (1 - candidate) * lexical_dev
        t, fl, score = best_decoding(combined, y_dev.numpy())
        if score > f1 + 1e-9:
            share, threshold, floor, f1 = candidate, t, fl, score
    say(
        f"topic head: encoder alone dev micro-F1 {encoder_only[0]:.4f}; mixed with the "
        f"word-level model at encoder share {share}: {f1:.4f} at threshold {threshold}, "
        f"floor {floor}"
    )
    # Every choice is made; the final head and word-level model learn from dev as well.
    both = split["train"] + split["dev"]
    _fit_linear(
        linear, torch.cat([x_train, x_dev]), torch.cat([y_train, y_dev]), step, lr, start=start
    )
    lexical = LexicalTopics.fit([p.text for p in both], labels(both).numpy())
    out = Path(model_dir)
    lexical.save(out)
    save_file(
        {k: v.detach().float().contiguous() for k, v in model.heads.state_dict().items()},
        str(out / HEADS_FILE),
    )
    meta = json.loads((out / META_FILE).read_text(encoding="utf-8"))
    meta["topic_threshold"] = threshold
    meta["topic_floor"] = floor
    meta["topic_encoder_share"] = share
    meta["topic_refit"] = {
        "steps": step,
        "lr": lr,
        "dev_topic_micro_f1": round(f1, 4),
        "dev_topic_micro_f1_encoder_only": round(encoder_only[0], 4),
        "encoder_share": share,
        # dev figures are from before the final fit, which adds dev to the training data
        "final_fit": "train+dev",
    }
    meta["dev"]["dev_topic_micro_f1_tuned"] = round(f1, 4)
    (out / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    say(f"topic head refitted: {step} steps, threshold {threshold}, dev micro-F1 {f1:.4f}")
    return meta["topic_refit"] | {"threshold": threshold, "floor": floor}


def _fit_linear(
    linear: torch.nn.Linear,
    x: torch.Tensor,
    y: torch.Tensor,
    steps: int,
    lr: float,
    every_50: Callable[[int], None] | None = None,
    start: dict | None = None,
) -> None:
    """Full-batch Adam on the multi-label loss, from `start` weights when given (seeded)."""
    if start is not None:
        linear.load_state_dict(start)
    opt = torch.optim.Adam(linear.parameters(), lr=lr, weight_decay=1e-4)
    for step in range(1, steps + 1):
        opt.zero_grad()
        torch.nn.functional.binary_cross_entropy_with_logits(linear(x), y).backward()
        opt.step()
        if every_50 is not None and step % 50 == 0:
            every_50(step)


def _dev_metrics(
    tr: Trainer,
    cached: Cached,
    dev_texts: list[int],
    dev_items: list[StanceItem],
    nm_dev: list[StanceItem],
    gold_topics: np.ndarray | None,
) -> dict[str, float]:
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
