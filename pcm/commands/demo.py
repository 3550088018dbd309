"""`pcm demo`: build the demo warehouse from the bundled sample site and open the dashboard."""

from __future__ import annotations

import argparse
import logging

from core.errors import PcmError
from pcm.demo import DEFAULT_PORT, DEMO_DB, SITE_PORT, build_demo, serve_dashboard

logger = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add `pcm demo`."""
    parser = sub.add_parser(
        "demo",
        help="offline demo: sample site, a year's backfill, nightly run, dashboard",
        description="Serve the bundled sample site on loopback, backfill its year of stories "
        "into the demo warehouse as one nightly run (digest in reports/), then serve the "
        "dashboard. Needs no network. A warehouse already built today is reused.",
    )
    parser.add_argument(
        "--db", metavar="FILE", default=DEMO_DB, help=f"demo warehouse (default {DEMO_DB})"
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"dashboard port (default {DEFAULT_PORT})"
    )
    parser.add_argument(
        "--site-port",
        type=int,
        default=SITE_PORT,
        help=f"loopback port of the sample site (default {SITE_PORT})",
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="delete the demo warehouse and build it again"
    )
    parser.add_argument(
        "--no-dashboard", action="store_true", help="build the warehouse and digest, then exit"
    )
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    """Build the demo, then serve the dashboard unless --no-dashboard."""
    for flag, port in (("--port", args.port), ("--site-port", args.site_port)):
        if not 1 <= port <= 65535:
            raise PcmError(f"{flag} must be between 1 and 65535, got {port}")
    if args.port == args.site_port:
        raise PcmError(f"--port and --site-port must differ (both {args.port})")
    result = build_demo(args.db, site_port=args.site_port, rebuild=args.rebuild)
    digest = ", ".join(result.digest_files) or "(unchanged)"
    print(
        f"[3/4] demo warehouse {result.db_path}: {result.articles} articles, "
        f"{result.passages_scored} passages scored, {result.alerts} alerts; digest {digest}",
        flush=True,
    )
    if args.no_dashboard:
        return 0
    print(f"[4/4] dashboard on http://localhost:{args.port} (Ctrl-C to stop)", flush=True)
    # the sample site stays up beside the dashboard: its stories' links point at it
    return serve_dashboard(result.config_path, result.db_path, args.port, args.site_port)
