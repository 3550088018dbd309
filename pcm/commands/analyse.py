"""`pcm analyse`: score one document (HTML or plain text) without a database."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from core.errors import PcmError
from core.vocabulary import SOURCE_KINDS
from pcm.cli import add_config_args, config_from

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
        "for standard input; in plain text a blank line separates paragraphs and a first line "
        "that reads as a headline is the title. The config (--config, $PCM_CONFIG, else "
        "config/norfolk.yaml here or in the project folder) names the force and its people.",
    )
    parser.add_argument("path", metavar="PATH|-", help="the document, or - to read stdin")
    parser.add_argument(
        "--json", action="store_true", help='print {"title", "model", "topics", "passages"} as JSON'
    )
    parser.add_argument(
        "--kind",
        choices=SOURCE_KINDS,
        help="the kind of source that published it; on a statement page (force_statement, "
        "pcc_statement, inspectorate) the narration is the publisher's voice",
    )
    parser.add_argument(
        "--force",
        metavar="ID",
        help="with several forces in the config, the one to read the document for (its id; "
        "default: the first): whose people speak for it, which passages are about it",
    )
    add_config_args(parser, db=False)
    parser.set_defaults(func=handle)


# Above this share of undecodable bytes (as U+FFFD after decoding as UTF-8) a document is
# taken for a binary file; a Latin-1 text with a few accented letters stays well below it.
_BINARY_SHARE = 0.1


def _read(path: str) -> bytes:
    """The document's bytes, refusing what cannot be a text or HTML document.

    Args:
        path: a file, or "-" for standard input.

    Returns:
        The bytes.

    Raises:
        InputError: no such file, a folder, unreadable, empty (or only white space), or binary
            (NUL bytes, such as in images, PDFs or UTF-16 text, or mostly undecodable bytes).
    """
    name = "standard input" if path == "-" else path
    if path == "-":
        data = sys.stdin.buffer.read()
    else:
        try:
            data = Path(path).read_bytes()
        except FileNotFoundError:
            raise InputError(
                f"{path}: no such file; give a text or HTML file, or - for stdin"
            ) from None
        except IsADirectoryError:
            raise InputError(f"{path}: is a folder; give a text or HTML file") from None
        except OSError as exc:
            raise InputError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    if not data.strip():
        raise InputError(f"{name} is empty; give a text or HTML document")
    text = data.decode("utf-8", errors="replace")
    if b"\0" in data or text.count("\ufffd") > _BINARY_SHARE * len(text):
        raise InputError(
            f"{name} looks like a binary file, not text or HTML; give a UTF-8 text or HTML "
            "document (save UTF-16 text as UTF-8 first)"
        )
    return data


def handle(args: argparse.Namespace) -> int:
    """Analyse the document and print the result."""
    document = _read(args.path)
    # A missing config is an error: without the force's names and people the chief constable
    # would be read as a member of the public.
    cfg = config_from(args)
    force = cfg.force_by_id(args.force)  # an unknown id is a one-line error naming the ids
    cfg = cfg.model_copy(update={"force": force})  # the document is read for this force
    # torch and the model load only now, so a bad file or config is refused at once
    from pcm.analyse import analyse_document, format_table

    result = analyse_document(document, cfg, source_kind=args.kind)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(format_table(result))
    return 0
