"""`pcm score`: score the warehouse's unscored passages with the current model."""

from __future__ import annotations

import argparse
import logging

from pcm.cli import add_config_args, config_from

logger = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add `pcm score`."""
    parser = sub.add_parser(
        "score",
        help="score passages the current model has not scored yet",
        description="Score every passage in the warehouse that the current model version has "
        "not scored, in batches that are committed one by one (an interrupted run resumes). "
        "Each passage's voice, speaker and target force are decided again with today's rules "
        "and configured people (read over its article's stored passages in order) and stored "
        "with the model version's rows. With --rescore, score every passage with text again "
        "under the current model version, so new rules or people reach old articles without a "
        "re-crawl; rows of other model versions are kept, and passages whose text retention "
        "purged keep their rows.",
    )
    parser.add_argument(
        "--rescore",
        action="store_true",
        help="score all passages again with the current model, voices and targets included",
    )
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    add_config_args(parser)
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    """Score and print how many passages were scored."""
    from pcm.scoring import score_pending
    from warehouse.connection import refresh_snapshot, require_warehouse
    from warehouse.materialized import refresh_if_stale

    cfg = config_from(args)
    require_warehouse(cfg.db_path)  # a mistyped --db never creates an empty warehouse
    done = score_pending(cfg, rescore=args.rescore, progress=not args.no_progress)
    refresh_if_stale(cfg)  # the dashboard's copy of passage_scores
    refresh_snapshot(cfg)  # what analysts and the dashboard read, when published
    print(f"{cfg.db_path}: scored {done} passage(s)")
    return 0
