"""`pcm run`: the nightly job once."""

from __future__ import annotations

import argparse
import logging
import sys

from pcm.cli import add_config_args, config_from
from pcm.nightly import RunInterrupted, run_nightly, sigterm_interrupts
from pcm.nightly_record import RunFailedError

logger = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add `pcm run`."""
    parser = sub.add_parser(
        "run",
        help="run the nightly job once: crawl, score, refresh, purge, alerts, digest",
        description="Run the nightly job once and record it in the runs table. Exit status: "
        "0 success, 3 partial (some sources failed or the e-mail was not sent), 1 failed, "
        "75 another run holds the lock.",
    )
    add_config_args(parser)
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    """Run the job; print a one-line summary, and a one-line reason on stderr if not success."""
    cfg = config_from(args)
    try:
        with sigterm_interrupts():
            result = run_nightly(cfg)
    except RunInterrupted as exc:
        raise RunFailedError(f"{exc}; the run is recorded as failed") from None
    print(result.summary())
    if result.status != "success":
        print(f"pcm run: {result.status}: {result.reason}", file=sys.stderr)
    return result.exit_code
