"""`pcm sql`: an analyst's read-only query, printed as a table, CSV or JSON."""

from __future__ import annotations

import argparse
import logging
import sys

from core.config import MAX_QUERY_TIMEOUT_S
from pcm.argtypes import day, seconds, whole_number
from pcm.cli import add_config_args, config_from
from warehouse.analyst import run_query
from warehouse.analyst_guard import DEFAULT_MAX_ROWS, MAX_ROWS_CEILING
from warehouse.analyst_result import FORMATS, format_result

logger = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add `pcm sql`."""
    parser = sub.add_parser(
        "sql",
        help="run a read-only SQL query on the warehouse",
        description="Run one read-only query (SELECT, EXPLAIN, DESCRIBE, SHOW ...) on the "
        "warehouse's published snapshot (never blocking the nightly job). File access, ATTACH, "
        "extensions, writes, SET and functions that show paths or settings are refused; the "
        "query is stopped after warehouse.query_timeout_s seconds (or --timeout, at most "
        f"{MAX_QUERY_TIMEOUT_S:g}), within warehouse.query_memory_limit and "
        "warehouse.query_temp_limit, and returns at most --max-rows rows.",
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
        type=seconds(MAX_QUERY_TIMEOUT_S),
        metavar="SECONDS",
        help="stop the query after this long (default: warehouse.query_timeout_s; "
        f"at most {MAX_QUERY_TIMEOUT_S:g})",
    )
    parser.add_argument(
        "--max-rows",
        type=whole_number(1, MAX_ROWS_CEILING, "rows"),
        default=DEFAULT_MAX_ROWS,
        metavar="N",
        help=f"return at most N rows (default {DEFAULT_MAX_ROWS:,}; at most "
        f"{MAX_ROWS_CEILING:,}; use `pcm export` for whole tables)",
    )
    parser.add_argument(
        "--force",
        metavar="ID",
        help="with several forces, the one the views answer for (its id; default: the first); "
        "'*' keeps every force's rows, each with its force_id (for force_topic_comparison)",
    )
    parser.add_argument(
        "--from",
        dest="start",
        type=day,
        metavar="YYYY-MM-DD",
        help="first day of force_topic_comparison's period (pcm_start)",
    )
    parser.add_argument(
        "--to",
        dest="end",
        type=day,
        metavar="YYYY-MM-DD",
        help="last day of force_topic_comparison's period (pcm_end)",
    )
    add_config_args(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the query and print its result; refusals raise QueryError (exit 1)."""
    cfg = config_from(args)
    query = sys.stdin.read() if args.query == "-" else args.query
    timeout = args.timeout or cfg.warehouse.query_timeout_s
    variables: dict[str, object] = {}
    if args.force:
        variables["pcm_force"] = args.force if args.force == "*" else cfg.force_by_id(args.force).id
    if args.start:
        variables["pcm_start"] = args.start
    if args.end:
        variables["pcm_end"] = args.end
    result = run_query(
        cfg.db_path,
        query,
        timeout,
        cfg.warehouse.query_memory_limit,
        max_rows=args.max_rows,
        temp_limit=cfg.warehouse.query_temp_limit,
        variables=variables,
    )
    sys.stdout.write(format_result(result, args.format))
    if result.truncated:
        print(
            f"pcm sql: showing the first {args.max_rows:,} rows; more matched (raise "
            "--max-rows, narrow the query, or use `pcm export` for whole tables)",
            file=sys.stderr,
        )
    return 0
