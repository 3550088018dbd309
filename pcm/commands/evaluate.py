"""`pcm evaluate`: the model's figures on the corpus test split and on NewsMTSC devtest."""

from __future__ import annotations

import argparse
import json
import logging
import os

logger = logging.getLogger(__name__)

NEWSMTSC_ENV = "PCM_NEWSMTSC"


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add `pcm evaluate`."""
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
    parser.add_argument("--model", metavar="DIR", help="model folder (default: the shipped one)")
    parser.add_argument(
        "--runtime",
        choices=("auto", "bf16", "int8", "onnx", "torch"),
        default="auto",
        help="where the encoder runs (default auto: bf16 on CPUs with AMX, else int8; see "
        "model.runtime in the README)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
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
    lines.append(f"({result['seconds']:.0f} s)")
    return "\n".join(lines)


def handle(args: argparse.Namespace) -> int:
    """Evaluate and print."""
    from sentiment.evaluation import evaluate
    from sentiment.model import MODEL_DIR, ConfidenceModel

    model = ConfidenceModel(args.model or MODEL_DIR, runtime=args.runtime)
    newsmtsc = args.newsmtsc or os.environ.get(NEWSMTSC_ENV)
    result = evaluate(model, args.corpus, newsmtsc, args.split)
    print(json.dumps(result, indent=2) if args.json else format_report(result))
    return 0
