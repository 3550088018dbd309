"""`pcm schedule`: run the nightly job every night at a London time."""

from __future__ import annotations

import argparse
import logging

from pcm.cli import add_config_args, config_from
from pcm.scheduler import NightlyScheduler, check_at, install_stop_signals

logger = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add `pcm schedule`."""
    parser = sub.add_parser(
        "schedule",
        help="run `pcm run` every night (default 02:30 Europe/London)",
        description="Stay in the foreground and launch `pcm run` as a child process every "
        "night at schedule.at in schedule.timezone, killing it after schedule.run_timeout_s. "
        "On start it runs once at once if the last good run is more than a day old. "
        "SIGTERM or Ctrl-C stops it cleanly.",
    )
    add_config_args(parser)
    parser.add_argument(
        "--at", metavar="HH:MM", help="time of day in schedule.timezone (default: schedule.at)"
    )
    parser.add_argument(
        "--no-catch-up",
        action="store_true",
        help="do not run at start even if the last good run is old",
    )
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    """Run the scheduler until SIGTERM or Ctrl-C."""
    at = check_at(args.at) if args.at is not None else None
    cfg = config_from(args)
    scheduler = NightlyScheduler(cfg, at=at, catch_up=not args.no_catch_up)
    install_stop_signals(scheduler)
    logger.info(
        "scheduling pcm run daily at %s %s (time limit %g s)",
        scheduler.at,
        scheduler.tz,
        cfg.schedule.run_timeout_s,
    )
    scheduler.serve()
    return 0
