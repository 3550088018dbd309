"""`pcm score`: score the warehouse's unscored passages with the current model."""

from __future__ import annotations

import argparse
import logging

from core.errors import UsageError
from pcm.argtypes import whole_number
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
        "purged keep their rows. With --engine ray the same scoring runs on a Ray cluster "
        "(a local one, or the one at --address): passages go out and scores come back as "
        "Parquet batches, each loaded in one transaction (docs/scaling.md).",
    )
    parser.add_argument(
        "--rescore",
        action="store_true",
        help="score all passages again with the current model, voices and targets included",
    )
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    parser.add_argument(
        "--limit",
        type=whole_number(1, 10**12, "passages"),
        metavar="N",
        help="score at most N passages, lowest ids first (a backfill in slices: repeat until "
        "it scores 0)",
    )
    parser.add_argument(
        "--engine",
        choices=("local", "ray"),
        default="local",
        help="local: this process (default); ray: Ray Data over a pool of model actors, for "
        "backfills and rescoring (needs the `distributed` extra)",
    )
    parser.add_argument(
        "--address",
        metavar="ADDR",
        help="with --engine ray: a running Ray cluster's head (HOST:6379, or auto); default: "
        "start a local cluster on 127.0.0.1 for this run",
    )
    parser.add_argument(
        "--actors",
        type=whole_number(1, 4096, "actors"),
        metavar="N",
        help="with --engine ray: scoring actors, each loading the model once (default: the "
        "cluster's CPUs / 2)",
    )
    parser.add_argument(
        "--num-cpus",
        type=whole_number(1, 4096, "CPUs"),
        metavar="N",
        help="with --engine ray and no --address: the local cluster's CPUs (default: the "
        "machine's)",
    )
    parser.add_argument(
        "--work-dir",
        metavar="DIR",
        help="with --engine ray: where the Parquet batches are written (default: the system's "
        "temporary folder); with --address, a folder every node sees at the same path",
    )
    add_config_args(parser)
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    """Score and print how many passages were scored."""
    from pcm.scoring import score_pending
    from warehouse.connection import refresh_snapshot, require_warehouse
    from warehouse.materialized import refresh_if_stale

    ray_only = ("address", "actors", "num_cpus", "work_dir")
    given = [name for name in ray_only if getattr(args, name) is not None]
    if args.engine != "ray" and given:
        flag = "--" + given[0].replace("_", "-")
        raise UsageError(f"{flag} needs --engine ray")
    cfg = config_from(args)
    require_warehouse(cfg.db_path)  # a mistyped --db never creates an empty warehouse
    if args.engine == "ray":
        from pcm.ray_scoring import score_with_ray

        done = score_with_ray(
            cfg,
            rescore=args.rescore,
            progress=not args.no_progress,
            limit=args.limit,
            address=args.address,
            actors=args.actors,
            num_cpus=args.num_cpus,
            work_dir=args.work_dir,
        )
    else:
        done = score_pending(
            cfg, rescore=args.rescore, progress=not args.no_progress, limit=args.limit
        )
    refresh_if_stale(cfg)  # the dashboard's copy of passage_scores
    refresh_snapshot(cfg)  # what analysts and the dashboard read, when published
    print(f"{cfg.db_path}: scored {done} passage(s)")
    return 0
