"""`pcm crawl`: crawl every enabled source (or one) into the warehouse."""

from __future__ import annotations

import argparse
import logging

from core.errors import PcmError
from pcm.argtypes import whole_number
from pcm.cli import add_config_args, config_from

logger = logging.getLogger(__name__)

MAX_WORKERS = 64  # worker processes on this machine, at most


class CrawlFailedError(PcmError):
    """At least one source's crawl failed (judged from its stats)."""


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add `pcm crawl`."""
    parser = sub.add_parser(
        "crawl",
        help="crawl the configured sources into the warehouse",
        description="Crawl every enabled source (each in its own process), store new relevant "
        "articles as passages, and record per-source stats in crawl_stats and crawl_errors. "
        "URLs already in seen_urls are not fetched again. Exits 1 when any source failed.",
    )
    add_config_args(parser)
    parser.add_argument(
        "--source",
        action="append",
        metavar="NAME",
        help="crawl only this source (repeatable; default: every enabled source)",
    )
    parser.add_argument(
        "--since",
        metavar="DATE",
        help="backfill bound: skip entries published before DATE (YYYY-MM-DD)",
    )
    parser.add_argument(
        "--workers",
        type=whole_number(1, MAX_WORKERS, "workers"),
        default=1,
        metavar="N",
        help="crawl with N worker processes sharing a Redis queue (crawl.redis_url; the "
        "`distributed` extra); each site is fetched by one worker at a time. Default 1: "
        "one child process per source, no Redis",
    )
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    """Crawl, print one line per source, exit 1 when a source failed."""
    from pcm.crawling import crawl_all
    from warehouse.connection import require_warehouse

    cfg = config_from(args)
    require_warehouse(cfg.db_path)  # a mistyped --db never creates an empty warehouse
    if args.workers > 1:
        from pcm.crawl_workers import crawl_distributed

        summary = crawl_distributed(cfg, args.workers, since=args.since, sources=args.source)
    else:
        summary = crawl_all(cfg, since=args.since, sources=args.source)
    worker_of = getattr(summary, "worker_of", lambda _name: None)
    for s in summary.sources:
        worker = worker_of(s.source)
        reasons = ", ".join(f"{k} {v}" for k, v in sorted((s.errors_by_reason or {}).items()))
        print(
            f"{s.source}: {s.status}; {s.pages_fetched} pages, {s.new_articles} new, "
            f"{s.irrelevant} irrelevant, {s.duplicates} duplicates, {s.empty_bodies} empty, "
            f"{s.missing_dates} undated, {s.errors} errors"
            + (f" ({reasons})" if reasons else "")
            + (f"; {s.message}" if s.message else "")
            + (f"; worker {worker}" if worker else "")
        )
    if not summary.sources:
        print("no enabled sources in the config")
    if not summary.ok:
        raise CrawlFailedError(
            f"{len(summary.failed_sources)} of {len(summary.sources)} sources failed: "
            f"{', '.join(summary.failed_sources)}; see crawl_errors (pcm sql) for the reasons"
        )
    return 0
