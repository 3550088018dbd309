"""`pcm dashboard`: serve the Streamlit dashboard (app.py) for this config and warehouse."""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
from pathlib import Path

from core.errors import PcmError
from pcm.cli import add_config_args, config_from

logger = logging.getLogger(__name__)

APP = Path(__file__).resolve().parents[2] / "app.py"
DEFAULT_PORT = 8501


def add_parser(sub) -> None:
    """Add the `dashboard` sub-command."""
    parser = sub.add_parser(
        "dashboard",
        help="serve the dashboard (Streamlit) on http://localhost:PORT",
        description="Serve the dashboard. It reads the warehouse through short-lived read-only "
        "connections, so the nightly job can write while people look.",
    )
    add_config_args(parser)
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})"
    )
    parser.add_argument(
        "--address",
        default=None,
        help="address to listen on (default: Streamlit's, all interfaces)",
    )
    parser.set_defaults(func=handler)


def command(port: int, address: str | None = None) -> list[str]:
    """The `streamlit run` command line for app.py (config and warehouse go in the environment).

    Args:
        port: the port to listen on.
        address: the address to listen on, or None for Streamlit's default.

    Returns:
        The argv list to run.
    """
    argv = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    if address:
        argv += ["--server.address", address]
    return argv


def handler(args: argparse.Namespace) -> int:
    """Validate the config, then run Streamlit in the foreground until it stops."""
    if not 0 < args.port < 65536:
        raise PcmError(f"--port {args.port} is not a port number; use 1-65535, e.g. 8501")
    cfg = config_from(args)  # fails early, with one line, on a bad config
    config_path = str(Path(cfg.config_path).resolve()) if cfg.config_path else ""
    db_path = str(Path(cfg.db_path).resolve())
    if not Path(db_path).exists():
        logger.warning(
            "no warehouse at %s yet: the dashboard will say so until `pcm run` creates it", db_path
        )
    env = {**os.environ, "PCM_CONFIG": config_path, "PCM_DB": db_path}
    print(f"Dashboard for {db_path} on http://localhost:{args.port} (Ctrl-C stops it)", flush=True)
    # cwd: the repository root, where .streamlit/config.toml (and secrets.toml for sign-in) live.
    return subprocess.call(command(args.port, args.address), env=env, cwd=APP.parent)
