"""`pcm train`: fine-tune the topic and stance model on the labelled corpus (and NewsMTSC)."""

from __future__ import annotations

import argparse
import logging
import os
from dataclasses import replace

from core.errors import PcmError
from pcm.cli import add_config_args, config_from

logger = logging.getLogger(__name__)

NEWSMTSC_ENV = "PCM_NEWSMTSC"  # default for --newsmtsc (a folder holding train.jsonl)


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add `pcm train`."""
    from sentiment.corpus import DATA_DIR

    model_dir = (
        DATA_DIR.parent / "model"
    )  # sentiment.confidence_model.MODEL_DIR, without importing torch

    parser = sub.add_parser(
        "train",
        help="train the topic and stance model",
        description="Fine-tune the encoder's top layers and the topic and stance heads on the "
        "corpus's train split (dev picks the epoch and topic threshold; test is never read) "
        "and, when given, NewsMTSC train.jsonl. Seeded and reproducible; minutes on 2 cores.",
    )
    parser.add_argument(
        "--corpus",
        default=str(DATA_DIR),
        metavar="DIR",
        help="folder with corpus_*.jsonl and split.json (default: %(default)s)",
    )
    parser.add_argument(
        "--newsmtsc",
        metavar="DIR",
        help=f"NewsMTSC folder with train.jsonl (default: ${NEWSMTSC_ENV}; "
        "without it training uses the corpus only)",
    )
    parser.add_argument(
        "--out",
        default=str(model_dir),
        metavar="DIR",
        help="model folder to write (default: %(default)s)",
    )
    parser.add_argument("--epochs", type=int, help="training epochs (default: the shipped model's)")
    parser.add_argument("--layers", type=int, help="top transformer layers to fine-tune (1-6)")
    parser.add_argument("--seed", type=int, help="random seed")
    parser.add_argument(
        "--newsmtsc-limit",
        type=int,
        metavar="N",
        help="use only the first N NewsMTSC sentences (quick runs)",
    )
    _add_real_coverage_args(parser)
    parser.add_argument(
        "--corrections",
        action="store_true",
        help="also learn from the analysts' corrections in the warehouse (--db, else $PCM_DB)",
    )
    add_config_args(parser)
    parser.set_defaults(func=handle)


def _add_real_coverage_args(parser: argparse.ArgumentParser) -> None:
    """The options that continue a trained model on real coverage."""
    parser.add_argument(
        "--real",
        metavar="DIR",
        help="rebuilt real-coverage articles (an ignored folder such as data/real/): train on "
        "the train part of sentiment/data/real_split.json too (with --adapt or --heads-only)",
    )
    parser.add_argument(
        "--labels",
        metavar="DIR",
        help="real-coverage labels folder (default: $PCM_REAL_LABELS, else "
        "../shared/data/police-news-real)",
    )
    extra = parser.add_mutually_exclusive_group()
    extra.add_argument(
        "--extra-labels",
        nargs="?",
        const="sentiment/data/real_extra",
        metavar="DIR",
        help="also train on more labelled real articles, texts rebuilt in --real's folder "
        "(DIR defaults to sentiment/data/real_extra; off unless given: the shipped model did "
        "not train on them, and the threshold was chosen on them)",
    )
    extra.add_argument(
        "--no-extra-labels",
        action="store_true",
        help="train on the split's train part only (the default; kept for older scripts)",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--adapt",
        metavar="BASE",
        help="continue from the trained model in BASE: a low-rank update to its encoder "
        "layers and its heads, then --heads-only's refit (needs --real)",
    )
    mode.add_argument(
        "--heads-only",
        action="store_true",
        help="refit the heads of the model in --out on its frozen encoder (corpus, NewsMTSC "
        "and --real's train part) and calibrate its stance on the real dev part",
    )
    parser.add_argument(
        "--final-from",
        metavar="MODEL",
        help="a final fit (with --adapt or --heads-only): train on the real train and dev "
        "parts together and take the choices made on real dev (topic threshold, floor, mix "
        "share, context weights, stance calibration) from MODEL, the same recipe fitted on "
        "the train part alone",
    )


def _real_labels(args: argparse.Namespace) -> str:
    from pcm.commands.evaluate import DEFAULT_REAL_LABELS, REAL_LABELS_ENV

    return args.labels or os.environ.get(REAL_LABELS_ENV) or DEFAULT_REAL_LABELS


def _extra_labels(args: argparse.Namespace) -> str | None:
    """The extra labels folder to train on, or None (the default)."""
    from sentiment.real_coverage import EXTRA_LABELS_DIR

    if args.no_extra_labels or args.extra_labels is None:
        return None
    if args.extra_labels == "sentiment/data/real_extra":
        return str(EXTRA_LABELS_DIR)  # the folder in this checkout, wherever pcm runs from
    return args.extra_labels


def _adapt_or_refit(args: argparse.Namespace, newsmtsc: str | None) -> int:
    """`--adapt BASE` or `--heads-only`: continue from a trained model."""
    from sentiment.heads_refit import ChoicesError

    if args.final_from is not None and not args.real:
        raise PcmError("--final-from needs --real DIR (the rebuilt real-coverage articles)")
    try:
        report = _continue(args, newsmtsc)
    except ChoicesError as exc:  # raised before any training starts
        raise PcmError(str(exc)) from exc
    print(f"model version {report['version']} -> {args.out}")
    return 0


def _continue(args: argparse.Namespace, newsmtsc: str | None) -> dict:
    """Run `--adapt` or `--heads-only` and return its report."""
    from pathlib import Path

    if args.adapt:
        from sentiment.adapt import AdaptSettings, adapt_model

        if not args.real:
            raise PcmError("--adapt needs --real DIR (the rebuilt real-coverage articles)")
        if not Path(args.adapt, "model.json").is_file():
            raise PcmError(f"{args.adapt}: not a model folder (no model.json); give --adapt BASE")
        settings = AdaptSettings()
        if args.epochs is not None:
            settings = replace(settings, epochs=args.epochs)
        if args.seed is not None:
            settings = replace(settings, seed=args.seed)
        return adapt_model(
            args.adapt,
            args.out,
            args.real,
            _real_labels(args),
            args.corpus,
            newsmtsc,
            settings,
            progress=print,
            choices_from=args.final_from,
            extra_labels=_extra_labels(args),
        )
    from sentiment.heads_refit import refit_heads

    if not Path(args.out, "model.json").is_file():
        raise PcmError(f"{args.out}: not a model folder (no model.json); give --out DIR")
    return refit_heads(
        args.out,
        args.corpus,
        newsmtsc,
        args.real,
        _real_labels(args) if args.real else None,
        args.seed if args.seed is not None else 13,
        progress=print,
        choices_from=args.final_from,
        extra_labels=_extra_labels(args),
    )


def handle(args: argparse.Namespace) -> int:
    """Train and print where the model went and its dev figures."""

    from sentiment.train import Settings
    from sentiment.training import train_model

    settings = Settings()
    if args.epochs is not None:
        settings = replace(settings, epochs=args.epochs)
    if args.layers is not None:
        if not 1 <= args.layers <= 6:
            raise PcmError("--layers must be between 1 and 6")
        settings = replace(settings, trainable_layers=args.layers)
    if args.seed is not None:
        settings = replace(settings, seed=args.seed)
    newsmtsc = args.newsmtsc or os.environ.get(NEWSMTSC_ENV)
    if args.adapt or args.heads_only:
        return _adapt_or_refit(args, newsmtsc)
    if args.final_from is not None:
        raise PcmError("--final-from needs --adapt BASE or --heads-only")
    corrections = None
    if args.corrections:
        from pcm.feedback import read_corrections

        corrections = read_corrections(config_from(args).db_path)
        print(f"{len(corrections)} corrected passages from the warehouse")
    report = train_model(
        args.out,
        args.corpus,
        newsmtsc,
        settings,
        newsmtsc_limit=args.newsmtsc_limit,
        progress=print,
        corrections=corrections,
    )
    dev = ", ".join(f"{k} {v:.3f}" for k, v in report["dev"].items() if v is not None)
    print(f"model {report['name']} version {report['version']} -> {args.out}")
    floor = report.get("topic_floor")
    print(f"dev: {dev}; topic threshold {report['topic_threshold']}, floor {floor}")
    return 0
