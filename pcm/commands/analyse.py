"""`pcm analyse`: score one document (HTML or plain text) without a database."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from pcm.cli import add_config_args, config_from
from pcm.errors import ConfigError, PcmError

logger = logging.getLogger(__name__)


class InputError(PcmError):
    """The document to analyse could not be read."""


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add `pcm analyse`."""
    parser = sub.add_parser(
        "analyse",
        help="score one document (HTML or plain text) without a database",
        description="Split a document into passages, attribute each to a voice and speaker, "
        "and score topics and stance towards the force. PATH is an HTML or text file, or - "
        "for standard input; in plain text a blank line separates paragraphs. The config's "
        "force aliases and people are used to name speakers when a config is found.",
    )
    parser.add_argument("path", metavar="PATH|-", help="the document, or - to read stdin")
    parser.add_argument(
        "--json", action="store_true", help='print {"title", "model", "topics", "passages"} as JSON'
    )
    add_config_args(parser, db=False)
    parser.set_defaults(func=handle)


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(
            f"{path}: no such file; give a text or HTML file, or - for stdin"
        ) from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder; give a text or HTML file") from None


def handle(args: argparse.Namespace) -> int:
    """Analyse the document and print the result."""
    from sentiment.analyse import analyse_document, format_table

    document = _read(args.path)
    try:
        cfg = config_from(args)
    except ConfigError:
        if args.config:
            raise
        logger.info("no config found: speakers are resolved by role words only")
        cfg = None
    result = analyse_document(document, cfg)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(format_table(result))
    return 0
