"""`pcm sql`: an analyst's read-only query, printed as a table, CSV or JSON."""

from __future__ import annotations

import argparse
import logging
import sys

from pcm.cli import add_config_args, config_from
from warehouse.analyst import FORMATS, format_result, run_query

logger = logging.getLogger(__name__)


def _seconds(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text}")
    return value


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add `pcm sql`."""
    parser = sub.add_parser(
        "sql",
        help="run a read-only SQL query on the warehouse",
        description="Run one read-only query (SELECT, EXPLAIN, DESCRIBE, SHOW ...) on the "
        "warehouse. File access, ATTACH, extensions, writes and SET are refused; the query is "
        "stopped after warehouse.query_timeout_s seconds (or --timeout).",
    )
    parser.add_argument(
        "query",
        metavar="QUERY",
        help='the SQL, e.g. "SELECT * FROM topic_daily LIMIT 5"; "-" reads it from standard input',
    )
    parser.add_argument(
        "--format", choices=FORMATS, default="table", help="output format (default: table)"
    )
    parser.add_argument(
        "--timeout",
        type=_seconds,
        metavar="SECONDS",
        help="stop the query after this long (default: warehouse.query_timeout_s)",
    )
    add_config_args(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the query and print its result; refusals raise QueryError (exit 1)."""
    cfg = config_from(args)
    query = sys.stdin.read() if args.query == "-" else args.query
    timeout = args.timeout or cfg.warehouse.query_timeout_s
    result = run_query(cfg.db_path, query, timeout, cfg.warehouse.query_memory_limit)
    sys.stdout.write(format_result(result, args.format))
    return 0
