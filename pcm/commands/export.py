"""`pcm export`: write every warehouse table and view to Parquet (or CSV) files."""

from __future__ import annotations

import argparse
import logging

from pcm.cli import add_config_args, config_from
from warehouse.export import EXPORT_FORMATS, export_all

logger = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add `pcm export`."""
    parser = sub.add_parser(
        "export",
        help="write every table and view to Parquet files",
        description="Write each warehouse table and view to DIR/<name>.parquet (or .csv), "
        "replacing files of the same name, on a read-only connection.",
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="folder for the files")
    parser.add_argument(
        "--format", choices=EXPORT_FORMATS, default="parquet", help="file format (default: parquet)"
    )
    add_config_args(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Export every table and view and print the file names."""
    cfg = config_from(args)
    files = export_all(cfg.db_path, args.out, args.format)
    print(f"wrote {len(files)} files to {args.out}: {', '.join(f.name for f in files)}")
    return 0
