"""`pcm evaluate`: topic, stance and voice scores on the corpus split and on NewsMTSC devtest."""

from __future__ import annotations

import logging
import time
from collections import Counter
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import accuracy_score, f1_score

from passages.segment import segment_article
from sentiment.confidence_model import ConfidenceModel
from sentiment.corpus import DATA_DIR, FORCE_ALIASES, load_split, read_corpus, read_people
from sentiment.decoding import select_topics
from sentiment.heads import STANCES
from sentiment.newsmtsc import HELD_OUT, read_newsmtsc
from sentiment.stance_rules import rule_for, ruled_row

logger = logging.getLogger(__name__)

VADER_POSITIVE = 0.05  # the thresholds VADER's authors recommend for the compound score
VADER_NEGATIVE = -0.05


def passage_voice(text: str, people: list, aliases: list[str]) -> str:
    """The voice the rules give a passage on its own: the first non-media segment's, else media."""
    voices = [s.voice for s in segment_article(text, people, aliases)]
    return next((v for v in voices if v != "media"), "media")


def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def vader_label(analyser, text: str) -> str:
    """VADER's sentence-level label (it has no notion of a target or a topic)."""
    compound = analyser.polarity_scores(text)["compound"]
    if compound >= VADER_POSITIVE:
        return "positive"
    if compound <= VADER_NEGATIVE:
        return "negative"
    return "neutral"


def evaluate_corpus(
    model: ConfidenceModel,
    corpus_dir: str | Path = DATA_DIR,
    split: str = "test",
    vader: bool = True,
) -> dict:
    """Topic, stance and voice scores on one split of the labelled corpus.

    Args:
        model: the loaded model.
        corpus_dir: folder with the corpus, people files and `split.json`.
        split: "test" (reported figures) or "dev".
        vader: also score the VADER baseline.

    Returns:
        A dict of figures (F1 values in [0, 1]) and counts.
    """
    passages = read_corpus(corpus_dir)
    rows = load_split(passages, corpus_dir, write=False)[split]
    people = read_people(corpus_dir)
    texts = [p.text for p in rows]
    probs = model.topic_probs(texts).numpy()
    gold = np.array([[1 if t in p.topics else 0 for t in model.topics] for p in rows])
    pred = select_topics(torch.as_tensor(probs), model.threshold, model.floor).numpy()
    per_topic = {
        t: round(float(f1_score(gold[:, j], pred[:, j], zero_division=0)), 4)
        for j, t in enumerate(model.topics)
    }
    pairs = [(p.text, model.topics.index(t), s) for p in rows for t, s in sorted(p.topics.items())]
    stance = model.stance_for(
        [x[0] for x in pairs], [x[1] for x in pairs], [None] * len(pairs)
    ).numpy()
    voices = [
        passage_voice(p.text, people.get(p.corpus, []), FORCE_ALIASES.get(p.corpus, []))
        for p in rows
    ]
    if model.stance_rules:  # as the product reads them (`sentiment.stance_rules`)
        voice_of = {p.text: v for p, v in zip(rows, voices, strict=True)}
        stance = np.array(
            [
                ruled_row(row, rule_for(x[0], voice_of[x[0]], model.stance_rules))
                for row, x in zip(stance, pairs, strict=True)
            ]
        )
    pred_stance = [STANCES[i] for i in stance.argmax(1)]
    gold_stance = [x[2] for x in pairs]
    out = {
        "split": split,
        "passages": len(rows),
        "topic_micro_f1": round(float(f1_score(gold, pred, average="micro", zero_division=0)), 4),
        "topic_macro_f1": round(float(f1_score(gold, pred, average="macro", zero_division=0)), 4),
        "topic_f1": per_topic,
        "topic_threshold": model.threshold,
        "topic_floor": model.floor,
        "stance_pairs": len(pairs),
        "stance_macro_f1": round(float(f1_score(gold_stance, pred_stance, average="macro")), 4),
        "stance_accuracy": round(float(accuracy_score(gold_stance, pred_stance)), 4),
        "voice_accuracy": round(
            float(np.mean([v == p.voice for v, p in zip(voices, rows, strict=True)])), 4
        ),
        "voice_errors": dict(
            Counter(
                f"{p.voice}->{v}" for v, p in zip(voices, rows, strict=True) if v != p.voice
            ).most_common(8)
        ),
    }
    if vader:
        analyser = _vader()
        vl = {p.text: vader_label(analyser, p.text) for p in rows}
        out["vader_stance_macro_f1"] = round(
            float(f1_score(gold_stance, [vl[x[0]] for x in pairs], average="macro")), 4
        )
    return out


def evaluate_newsmtsc(model: ConfidenceModel, newsmtsc_dir: str | Path, vader: bool = True) -> dict:
    """Stance towards the marked target on the NewsMTSC devtest files (evaluation only).

    Args:
        model: the loaded model.
        newsmtsc_dir: folder with `devtest_rw.jsonl` and `devtest_mt.jsonl`.
        vader: also score the VADER baseline (sentence level, no target).

    Returns:
        {"devtest_rw": {...}, "devtest_mt": {...}} with macro-F1, accuracy and counts.
    """
    out = {}
    analyser = _vader() if vader else None
    for name in HELD_OUT:
        path = Path(newsmtsc_dir) / name
        if not path.is_file():
            logger.info("%s not found: skipped", path)
            continue
        sentences = read_newsmtsc(path)
        texts, spans, gold = [], [], []
        for s in sentences:
            for start, end, stance in s.targets:
                texts.append(s.text)
                spans.append([(start, end)])
                gold.append(stance)
        probs = model.stance_for(texts, [model.no_topic] * len(texts), spans).numpy()
        pred = [STANCES[i] for i in probs.argmax(1)]
        row = {
            "targets": len(gold),
            "macro_f1": round(float(f1_score(gold, pred, average="macro")), 4),
            "accuracy": round(float(accuracy_score(gold, pred)), 4),
        }
        if analyser:
            vl = [vader_label(analyser, t) for t in texts]
            row["vader_macro_f1"] = round(float(f1_score(gold, vl, average="macro")), 4)
        out[name.removesuffix(".jsonl")] = row
    return out


def evaluate(
    model: ConfidenceModel,
    corpus_dir: str | Path = DATA_DIR,
    newsmtsc_dir: str | Path | None = None,
    split: str = "test",
) -> dict:
    """Every figure `pcm evaluate` prints.

    Args:
        model: the loaded model.
        corpus_dir: the labelled corpus folder.
        newsmtsc_dir: NewsMTSC folder, or None to skip it.
        split: corpus split to score.

    Returns:
        {"model": {...}, "corpus": {...}, "newsmtsc": {...} or None, "seconds": float}.
    """
    started = time.monotonic()
    result = {
        "model": {
            "name": model.name,
            "version": model.version,
            "path": str(model.path),
            "runtime": model.runtime,
        },
        "corpus": evaluate_corpus(model, corpus_dir, split),
        "newsmtsc": evaluate_newsmtsc(model, newsmtsc_dir) if newsmtsc_dir else None,
    }
    result["seconds"] = round(time.monotonic() - started, 1)
    return result
