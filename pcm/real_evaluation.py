"""Real coverage through the product: `pcm evaluate --real` runs `pcm analyse` over the rebuilt
texts and scores voice, topics, stance, target and article stance against the hand labels,
each with a 95% interval from resampling articles.

The labels, the split and the texts are read by `sentiment.real_coverage`; this module is the
application-level half, because it runs the whole analysis (`pcm.analyse`).
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

from core.vocabulary import TOPICS
from sentiment.real_coverage import (
    BOOTSTRAP_ROUNDS,
    BOOTSTRAP_SEED,
    SPLIT_FILE,
    STANCES3,
    Article,
    RealDataError,
    Sentence,
    article_text,
    force_config,
    load_split,
    locate,
    product_kind,
    read_labels,
)

logger = logging.getLogger(__name__)


@dataclass
class Matched:
    """A labelled sentence with the analysis of the passage that holds it."""

    article: str
    gold: Sentence
    voice: str | None  # None when the sentence was not found in any passage
    topics: dict[str, str]  # predicted topic -> label
    scores: dict[str, float]
    probs: dict[str, dict[str, float]]  # topic -> {negative, neutral, positive}
    skipped: str | None
    target: str | None


def match_article(art: Article, text: str, result: dict) -> list[Matched]:
    """Each labelled sentence of an article with the analysed passage that overlaps it most.

    Args:
        art: the labels.
        text: the rebuilt text that was analysed.
        result: `analyse_document`'s output for it.

    Returns:
        One `Matched` per labelled sentence.
    """
    from passages.segment import split_paragraphs

    paragraphs = split_paragraphs(text)
    # passage spans within their paragraph, found in order
    spans: dict[int, list[tuple[int, int, dict]]] = defaultdict(list)
    cursor: dict[int, int] = defaultdict(int)
    for p in result["passages"]:
        pi = p["paragraph"]
        if pi is None or pi >= len(paragraphs):
            continue
        at = paragraphs[pi].find(p["text"], cursor[pi])
        if at < 0:
            at = paragraphs[pi].find(p["text"])
        if at < 0:
            continue
        spans[pi].append((at, at + len(p["text"]), p))
        cursor[pi] = at + len(p["text"])
    out = []
    for s in art.sentences:
        best = None
        if s.para < len(paragraphs):
            loc = locate(paragraphs[s.para], s)
            if loc is not None:
                overlaps = [(min(b, loc[1]) - max(a, loc[0]), p) for a, b, p in spans[s.para]]
                overlaps = [o for o in overlaps if o[0] > 0]
                if overlaps:
                    best = max(overlaps, key=lambda o: o[0])[1]
        if best is None:
            out.append(Matched(art.file, s, None, {}, {}, {}, "unmatched", None))
            continue
        out.append(
            Matched(
                art.file,
                s,
                best["voice"],
                {t["topic"]: t["label"] for t in best["topics"]},
                {t["topic"]: t["score"] for t in best["topics"]},
                {
                    t["topic"]: {k: t[f"p_{k}"] for k in STANCES3}
                    for t in best["topics"]
                    if "p_positive" in t
                },
                best.get("skipped"),
                best.get("target"),
            )
        )
    return out


def analyse_articles(
    articles: list[Article],
    real_dir: str | Path,
    model,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[Matched], dict[str, dict]]:
    """Run `pcm analyse`'s pipeline over real articles and match the labelled sentences.

    Returns:
        (matched sentences, {file: analyse result}).
    """
    from pcm.analyse import analyse_document

    matched: list[Matched] = []
    results: dict[str, dict] = {}
    for i, art in enumerate(articles):
        text = article_text(art, real_dir)
        result = analyse_document(
            text, force_config(art), model=model, source_kind=product_kind(art.kind)
        )
        results[art.file] = result
        matched.extend(match_article(art, text, result))
        if progress:
            progress(i + 1, len(articles))
    return matched, results


def _metrics(rows: list[Matched], results: dict[str, dict], articles: dict[str, Article]) -> dict:
    """The headline figures for one set of matched sentences."""
    out: dict[str, float | int] = {}
    if not rows:
        return out
    out["sentences"] = len(rows)
    out["voice_accuracy"] = float(np.mean([m.voice == m.gold.voice for m in rows]))
    gold = np.array([[t in m.gold.topics for t in TOPICS] for m in rows], dtype=int)
    pred = np.array([[t in m.topics for t in TOPICS] for m in rows], dtype=int)
    out["topic_micro_f1"] = float(f1_score(gold, pred, average="micro", zero_division=0))
    tp = int((gold & pred).sum())
    out["topic_precision"] = tp / max(int(pred.sum()), 1)
    out["topic_recall"] = tp / max(int(gold.sum()), 1)
    pairs = [(m.gold.topics[t], m.topics[t]) for m in rows for t in m.gold.topics if t in m.topics]
    out["stance_pairs"] = len(pairs)
    if pairs:
        out["stance_macro_f1"] = float(
            f1_score(
                [g for g, _ in pairs],
                [p for _, p in pairs],
                average="macro",
                labels=STANCES3,
                zero_division=0,
            )
        )
    ext_neg = [
        (m, t)
        for m in rows
        if m.gold.voice != "force"
        for t, s in m.gold.topics.items()
        if s == "negative"
    ]
    out["external_negative_pairs"] = len(ext_neg)
    out["external_negative_read_positive"] = sum(
        1 for m, t in ext_neg if m.topics.get(t) == "positive"
    )
    out["external_criticism_as_praise"] = out["external_negative_read_positive"] / max(
        len(ext_neg), 1
    )
    agree = total = 0
    for f in {m.article for m in rows}:
        predicted = {
            t["topic"]: (t.get("external") or {}).get("stance") for t in results[f]["topics"]
        }
        for topic, stance in articles[f].external.items():
            total += 1
            agree += predicted.get(topic) == stance
    out["article_external_pairs"] = total
    # None (JSON null) when the labels give no article stances (no articles.tsv)
    out["article_external_agreement"] = agree / total if total else None
    return out


HEADLINE = (
    "voice_accuracy",
    "topic_micro_f1",
    "stance_macro_f1",
    "external_criticism_as_praise",
    "article_external_agreement",
)


def bootstrap(
    matched: list[Matched],
    results: dict[str, dict],
    articles: dict[str, Article],
    rounds: int = BOOTSTRAP_ROUNDS,
    seed: int = BOOTSTRAP_SEED,
) -> dict[str, list[float]]:
    """95% percentile intervals of the headline figures, resampling whole articles.

    Returns:
        {figure: [low, high]}.
    """
    by_article: dict[str, list[Matched]] = defaultdict(list)
    for m in matched:
        by_article[m.article].append(m)
    files = sorted(by_article)
    rng = np.random.default_rng(seed)
    samples: dict[str, list[float]] = defaultdict(list)
    for _ in range(rounds):
        pick = rng.choice(len(files), size=len(files), replace=True)
        counts = Counter(pick.tolist())
        rows: list[Matched] = []
        res: dict[str, dict] = {}
        arts: dict[str, Article] = {}
        for idx, n in counts.items():
            f = files[idx]
            for k in range(n):
                key = f"{f}#{k}"
                res[key] = results[f]
                arts[key] = articles[f]
                rows.extend(_relabel(m, key) for m in by_article[f])
        figures = _metrics(rows, res, arts)
        for name in HEADLINE:
            if figures.get(name) is not None:
                samples[name].append(figures[name])
    return {
        k: [round(float(np.percentile(v, 2.5)), 4), round(float(np.percentile(v, 97.5)), 4)]
        for k, v in samples.items()
    }


def _relabel(m: Matched, key: str) -> Matched:
    return Matched(key, m.gold, m.voice, m.topics, m.scores, m.probs, m.skipped, m.target)


def select_articles(
    real_dir: str | Path,
    labels_dir: str | Path,
    split: str = "test",
    split_file: str | Path = SPLIT_FILE,
) -> tuple[dict[str, Article], list[Article], list[str]]:
    """The labelled articles of one part that have been rebuilt; fails before any work is done.

    Returns:
        (every labelled article by file, the part's rebuilt articles, the part's files that
        have not been rebuilt).

    Raises:
        RealDataError: no article of the labels is in the part, or none has been rebuilt.
    """
    articles = read_labels(labels_dir)
    names = sorted(articles) if split == "all" else [f for f in load_split(split_file)[split]]
    chosen = [articles[f] for f in names if f in articles]
    if not chosen:
        raise RealDataError(
            f"{labels_dir}: none of its {len(articles)} labelled articles is in the {split} part "
            f"of {Path(split_file).name}; use --real-split all for a set of labels of its own"
        )
    missing = [a.file for a in chosen if not (Path(real_dir) / a.file).is_file()]
    if missing and len(missing) == len(chosen):
        raise RealDataError(
            f"{real_dir}: none of the {len(chosen)} {split} articles has been rebuilt; "
            "rebuild them with the shared rebuild.py first"
        )
    return articles, [a for a in chosen if a.file not in missing], missing


def evaluate_real(
    model,
    real_dir: str | Path,
    labels_dir: str | Path,
    split: str = "test",
    split_file: str | Path = SPLIT_FILE,
    rounds: int = BOOTSTRAP_ROUNDS,
    progress: Callable[[int, int], None] | None = None,
    selection: tuple[dict[str, Article], list[Article], list[str]] | None = None,
) -> dict:
    """Every real-coverage figure `pcm evaluate --real` prints, with 95% intervals.

    Args:
        model: the loaded `ConfidenceModel`.
        real_dir: folder of rebuilt article texts (`<file>` per article).
        labels_dir: folder with `labels.jsonl` and `articles.tsv`.
        split: "test" (reported once per shipped model), "dev", "train" or "all".
        split_file: the recorded split.
        rounds: bootstrap resamples (0: no intervals).
        progress: called with (articles done, total).
        selection: `select_articles`'s answer for these arguments, when the caller has it.

    Returns:
        {"split", "articles", figures..., "intervals": {figure: [low, high]},
        "voice_errors": {...}, "per_topic_f1": {...}, "topic_threshold", "missing": [...]}.
    """
    articles, chosen, missing = selection or select_articles(
        real_dir, labels_dir, split, split_file
    )
    matched, results = analyse_articles(chosen, real_dir, model, progress)
    figures = _metrics(matched, results, articles)
    gold = np.array([[t in m.gold.topics for t in TOPICS] for m in matched], dtype=int)
    pred = np.array([[t in m.topics for t in TOPICS] for m in matched], dtype=int)
    per_topic = {
        t: round(float(f1_score(gold[:, j], pred[:, j], zero_division=0)), 3)
        for j, t in enumerate(TOPICS)
    }
    return {
        "split": split,
        "articles": len(chosen),
        **{k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()},
        "intervals": bootstrap(matched, results, articles, rounds) if rounds else {},
        "unmatched_sentences": sum(1 for m in matched if m.voice is None),
        "voice_errors": dict(
            Counter(
                f"{m.gold.voice}->{m.voice}" for m in matched if m.voice != m.gold.voice
            ).most_common(10)
        ),
        "per_topic_f1": per_topic,
        "topic_threshold": model.threshold,
        "missing": missing,
    }
