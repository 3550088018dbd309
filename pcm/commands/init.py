"""`pcm init`: create the warehouse or apply its pending migrations."""

from __future__ import annotations

import argparse
import logging

from pcm.cli import add_config_args, config_from
from warehouse.connection import has_snapshot, writer
from warehouse.forces import sync as sync_forces
from warehouse.migrate import migrate

logger = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add `pcm init`."""
    parser = sub.add_parser(
        "init",
        help="create the warehouse or migrate it to the current schema",
        description="Create the DuckDB warehouse (--db) or apply the migrations it lacks, each in "
        "its own transaction, then re-create the views. Running it again changes nothing.",
    )
    add_config_args(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Create or migrate the warehouse and print what was applied."""
    cfg = config_from(args)
    with writer(cfg, run_migrations=False, publish=has_snapshot(cfg.db_path)) as con:
        applied = migrate(con)
        sync_forces(con, cfg.forces)
    if applied:
        print(f"{cfg.db_path}: applied {len(applied)} migration(s): {', '.join(applied)}")
    else:
        print(f"{cfg.db_path}: up to date, nothing to apply")
    return 0
