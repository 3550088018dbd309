"""The `pcm` command: one sub-command per module in `pcm.commands`."""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
from typing import NoReturn

from core.config import Config, load_config
from core.errors import PcmError
from pcm import __version__, commands

logger = logging.getLogger(__name__)


def _command_modules() -> list:
    names = sorted(
        m.name for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_")
    )
    return [importlib.import_module(f"pcm.commands.{name}") for name in names]


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr (exit status 2).

    argparse's own error prints the whole usage text first; scripts and people reading a cron
    mail want the reason alone. Sub-parsers inherit this class.
    """

    def error(self, message: str) -> NoReturn:
        """Print `PROG: error: MESSAGE (see PROG --help)` on one line and exit 2."""
        text = " ".join(message.split())
        self.exit(2, f"{self.prog}: error: {text} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The whole argument parser; each command module adds its sub-parser with `add_parser`."""
    parser = OneLineParser(
        prog="pcm",
        description="Public Confidence Monitor: crawl, score and report public "
        "confidence in a police force.",
    )
    parser.add_argument("--version", action="version", version=f"pcm {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in _command_modules():
        module.add_parser(sub)
    return parser


def add_config_args(parser: argparse.ArgumentParser, db: bool = True) -> None:
    """The `--config` and `--db` flags that every command touching config or warehouse takes."""
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="config YAML (default: $PCM_CONFIG, else config/norfolk.yaml)",
    )
    if db:
        parser.add_argument(
            "--db", metavar="FILE", help="DuckDB warehouse (default: $PCM_DB, else data/pcm.duckdb)"
        )


def config_from(args: argparse.Namespace) -> Config:
    """Build the one config object from the flags and the environment."""
    return load_config(getattr(args, "config", None), getattr(args, "db", None))


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return int(args.func(args) or 0)
    except PcmError as exc:
        print(f"pcm {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"pcm {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
