"""`pcm backfill --warc FILE...`: store the articles of web archives as a crawl would."""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from core.errors import PcmError
from pcm.cli import add_config_args, config_from

logger = logging.getLogger(__name__)


class BackfillError(PcmError):
    """A WARC file was missing, or could not be read to its end."""


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add `pcm backfill`."""
    parser = sub.add_parser(
        "backfill",
        help="store the articles of WARC web archives, as a crawl of those pages would",
        description="Read WARC files (.warc or .warc.gz, such as Common Crawl's news archive) "
        "and pass each archived HTML or PDF response of a configured source's host through "
        "the crawl's own extraction, relevance and duplicate check into the warehouse. "
        "Nothing is fetched. URLs already in seen_urls are passed over. Bad records are "
        "counted and logged with their reason; exits 1 when a file is missing or could not "
        "be read to its end. Needs the `distributed` extra (warcio).",
    )
    parser.add_argument(
        "--warc", nargs="+", required=True, metavar="FILE", help="WARC files, read in turn"
    )
    parser.add_argument(
        "--since", metavar="DATE", help="skip articles published before DATE (YYYY-MM-DD)"
    )
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    add_config_args(parser)
    parser.set_defaults(func=handle)


def _print_lines(summary) -> None:
    for name, s in summary.sources.items():
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(s.errors_by_reason.items()))
        print(
            f"{name}: {s.pages_fetched} pages, {s.new_articles} new, {s.irrelevant} irrelevant, "
            f"{s.duplicates} duplicates, {s.empty_bodies} empty, {s.missing_dates} undated, "
            f"{s.already_seen} already seen, {s.error_count} errors"
            + (f" ({reasons})" if reasons else "")
        )
    data = summary.as_dict()
    skipped = ", ".join(f"{k} {v}" for k, v in data["skipped"].items()) or "none"
    bad = ", ".join(f"{k} {v}" for k, v in data["bad_records"].items()) or "none"
    print(
        f"backfill: {len(summary.files)} files, {data['pages']} pages, "
        f"{data['new_articles']} new articles, {data['duplicates']} duplicates, "
        f"{data['irrelevant']} irrelevant; skipped: {skipped}; bad records: {bad}; "
        f"{summary.seconds:.1f} s"
    )


def handle(args: argparse.Namespace) -> int:
    """Backfill, print the summary, exit 1 when a file could not be read to its end."""
    from pcm.backfill import backfill
    from warehouse.connection import require_warehouse

    cfg = config_from(args)
    require_warehouse(cfg.db_path)  # a mistyped --db never creates an empty warehouse
    missing = [p for p in args.warc if not Path(p).is_file()]
    if missing:
        raise BackfillError(f"no such WARC file: {', '.join(missing)}")
    try:
        import warcio  # noqa: F401  (the optional `distributed` extra)
    except ImportError:
        raise BackfillError(
            "warcio is not installed: pip install -r requirements.txt (or the `distributed` extra)"
        ) from None
    summary = backfill(cfg, args.warc, since=args.since, progress=not args.no_progress)
    if args.json:
        print(json.dumps(summary.as_dict(), ensure_ascii=False))
    else:
        _print_lines(summary)
    damaged = summary.damaged_files
    if damaged:
        raise BackfillError(
            f"{len(damaged)} of {len(summary.files)} WARC files could not be read to the end: "
            + "; ".join(f"{f.path} ({f.reason})" for f in damaged)
        )
    return 0
