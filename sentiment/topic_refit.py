"""The topic head's second stage (`refit_topic_head`) and the topic decoding choices on dev.

During fine-tuning (`sentiment.training.train_model`) the topic head sees few corpus passages
per step, so it is refitted full batch on the saved encoder's pooled vectors; the threshold,
floor and the encoder head's share in its mix with the word-level model are picked on dev.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import f1_score

from core.vocabulary import TOPICS
from sentiment.corpus import DATA_DIR, Passage, load_split, read_corpus
from sentiment.decoding import select_topics
from sentiment.heads import save_heads
from sentiment.lexical import LexicalTopics
from sentiment.model_labels import HEADS_FILE, META_FILE
from sentiment.train import set_seed

logger = logging.getLogger(__name__)

THRESHOLDS = [round(float(x), 2) for x in np.arange(0.2, 0.75, 0.05)]
FLOORS = [None, 0.1, 0.15, 0.2, 0.25, 0.3]  # candidate `topic_floor`s (see select_topics)
# candidate weights of the encoder head against the word-level model (see ConfidenceModel),
# tried from the even mix outwards so that a tie keeps the even mix
ENCODER_SHARES = (0.5, 0.4, 0.6, 0.3, 0.7)


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
    """The topic threshold and floor (`confidence_model.select_topics`) with the best micro-F1.

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


def _topic_labels(rows: list[Passage]) -> torch.Tensor:
    """(n, 13) 0/1 topic labels of passages."""
    return torch.tensor([[1.0 if t in p.topics else 0.0 for t in TOPICS] for p in rows])


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
    from sentiment.confidence_model import ConfidenceModel

    say = progress or (lambda line: logger.info("%s", line))
    set_seed(seed)
    model = ConfidenceModel(model_dir, runtime="torch")  # heads change next: nothing to export
    split = load_split(read_corpus(corpus_dir), corpus_dir)
    if not split["train"] or not split["dev"]:
        return {}
    split["train"] = split["train"] + list(corrections or [])
    x_train, y_train = _pooled_and_labels(model, split["train"])
    x_dev, y_dev = _pooled_and_labels(model, split["dev"])
    linear = model.heads.topic[-1]
    start = {k: v.clone() for k, v in linear.state_dict().items()}
    encoder_f1, step, encoder_dev = _pick_steps(
        linear, x_train, y_train, x_dev, y_dev, steps, lr, start
    )
    lexical = LexicalTopics.fit([p.text for p in split["train"]], y_train.numpy())
    share, threshold, floor, f1 = _pick_share(
        encoder_dev, lexical.probs([p.text for p in split["dev"]]), y_dev.numpy()
    )
    say(
        f"topic head: encoder alone dev micro-F1 {encoder_f1:.4f}; mixed with the "
        f"word-level model at encoder share {share}: {f1:.4f} at threshold {threshold}, "
        f"floor {floor}"
    )
    # Every choice is made; the final head and word-level model learn from dev as well.
    x_both, y_both = torch.cat([x_train, x_dev]), torch.cat([y_train, y_dev])
    out = Path(model_dir)
    _final_fit(model, x_both, y_both, split["train"] + split["dev"], step, lr, start, out)
    refit = {
        "steps": step,
        "lr": lr,
        "dev_topic_micro_f1": round(f1, 4),
        "dev_topic_micro_f1_encoder_only": round(encoder_f1, 4),
        "encoder_share": share,
        # dev figures are from before the final fit, which adds dev to the training data
        "final_fit": "train+dev",
    }
    _record_topic_refit(out, refit, threshold, floor)
    say(f"topic head refitted: {step} steps, threshold {threshold}, dev micro-F1 {f1:.4f}")
    return refit | {"threshold": threshold, "floor": floor}


def _pooled_and_labels(model, rows: list[Passage]) -> tuple[torch.Tensor, torch.Tensor]:
    """The encoder's pooled vectors of passages (cloned: tensors made under inference_mode
    cannot be saved for backward) and their 0/1 topic labels."""
    return model.pooled([p.text for p in rows]).clone(), _topic_labels(rows)


def _final_fit(
    model,
    x: torch.Tensor,
    y: torch.Tensor,
    both: list[Passage],
    step: int,
    lr: float,
    start: dict,
    out: Path,
) -> None:
    """Fit the topic head (`step` steps from `start`) and the word-level model on train + dev;
    write the word-level model and the model's heads (float32) into `out`."""
    _fit_linear(model.heads.topic[-1], x, y, step, lr, start=start)
    lexical = LexicalTopics.fit([p.text for p in both], _topic_labels(both).numpy())
    lexical.save(out)
    save_heads(model.heads, out / HEADS_FILE)


def _pick_steps(
    linear: torch.nn.Linear,
    x_train: torch.Tensor,
    y_train: torch.Tensor,
    x_dev: torch.Tensor,
    y_dev: torch.Tensor,
    steps: int,
    lr: float,
    start: dict,
) -> tuple[float, int, np.ndarray]:
    """Fit up to `steps` steps, keep the step count with the best dev micro-F1 (checked every
    50 steps), and refit that many steps from `start`.

    Returns:
        (the dev micro-F1 at that step, the step count, the refitted head's dev probabilities).
    """
    best = (-1.0, 0, 0.5)

    def on_dev(step: int) -> None:
        nonlocal best
        with torch.no_grad():
            probs = torch.sigmoid(linear(x_dev)).numpy()
        threshold, f1 = best_threshold(probs, y_dev.numpy())
        if f1 > best[0] + 1e-9:
            best = (f1, step, threshold)

    _fit_linear(linear, x_train, y_train, steps, lr, on_dev)
    f1, step, _ = best
    _fit_linear(linear, x_train, y_train, step, lr, start=start)
    with torch.no_grad():
        encoder_dev = torch.sigmoid(linear(x_dev)).numpy()
    return f1, step, encoder_dev


def _pick_share(
    encoder_dev: np.ndarray, lexical_dev: np.ndarray, gold: np.ndarray
) -> tuple[float, float, float | None, float]:
    """The encoder head's share in the mix with the word-level model (`ENCODER_SHARES`, the
    first best kept), with the mix's threshold and floor.

    Returns:
        (share, threshold, floor, dev micro-F1).
    """
    share, threshold, floor, f1 = 0.5, 0.5, None, -1.0
    for candidate in ENCODER_SHARES:
        combined = candidate * encoder_dev + (1 - candidate) * lexical_dev
        t, fl, score = best_decoding(combined, gold)
        if score > f1 + 1e-9:
            share, threshold, floor, f1 = candidate, t, fl, score
    return share, threshold, floor, f1


def _record_topic_refit(out: Path, refit: dict, threshold: float, floor: float | None) -> None:
    """Record the refit's choices and figures in the folder's `model.json`."""
    meta = json.loads((out / META_FILE).read_text(encoding="utf-8"))
    meta["topic_threshold"] = threshold
    meta["topic_floor"] = floor
    meta["topic_encoder_share"] = refit["encoder_share"]
    meta["topic_refit"] = refit
    meta["dev"]["dev_topic_micro_f1_tuned"] = refit["dev_topic_micro_f1"]
    (out / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


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
