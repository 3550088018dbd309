"""`pcm train --heads-only`: refit the topic and stance heads on the frozen fine-tuned encoder.

The encoder layers (`layers.safetensors`, 21 MB) stay as they are; only the heads, the
word-level topic model and `model.json` are rewritten (about 2 MB), so a retrain that adds
real coverage or new corpus passages adds little to the repository's history.

Data: the corpus train split (every setting), NewsMTSC `train.jsonl` (stance towards a marked
target) and, when given, the train part of the real-coverage articles
(`sentiment/data/real_split.json`). Choices (steps, epochs, the topic mix, threshold and floor,
the stance temperature and abstention bar) are made on the corpus dev split together with the
real dev part; the real test part is never read here.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file
from sklearn.metrics import f1_score
from torch.nn import functional as F

from pcm.config import TOPICS
from sentiment.corpus import DATA_DIR, load_split, read_corpus
from sentiment.encoder import masked_mean
from sentiment.heads import NO_TOPIC, STANCES
from sentiment.lexical import LexicalTopics
from sentiment.model import (
    HEADS_FILE,
    META_FILE,
    ConfidenceModel,
    model_version,
    select_topics,
)
from sentiment.newsmtsc import read_newsmtsc
from sentiment.newsmtsc import train_path as newsmtsc_train_path
from sentiment.targets import force_pattern, force_spans, token_mask
from sentiment.train import set_seed
from sentiment.training import ENCODER_SHARES, _fit_linear, _held_out, best_decoding

logger = logging.getLogger(__name__)

REAL_WEIGHT = 3.0  # loss weight of a real-coverage stance pair against a NewsMTSC target
CORPUS_WEIGHT = 2.0  # as in fine-tuning (`sentiment.train.Settings.corpus_weight`)
STANCE_EPOCHS = 12
STANCE_LR = 3e-4
STANCE_BATCH = 64
TOPIC_STEPS = 800
TOPIC_LR = 0.01
TEMPERATURES = [round(float(t), 2) for t in np.arange(0.6, 3.01, 0.05)]
ABSTAIN_BARS = (0.0, 0.4, 0.45, 0.5, 0.55, 0.6)
CONTEXT_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4)  # candidate headline and article weights
MAX_CONTEXT = 0.6  # the passage itself keeps at least 40% of its topic probabilities
MAX_ABSTAIN_SHARE = 0.2  # never withhold more than a fifth of the dev stances
RELIABILITY_BINS = (0.33, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001)
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
        if text not in self.index:
            self.index[text] = len(self.texts)
            self.texts.append(text)
        return self.index[text]


def _encode(
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


def _topic_matrix(rows: list[dict[str, str]]) -> torch.Tensor:
    return torch.tensor([[1.0 if t in r else 0.0 for t in TOPICS] for r in rows])


def refit_heads(
    model_dir: str | Path,
    corpus_dir: str | Path = DATA_DIR,
    newsmtsc_dir: str | Path | None = None,
    real_dir: str | Path | None = None,
    labels_dir: str | Path | None = None,
    seed: int = 13,
    progress: Callable[[str], None] | None = None,
    final_fit: bool = True,
    real_split_file: str | Path | None = None,
) -> dict:
    """Refit the heads of the model in `model_dir` in place and calibrate its stance.

    Args:
        model_dir: a trained model folder (its encoder layers are kept).
        corpus_dir: the labelled corpus.
        newsmtsc_dir: NewsMTSC folder with `train.jsonl`, or None.
        real_dir: folder of rebuilt real articles, or None to train without real coverage.
        labels_dir: the real-coverage labels folder (needed with `real_dir`).
        seed: random seed.
        progress: called with one-line status messages.
        final_fit: with every choice made, fit the topic models once more on train + dev
            (False: train only, so that dev figures of the written model stay meaningful).
        real_split_file: the real articles' split (default `sentiment/data/real_split.json`).

    Returns:
        The refit report (also stored in `model.json` under `heads_refit`).
    """
    from sentiment.real_coverage import load_split as real_split
    from sentiment.real_coverage import read_labels, real_sentences

    say = progress or (lambda line: logger.info("%s", line))
    started = time.monotonic()
    set_seed(seed)
    model = ConfidenceModel(model_dir, runtime="onnx")  # fp32 scores, faster than torch
    corpus = load_split(read_corpus(corpus_dir), corpus_dir)
    texts = Texts()
    # topic rows: (text index, topics) per part
    topic_rows: dict[str, list[tuple[int, dict[str, str]]]] = {"train": [], "dev": []}
    stance = {"train": Items(), "corpus_dev": Items(), "real_dev": Items(), "nm_dev": Items()}
    for part in ("train", "dev"):
        for p in corpus[part]:
            i = texts.add(p.text)
            topic_rows[part].append((i, p.topics))
            for topic, label in sorted(p.topics.items()):
                target = stance["train"] if part == "train" else stance["corpus_dev"]
                target.add(i, None, TOPICS.index(topic), label, CORPUS_WEIGHT)
    real_counts = {"train": 0, "dev": 0}
    if real_dir:
        split = real_split(real_split_file) if real_split_file else real_split()
        for part in ("train", "dev"):
            for s in real_sentences(labels_dir, real_dir, split[part]):
                i = texts.add(s.text)
                topic_rows[part].append((i, s.topics))
                real_counts[part] += 1
                for topic, label in sorted(s.topics.items()):
                    target = stance["train"] if part == "train" else stance["real_dev"]
                    target.add(i, None, TOPICS.index(topic), label, REAL_WEIGHT)
    nm_used = None
    if newsmtsc_dir:
        path = newsmtsc_train_path(newsmtsc_dir)
        for s in read_newsmtsc(path):
            i = texts.add(s.text)
            for start, end, label in s.targets:
                target = stance["nm_dev"] if _held_out(s.text) else stance["train"]
                target.add(i, [(start, end)], NO_TOPIC, label, 1.0)
        nm_used = path.name
    say(
        f"texts {len(texts.texts)}: corpus train {len(corpus['train'])}, dev "
        f"{len(corpus['dev'])}; real train {real_counts['train']}, dev {real_counts['dev']} "
        f"sentences; stance pairs {len(stance['train'])} to train"
    )
    groups = list(stance.values())
    pooled, targets = _encode(model, texts.texts, groups, say)
    feats = dict(zip(stance, targets, strict=True))
    pick = None
    if real_dir:
        dev_articles = [a for f, a in read_labels(labels_dir).items() if f in split["dev"]]
        pick = lambda m: _pick_context(m, dev_articles, real_dir)  # noqa: E731
    topic_report = _refit_topics(model, pooled, texts, topic_rows, seed, say, final_fit, pick)
    if topic_report["context"]:
        c = topic_report["context"]
        say(
            f"topic context on real dev: headline {c['headline']}, article {c['article']}: "
            f"micro-F1 {c['dev_topic_micro_f1_alone']:.4f} -> {c['dev_topic_micro_f1']:.4f}"
        )
    stance_report = _refit_stance(model, pooled, stance, feats, seed, say)
    calibration = _calibrate(model, pooled, stance["real_dev"], feats["real_dev"], say)
    out = Path(model_dir)
    save_file(
        {k: v.detach().float().contiguous() for k, v in model.heads.state_dict().items()},
        str(out / HEADS_FILE),
    )
    model.lexical.save(out)
    meta = json.loads((out / META_FILE).read_text(encoding="utf-8"))
    meta["topic_threshold"] = topic_report["threshold"]
    meta["topic_floor"] = topic_report["floor"]
    meta["topic_encoder_share"] = topic_report["encoder_share"]
    if topic_report["context"]:
        meta["topic_context"] = {
            "headline": topic_report["context"]["headline"],
            "article": topic_report["context"]["article"],
        }
    meta["stance_calibration"] = {
        "temperature": calibration["temperature"],
        "abstain_below": calibration["abstain_below"],
    }
    meta["heads_refit"] = {
        "data": {
            "corpus_train": len(corpus["train"]),
            "corpus_dev": len(corpus["dev"]),
            "real_train_sentences": real_counts["train"],
            "real_dev_sentences": real_counts["dev"],
            "newsmtsc_train": nm_used,
            "stance_pairs": len(stance["train"]),
        },
        "settings": {
            "real_weight": REAL_WEIGHT,
            "corpus_weight": CORPUS_WEIGHT,
            "stance_lr": STANCE_LR,
            "seed": seed,
        },
        "topics": topic_report,
        "stance": stance_report,
        "calibration": calibration,
    }
    (out / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    report = meta["heads_refit"] | {
        "version": model_version(out),
        "seconds": round(time.monotonic() - started, 1),
    }
    say(f"wrote {out} (version {report['version']}) in {report['seconds']:.0f} s")
    return report


def _refit_topics(
    model: ConfidenceModel,
    pooled: torch.Tensor,
    texts: Texts,
    rows: dict[str, list[tuple[int, dict[str, str]]]],
    seed: int,
    say: Callable[[str], None],
    final_fit: bool = True,
    pick_context: Callable[[ConfidenceModel], dict] | None = None,
) -> dict:
    """Topic head and word-level model: steps, mix share, threshold and floor on dev; then
    (`final_fit`) a last fit on train + dev."""
    set_seed(seed)
    idx = {part: [i for i, _ in rows[part]] for part in rows}
    y = {part: _topic_matrix([t for _, t in rows[part]]) for part in rows}
    x = {part: pooled[idx[part]].clone() for part in rows}
    linear = model.heads.topic[-1]
    start = {k: v.clone() for k, v in linear.state_dict().items()}
    best = (-1.0, 0)

    def on_dev(step: int) -> None:
        nonlocal best
        with torch.no_grad():
            probs = torch.sigmoid(linear(x["dev"])).numpy()
        _, _, f1 = best_decoding(probs, y["dev"].numpy())
        if f1 > best[0] + 1e-9:
            best = (f1, step)

    _fit_linear(linear, x["train"], y["train"], TOPIC_STEPS, TOPIC_LR, on_dev, start=start)
    encoder_f1, steps = best
    _fit_linear(linear, x["train"], y["train"], steps, TOPIC_LR, start=start)
    with torch.no_grad():
        encoder_dev = torch.sigmoid(linear(x["dev"])).numpy()
    train_texts = [texts.texts[i] for i in idx["train"]]
    dev_texts = [texts.texts[i] for i in idx["dev"]]
    lexical = LexicalTopics.fit(train_texts, y["train"].numpy())
    lexical_dev = lexical.probs(dev_texts)
    choice = (0.5, 0.5, None, -1.0)
    for share in ENCODER_SHARES:
        t, floor, f1 = best_decoding(
            share * encoder_dev + (1 - share) * lexical_dev, y["dev"].numpy()
        )
        if f1 > choice[3] + 1e-9:
            choice = (share, t, floor, f1)
    share, threshold, floor, f1 = choice
    say(
        f"topics: encoder head alone dev micro-F1 {encoder_f1:.4f} ({steps} steps); mixed at "
        f"share {share}: {f1:.4f} (threshold {threshold}, floor {floor})"
    )
    # the context mix is chosen with the topic models as fitted on train alone
    model.lexical, model.encoder_share = lexical, share
    model.threshold, model.floor = threshold, floor
    context = pick_context(model) if pick_context else None
    if final_fit:
        both_x = torch.cat([x["train"], x["dev"]])
        both_y = torch.cat([y["train"], y["dev"]])
        _fit_linear(linear, both_x, both_y, steps, TOPIC_LR, start=start)
        model.lexical = LexicalTopics.fit(train_texts + dev_texts, both_y.numpy())
    else:
        model.lexical = lexical
    return {
        "steps": steps,
        "encoder_share": share,
        "threshold": threshold,
        "floor": floor,
        "dev_topic_micro_f1": round(f1, 4),
        "dev_topic_micro_f1_encoder_only": round(encoder_f1, 4),
        "final_fit": "train+dev" if final_fit else "train",
        "context": context,
    }


def _pick_context(model: ConfidenceModel, articles: list, real_dir: str | Path) -> dict:
    """The headline and article weights (`topic_context`) with the best topic micro-F1 on the
    real dev articles, read as `pcm analyse` reads them; ties keep the smaller weights."""
    from sentiment.model import mix_in_context
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


def _stance_logits(model: ConfidenceModel, pooled, target, items: Items) -> torch.Tensor:
    return model.heads.stance_logits(pooled[items.text], target, torch.tensor(items.topic))


def _macro(items: Items, probs: np.ndarray) -> float:
    if not len(items):
        return float("nan")
    return float(f1_score(items.label, probs.argmax(1), average="macro", labels=[0, 1, 2]))


def _refit_stance(
    model: ConfidenceModel,
    pooled: torch.Tensor,
    stance: dict[str, Items],
    feats: dict[str, torch.Tensor],
    seed: int,
    say: Callable[[str], None],
) -> dict:
    """Continue training the stance head on every train pair; keep the epoch whose mean dev
    macro-F1 (corpus dev, real dev, NewsMTSC held-out tenth) is best."""
    set_seed(seed)
    rng = random.Random(seed)
    train = stance["train"]
    params = list(model.heads.stance.parameters()) + list(model.heads.topic_embed.parameters())
    opt = torch.optim.AdamW(params, lr=STANCE_LR, weight_decay=0.01)
    labels = torch.tensor(train.label)
    weights = torch.tensor(train.weight)
    order = list(range(len(train)))

    def dev_scores() -> dict[str, float]:
        model.heads.eval()
        out = {}
        with torch.no_grad():
            for name in ("corpus_dev", "real_dev", "nm_dev"):
                if len(stance[name]):
                    probs = torch.softmax(
                        _stance_logits(model, pooled, feats[name], stance[name]), -1
                    ).numpy()
                    out[name] = round(_macro(stance[name], probs), 4)
        return out

    before = dev_scores()
    best = (float(np.mean(list(before.values()))), 0, before, _state(model))
    history = []
    for epoch in range(1, STANCE_EPOCHS + 1):
        model.heads.train()
        rng.shuffle(order)
        for start in range(0, len(order), STANCE_BATCH):
            b = torch.tensor(order[start : start + STANCE_BATCH])
            logits = model.heads.stance_logits(
                pooled[torch.tensor(train.text)[b]], feats["train"][b], torch.tensor(train.topic)[b]
            )
            per = F.cross_entropy(logits, labels[b], reduction="none")
            loss = (per * weights[b]).sum() / weights[b].sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
        scores = dev_scores()
        mean = float(np.mean(list(scores.values())))
        history.append(scores)
        say(f"stance epoch {epoch}: dev {scores} (mean {mean:.4f})")
        if mean > best[0] + 1e-9:
            best = (mean, epoch, scores, _state(model))
    model.heads.load_state_dict(best[3])
    model.heads.eval()
    return {"before": before, "best_epoch": best[1], "dev": best[2], "history": history}


def _state(model: ConfidenceModel) -> dict:
    return {k: v.detach().clone() for k, v in model.heads.state_dict().items()}


def _calibrate(
    model: ConfidenceModel,
    pooled: torch.Tensor,
    items: Items,
    target: torch.Tensor,
    say: Callable[[str], None],
) -> dict:
    """Temperature (lowest dev negative log-likelihood) and abstention bar (best dev macro-F1
    with withheld stances read as neutral, at most `MAX_ABSTAIN_SHARE` withheld) on real dev,
    with the reliability table of the calibrated probabilities."""
    if not len(items):
        return {"temperature": 1.0, "abstain_below": 0.0, "pairs": 0}
    with torch.no_grad():
        logits = _stance_logits(model, pooled, target, items)
    labels = torch.tensor(items.label)
    nll = {t: float(F.cross_entropy(logits / t, labels)) for t in TEMPERATURES}
    temperature = min(nll, key=nll.get)
    probs = torch.softmax(logits / temperature, -1).numpy()
    top = probs.max(1)
    choice = (0.0, -1.0, 0.0)
    for bar in ABSTAIN_BARS:
        held = top < bar
        if held.mean() > MAX_ABSTAIN_SHARE:
            continue
        pred = np.where(held, STANCES.index("neutral"), probs.argmax(1))
        f1 = float(f1_score(items.label, pred, average="macro", labels=[0, 1, 2]))
        if f1 > choice[1] + 1e-9:
            choice = (bar, f1, float(held.mean()))
    bar, f1, share = choice
    table = reliability(probs, np.array(items.label))
    say(
        f"calibration on real dev ({len(items)} pairs): temperature {temperature} (NLL "
        f"{nll[1.0]:.3f} -> {nll[temperature]:.3f}); abstain below {bar} ({share:.0%} withheld, "
        f"macro-F1 {f1:.4f})"
    )
    return {
        "pairs": len(items),
        "temperature": temperature,
        "nll_before": round(nll[1.0], 4),
        "nll_after": round(nll[temperature], 4),
        "abstain_below": bar,
        "abstained_share": round(share, 4),
        "dev_macro_f1_with_abstention": round(f1, 4),
        "reliability": table,
    }


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
