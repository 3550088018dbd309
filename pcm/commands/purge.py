"""`pcm purge`: remove passage text older than retention.text_days (scores and links stay)."""

from __future__ import annotations

import argparse
import logging
from datetime import UTC, datetime

from core.config import MAX_DAYS
from pcm.argtypes import whole_number
from pcm.cli import add_config_args, config_from
from warehouse.connection import reader, require_warehouse, writer
from warehouse.retention import plan_purge, purge_text
from warehouse.rewrite import rewrite

logger = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add `pcm purge`."""
    parser = sub.add_parser(
        "purge",
        help="remove passage text older than the retention period",
        description="Set the text of passages of articles published (else fetched) more than "
        "retention.text_days ago to NULL, then rewrite the warehouse file (and its published "
        "snapshot) so that the removed text is gone from the disk file too. Scores, voices, "
        "titles and URLs stay. The nightly job does this too.",
    )
    parser.add_argument("--dry-run", action="store_true", help="only count what would be removed")
    parser.add_argument(
        "--days",
        type=whole_number(1, MAX_DAYS, "days"),
        metavar="N",
        help=f"keep text N days (default: retention.text_days; 1 to {MAX_DAYS:,})",
    )
    add_config_args(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Purge (or count, with --dry-run) old passage text and print the counts."""
    cfg = config_from(args)
    require_warehouse(cfg.db_path)  # a mistyped --db never creates an empty warehouse
    days = args.days or cfg.retention.text_days
    now = datetime.now(UTC)
    if args.dry_run:
        with reader(cfg.db_path) as con:
            plan = plan_purge(con, now, days)
        print(
            f"would remove the text of {plan.passages} passages in {plan.articles} articles "
            f"dated before {plan.cutoff:%Y-%m-%d} ({days} days); nothing changed"
        )
        return 0
    with writer(cfg) as con:
        plan = plan_purge(con, now, days)
        removed = purge_text(con, now, days)
    # Nulled text keeps its bytes in freed blocks until the file is rewritten.
    sizes = rewrite(cfg)
    print(
        f"removed the text of {removed} passages in {plan.articles} articles dated before "
        f"{plan.cutoff:%Y-%m-%d} ({days} days); rewrote the warehouse file "
        f"({sizes.before:,} -> {sizes.after:,} bytes)"
    )
    return 0
