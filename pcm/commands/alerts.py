"""`pcm alerts`: recompute spike alerts over past days (the nightly job checks the last week)."""

from __future__ import annotations

import argparse
import logging

from core.errors import PcmError
from pcm.alerts import raise_alerts
from pcm.cli import add_config_args, config_from

logger = logging.getLogger(__name__)

MAX_ALERT_DAYS = 3660  # ten years of days, each checked against its baseline


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add `pcm alerts`."""
    parser = sub.add_parser(
        "alerts",
        help="detect spike alerts over the last N days and store the new ones",
        description="Check every London day from N days ago to today against its trailing "
        "baseline (alerts.baseline_days, alerts.min_stories) and store "
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
    if args.days > MAX_ALERT_DAYS:
        raise PcmError(f"--days must be at most {MAX_ALERT_DAYS:,}, got {args.days}")
    from warehouse.connection import has_snapshot, require_warehouse, writer

    cfg = config_from(args)
    require_warehouse(cfg.db_path)  # a mistyped --db never creates an empty warehouse
    with writer(cfg, publish=has_snapshot(cfg.db_path)) as con:
        ids = raise_alerts(con, cfg, days=args.days)
    print(f"{len(ids)} new alerts")
    return 0
