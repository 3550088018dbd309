"""`pcm train --heads-only`: refit the topic and stance heads on the frozen fine-tuned encoder.

The encoder layers (`layers.safetensors`, 21 MB) stay as they are; only the heads, the
word-level topic model and `model.json` are rewritten (about 2 MB), so a retrain that adds
real coverage or new corpus passages adds little to the repository's history.

Data: the corpus train split (every setting), NewsMTSC `train.jsonl` (stance towards a marked
target) and, when given, the train part of the real-coverage articles
(`sentiment/data/real_split.json`). Choices (steps, epochs, the topic mix, threshold and floor,
the stance temperature and abstention bar) are made on the corpus dev split together with the
real dev part; the real test part is never read here. The data is gathered and encoded in
`sentiment.refit_data`; the stance calibration and the topic context are picked in
`sentiment.calibration`. A final fit (`choices_from`) trains on the real dev part too and
takes those choices from the model they were made for (`read_choices`).
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import f1_score
from torch.nn import functional as F

from core.vocabulary import TOPICS
from sentiment.calibration import calibrate
from sentiment.calibration import pick_context as _pick_context
from sentiment.confidence_model import (
    HEADS_FILE,
    META_FILE,
    ConfidenceModel,
    model_version,
)
from sentiment.corpus import DATA_DIR, load_split, read_corpus
from sentiment.heads import save_heads
from sentiment.lexical import LexicalTopics
from sentiment.refit_data import CORPUS_WEIGHT, REAL_WEIGHT, Items, Texts, encode, gather
from sentiment.topic_refit import ENCODER_SHARES, _fit_linear, best_decoding
from sentiment.train import set_seed

logger = logging.getLogger(__name__)

STANCE_EPOCHS = 12
STANCE_LR = 3e-4
STANCE_BATCH = 64
TOPIC_STEPS = 800
TOPIC_LR = 0.01


def _topic_matrix(rows: list[dict[str, str]]) -> torch.Tensor:
    """(n, 13) 0/1 topic labels of {topic: stance} rows."""
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
    choices_from: str | Path | None = None,
    extra_labels: str | Path | None = None,
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
        choices_from: a final fit: the real train and dev parts are both trained on, and the
            choices made on real dev (`read_choices`) are taken from this model folder.
        extra_labels: more labelled real articles to train on (never dev or test), or None.

    Returns:
        The refit report (also stored in `model.json` under `heads_refit`).
    """
    say = progress or (lambda line: logger.info("%s", line))
    started = time.monotonic()
    set_seed(seed)
    final = choices_from is not None
    choices = read_choices(choices_from) if final else None  # before any work: fail fast
    model = ConfidenceModel(model_dir, runtime="onnx")  # fp32 scores, faster than torch
    corpus = load_split(read_corpus(corpus_dir), corpus_dir)
    data = gather(
        corpus, newsmtsc_dir, (real_dir, labels_dir, extra_labels), real_split_file, final
    )
    say(
        f"texts {len(data.texts.texts)}: corpus train {len(corpus['train'])}, dev "
        f"{len(corpus['dev'])}; real train {data.real_counts['train']}, dev "
        f"{data.real_counts['dev']} sentences; stance pairs {len(data.stance['train'])} to train"
    )
    pooled, targets = encode(model, data.texts.texts, list(data.stance.values()), say)
    feats = dict(zip(data.stance, targets, strict=True))
    pick = _context_picker(labels_dir, real_dir, data.real_dev_files)
    topic_report = _refit_topics(
        model, pooled, data.texts, data.topic_rows, seed, say, final_fit, pick
    )
    stance_report = _refit_stance(model, pooled, data.stance, feats, seed, say)
    calibration = _calibrate(model, pooled, data.stance["real_dev"], feats["real_dev"], say)
    refit = {
        "data": data.report(corpus),
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
    if choices:
        refit["choices_from"] = choices
        say(f"final fit: choices taken from {choices_from} ({choices['version']})")
    out = Path(model_dir)
    _save(model, out, refit)
    report = refit | {
        "version": model_version(out),
        "seconds": round(time.monotonic() - started, 1),
    }
    say(f"wrote {out} (version {report['version']}) in {report['seconds']:.0f} s")
    return report


def _context_picker(
    labels_dir: str | Path | None, real_dir: str | Path | None, dev_files: list[str]
) -> Callable[[ConfidenceModel], dict] | None:
    """`calibration.pick_context` over the real dev articles (their labels are read now); None
    without real coverage or with no real dev part (a final fit on train + dev)."""
    from sentiment.real_coverage import read_labels

    if not real_dir or not dev_files:
        return None
    dev_articles = [a for f, a in read_labels(labels_dir).items() if f in dev_files]
    return lambda m: _pick_context(m, dev_articles, real_dir)


def _save(model: ConfidenceModel, out: Path, refit: dict) -> None:
    """Write the heads and the word-level model, and record the refit's choices in
    `model.json`, with its report under `heads_refit`."""
    save_heads(model.heads, out / HEADS_FILE)
    model.lexical.save(out)
    topic_report, calibration = refit["topics"], refit["calibration"]
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
    if refit.get("choices_from"):
        meta.update(refit["choices_from"]["settings"])  # a final fit: the dev choices taken
    meta["heads_refit"] = refit
    (out / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


CHOICES = (
    "topic_threshold",
    "topic_floor",
    "topic_encoder_share",
    "topic_context",
    "stance_calibration",
)  # the settings of `model.json` chosen on the real dev part


class ChoicesError(ValueError):
    """A model folder that cannot give a final fit its choices."""


def read_choices(source: str | Path) -> dict:
    """The choices made on real dev for the model in `source`, for a final fit to take.

    A final fit trains on the real train and dev parts together, so nothing is left to choose
    the decoding and the calibration with; they are taken from the model fitted with the same
    settings on the train part alone, whose choices were made on dev.

    Args:
        source: the model folder the choices come from.

    Returns:
        {"version": the source model's version, "settings": {setting: value} for `CHOICES`}.

    Raises:
        ChoicesError: when `source` has no `model.json` or lacks one of the choices.
    """
    path = Path(source) / META_FILE
    if not path.is_file():
        raise ChoicesError(f"{source}: not a model folder (no model.json); give --final-from MODEL")
    meta = json.loads(path.read_text(encoding="utf-8"))
    missing = [k for k in CHOICES if k not in meta]
    if missing:
        raise ChoicesError(
            f"{source}: its model.json has no {', '.join(missing)}; take the choices from a "
            "model refitted with real coverage (pcm train --heads-only --real DIR)"
        )
    return {"version": model_version(source), "settings": {k: meta[k] for k in CHOICES}}


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
    if context:
        say(
            f"topic context on real dev: headline {context['headline']}, article "
            f"{context['article']}: micro-F1 {context['dev_topic_micro_f1_alone']:.4f} -> "
            f"{context['dev_topic_micro_f1']:.4f}"
        )
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


def _stance_logits(model: ConfidenceModel, pooled, target, items: Items) -> torch.Tensor:
    """The stance head's logits for `items` (pooled text vectors, target vectors, topics)."""
    return model.heads.stance_logits(pooled[items.text], target, torch.tensor(items.topic))


def _macro(items: Items, probs: np.ndarray) -> float:
    """Stance macro-F1 over the three labels (NaN with no pairs)."""
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
    """A detached copy of the heads' weights."""
    return {k: v.detach().clone() for k, v in model.heads.state_dict().items()}


def _calibrate(
    model: ConfidenceModel,
    pooled: torch.Tensor,
    items: Items,
    target: torch.Tensor,
    say: Callable[[str], None],
) -> dict:
    """Stance temperature and abstention bar on the real dev pairs (`calibration.calibrate`);
    with none, the model's stance stays uncalibrated."""
    if not len(items):
        return {"temperature": 1.0, "abstain_below": 0.0, "pairs": 0}
    with torch.no_grad():
        logits = _stance_logits(model, pooled, target, items)
    return calibrate(logits, items.label, say)
