"""`pcm evaluate`: the model's figures on the corpus test split and on NewsMTSC devtest."""

from __future__ import annotations

import argparse
import json
import logging
import os

logger = logging.getLogger(__name__)

NEWSMTSC_ENV = "PCM_NEWSMTSC"
REAL_LABELS_ENV = "PCM_REAL_LABELS"
DEFAULT_REAL_LABELS = "../shared/data/police-news-real"


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add `pcm evaluate`."""
    from pcm.argtypes import fraction
    from sentiment.corpus import DATA_DIR

    parser = sub.add_parser(
        "evaluate",
        help="score the model on the corpus test split and NewsMTSC devtest",
        description="Print topic micro-F1, stance macro-F1 and voice accuracy on the corpus "
        "split (test by default), stance macro-F1 on NewsMTSC devtest_rw and devtest_mt when "
        "--newsmtsc (or $PCM_NEWSMTSC) is given, and the VADER baseline on the same sets.",
    )
    parser.add_argument(
        "--corpus",
        default=str(DATA_DIR),
        metavar="DIR",
        help="folder with corpus_*.jsonl and split.json (default: %(default)s)",
    )
    parser.add_argument("--split", choices=("test", "dev"), default="test")
    parser.add_argument(
        "--newsmtsc",
        metavar="DIR",
        help=f"NewsMTSC folder (default: ${NEWSMTSC_ENV}; skipped when unset)",
    )
    parser.add_argument(
        "--real",
        metavar="DIR",
        help="also score real coverage: DIR holds the rebuilt article texts (an ignored "
        "folder such as data/real/); labels from --labels",
    )
    parser.add_argument(
        "--labels",
        metavar="DIR",
        help=f"real-coverage labels folder (default: ${REAL_LABELS_ENV}, else "
        f"{DEFAULT_REAL_LABELS})",
    )
    parser.add_argument(
        "--real-split",
        choices=("test", "dev", "train", "all"),
        default="test",
        help="which part of the real articles to score (default: %(default)s; the test part "
        "is read once per shipped model)",
    )
    parser.add_argument("--model", metavar="DIR", help="model folder (default: the shipped one)")
    parser.add_argument(
        "--runtime",
        choices=("auto", "bf16", "int8", "onnx", "torch"),
        default="auto",
        help="where the encoder runs (default auto: bf16 on CPUs with AMX, else int8; see "
        "model.runtime in docs/configuration.md)",
    )
    parser.add_argument(
        "--topic-threshold",
        type=fraction,
        metavar="P",
        help="read topics at this probability threshold instead of the model's own (to compare "
        "thresholds on held-out labels; the model is not changed)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--no-progress", action="store_true", help="hide the progress bar of --real"
    )
    parser.set_defaults(func=handle)


def format_report(result: dict) -> str:
    """The plain-text table `pcm evaluate` prints."""
    c = result["corpus"]
    lines = [
        f"model {result['model']['name']} {result['model']['version']} "
        f"(runtime {result['model'].get('runtime', 'torch')})",
        f"corpus {c['split']} split: {c['passages']} passages, {c['stance_pairs']} "
        "(passage, topic) pairs",
        f"  topic micro-F1        {c['topic_micro_f1']:.3f}   (macro {c['topic_macro_f1']:.3f},"
        f" threshold {c['topic_threshold']}, floor {c.get('topic_floor')})",
        f"  stance macro-F1       {c['stance_macro_f1']:.3f}   (accuracy "
        f"{c['stance_accuracy']:.3f}; VADER {c.get('vader_stance_macro_f1', float('nan')):.3f})",
        f"  voice accuracy        {c['voice_accuracy']:.3f}   (rules)",
    ]
    lines.append("  per-topic F1: " + ", ".join(f"{k} {v:.2f}" for k, v in c["topic_f1"].items()))
    for name, row in (result.get("newsmtsc") or {}).items():
        lines.append(
            f"NewsMTSC {name}: {row['targets']} targets, stance macro-F1 "
            f"{row['macro_f1']:.3f} (accuracy {row['accuracy']:.3f}; VADER "
            f"{row.get('vader_macro_f1', float('nan')):.3f})"
        )
    real = result.get("real")
    if real:
        lines += _real_lines(real)
    lines.append(f"({result['seconds']:.0f} s)")
    return "\n".join(lines)


REAL_ROWS = (
    ("voice accuracy", "voice_accuracy"),
    ("topic micro-F1", "topic_micro_f1"),
    ("stance macro-F1", "stance_macro_f1"),
    ("ext. criticism as praise", "external_criticism_as_praise"),
    ("article ext. agreement", "article_external_agreement"),
)


def _real_lines(real: dict) -> list[str]:
    """The real-coverage block of the report: each figure with its 95% interval."""
    lines = [
        f"real coverage, {real['split']} part: {real['articles']} articles, "
        f"{real['sentences']} labelled sentences ({real['unmatched_sentences']} not matched), "
        f"{real['stance_pairs']} topic-matched pairs"
    ]
    for label, key in REAL_ROWS:
        value = real.get(key)
        if value is None:
            lines.append(f"  {label:<26}n/a     (no article has a labelled external voice)")
            continue
        low, high = real["intervals"].get(key, [float("nan")] * 2)
        lines.append(f"  {label:<26}{value:.3f}   (95% {low:.3f}-{high:.3f})")
    lines.append(
        f"  topic precision {real['topic_precision']:.3f}, recall {real['topic_recall']:.3f} "
        f"(threshold {real.get('topic_threshold')}); "
        f"external negative pairs {real['external_negative_pairs']}, read positive "
        f"{real['external_negative_read_positive']}; article-topic pairs "
        f"{real['article_external_pairs']}"
    )
    lines.append(
        "  voice errors: " + ", ".join(f"{k} {v}" for k, v in real["voice_errors"].items())
    )
    if real["missing"]:
        lines.append(f"  not rebuilt (left out): {', '.join(real['missing'])}")
    return lines


def handle(args: argparse.Namespace) -> int:
    """Evaluate and print."""
    from sentiment.confidence_model import MODEL_DIR, ConfidenceModel
    from sentiment.evaluation import evaluate

    labels = args.labels or os.environ.get(REAL_LABELS_ENV) or DEFAULT_REAL_LABELS
    selection = None
    if args.real:
        from pcm.real_evaluation import select_articles

        # bad labels or a part with no article fail before the model loads
        selection = select_articles(args.real, labels, args.real_split)
    model = ConfidenceModel(args.model or MODEL_DIR, runtime=args.runtime)
    if args.topic_threshold is not None:
        logger.info("topic threshold %s (the model's is %s)", args.topic_threshold, model.threshold)
        model.threshold = args.topic_threshold
    newsmtsc = args.newsmtsc or os.environ.get(NEWSMTSC_ENV)
    result = evaluate(model, args.corpus, newsmtsc, args.split)
    if selection is not None:
        from tqdm import tqdm

        from pcm.real_evaluation import evaluate_real

        with tqdm(
            total=len(selection[1]),
            unit="article",
            desc=f"real {args.real_split}",
            disable=args.no_progress,
        ) as bar:
            result["real"] = evaluate_real(
                model,
                args.real,
                labels,
                args.real_split,
                progress=lambda done, total: bar.update(done - bar.n),
                selection=selection,
            )
    print(json.dumps(result, indent=2) if args.json else format_report(result))
    return 0
