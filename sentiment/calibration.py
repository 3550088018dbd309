"""Choices made on the real dev part once the heads are fitted (`sentiment.heads_refit`).

The stance temperature and abstention bar, with a reliability table of the calibrated
probabilities, and the weights with which a passage's topic probabilities take in its
headline's and its article's (`topic_context`).
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import f1_score
from torch.nn import functional as F

from sentiment.confidence_model import ConfidenceModel
from sentiment.decoding import select_topics
from sentiment.heads import STANCES

TEMPERATURES = [round(float(t), 2) for t in np.arange(0.6, 3.01, 0.05)]
ABSTAIN_BARS = (0.0, 0.4, 0.45, 0.5, 0.55, 0.6)
CONTEXT_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4)  # candidate headline and article weights
MAX_CONTEXT = 0.6  # the passage itself keeps at least 40% of its topic probabilities
MAX_ABSTAIN_SHARE = 0.2  # never withhold more than a fifth of the dev stances
RELIABILITY_BINS = (0.33, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001)


def pick_context(model: ConfidenceModel, articles: list, real_dir: str | Path) -> dict:
    """The headline and article weights (`topic_context`) with the best topic micro-F1 on the
    real dev articles, read as `pcm analyse` reads them; ties keep the smaller weights."""
    from sentiment.decoding import mix_in_context
    from sentiment.real_coverage import context_rows

    probs, rows, keys, heads, gold = context_rows(model, articles, real_dir)
    scored = list(range(len(keys)))
    best = (-1.0, 0.0, 0.0)
    for h in CONTEXT_WEIGHTS:
        for a in CONTEXT_WEIGHTS:
            if h + a > MAX_CONTEXT:
                continue
            mixed = mix_in_context(probs, scored, keys, heads, h, a)[rows]
            pred = select_topics(mixed, model.threshold, model.floor).numpy()
            f1 = float(f1_score(gold, pred, average="micro", zero_division=0))
            if f1 > best[0] + 1e-9:
                best = (f1, h, a)
    alone = mix_in_context(probs, scored, None, None, 0.0, 0.0)[rows]
    base = float(
        f1_score(
            gold,
            select_topics(alone, model.threshold, model.floor).numpy(),
            average="micro",
            zero_division=0,
        )
    )
    return {
        "headline": best[1],
        "article": best[2],
        "dev_topic_micro_f1": round(best[0], 4),
        "dev_topic_micro_f1_alone": round(base, 4),
        "sentences": len(rows),
    }


def calibrate(logits: torch.Tensor, gold: list[int], say: Callable[[str], None]) -> dict:
    """Temperature (lowest dev negative log-likelihood) and abstention bar (best dev macro-F1
    with withheld stances read as neutral, at most `MAX_ABSTAIN_SHARE` withheld), with the
    reliability table of the calibrated probabilities.

    Args:
        logits: (n, 3) stance logits of the real dev pairs (n > 0).
        gold: their gold label indices.
        say: called with a one-line summary.

    Returns:
        The calibration report; "temperature" and "abstain_below" are the model's settings.
    """
    labels = torch.tensor(gold)
    nll = {t: float(F.cross_entropy(logits / t, labels)) for t in TEMPERATURES}
    temperature = min(nll, key=nll.get)
    probs = torch.softmax(logits / temperature, -1).numpy()
    bar, f1, share = _abstention(probs, gold)
    table = reliability(probs, np.array(gold))
    say(
        f"calibration on real dev ({len(gold)} pairs): temperature {temperature} (NLL "
        f"{nll[1.0]:.3f} -> {nll[temperature]:.3f}); abstain below {bar} ({share:.0%} withheld, "
        f"macro-F1 {f1:.4f})"
    )
    return {
        "pairs": len(gold),
        "temperature": temperature,
        "nll_before": round(nll[1.0], 4),
        "nll_after": round(nll[temperature], 4),
        "abstain_below": bar,
        "abstained_share": round(share, 4),
        "dev_macro_f1_with_abstention": round(f1, 4),
        "reliability": table,
    }


def _abstention(probs: np.ndarray, gold: list[int]) -> tuple[float, float, float]:
    """The abstention bar (`ABSTAIN_BARS`, the first best kept) with the best macro-F1 when
    stances whose top probability is under it are read as neutral.

    Returns:
        (bar, macro-F1 at it, share of stances withheld).
    """
    top = probs.max(1)
    choice = (0.0, -1.0, 0.0)
    for bar in ABSTAIN_BARS:
        held = top < bar
        if held.mean() > MAX_ABSTAIN_SHARE:
            continue
        pred = np.where(held, STANCES.index("neutral"), probs.argmax(1))
        f1 = float(f1_score(gold, pred, average="macro", labels=[0, 1, 2]))
        if f1 > choice[1] + 1e-9:
            choice = (bar, f1, float(held.mean()))
    return choice


def reliability(probs: np.ndarray, labels: np.ndarray) -> list[dict]:
    """Predicted top-class probability against observed accuracy, in bins.

    Args:
        probs: (n, 3) calibrated stance probabilities.
        labels: (n,) gold label indices.

    Returns:
        One row per non-empty bin: {"from", "to", "pairs", "mean_confidence", "accuracy"}.
    """
    top = probs.max(1)
    correct = probs.argmax(1) == labels
    rows = []
    for low, high in pairwise(RELIABILITY_BINS):
        inside = (top >= low) & (top < high)
        if inside.any():
            rows.append(
                {
                    "from": low,
                    "to": min(high, 1.0),
                    "pairs": int(inside.sum()),
                    "mean_confidence": round(float(top[inside].mean()), 3),
                    "accuracy": round(float(correct[inside].mean()), 3),
                }
            )
    return rows
