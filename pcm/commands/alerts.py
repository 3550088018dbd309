"""`pcm alerts`: recompute spike alerts over past days (the nightly job checks the last week)."""

from __future__ import annotations

import argparse
import logging

from pcm.alerts import raise_alerts
from pcm.cli import add_config_args, config_from
from pcm.errors import PcmError

logger = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add `pcm alerts`."""
    parser = sub.add_parser(
        "alerts",
        help="detect spike alerts over the last N days and store the new ones",
        description="Check every London day from N days ago to today against its trailing "
        "baseline (alerts.baseline_days, alerts.sensitivity, alerts.min_negative) and store "
        "alerts not stored yet. Existing alerts are never changed.",
    )
    add_config_args(parser)
    parser.add_argument(
        "--days", type=int, default=7, metavar="N", help="how many days back to check (default 7)"
    )
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    """Store new alerts and print how many."""
    if args.days < 0:
        raise PcmError(f"--days must be 0 or more, got {args.days}")
    from warehouse.connection import writer

    cfg = config_from(args)
    with writer(cfg) as con:
        ids = raise_alerts(con, cfg, days=args.days)
    print(f"{len(ids)} new alerts")
    return 0
