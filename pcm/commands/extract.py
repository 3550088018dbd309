"""`pcm extract`: run the crawler's article extraction on saved HTML files."""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from core.errors import PcmError

logger = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add `pcm extract`."""
    parser = sub.add_parser(
        "extract",
        help="extract title, date, author and body from saved HTML files",
        description="Run the crawler's article extraction on saved HTML files. With --json, "
        'print one JSON object per file and line: {"path", "title", "published_at", "author", '
        '"text"} (text: paragraphs separated by a blank line; null fields when nothing was '
        "found).",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="saved HTML file(s)")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.set_defaults(func=handle)


def extract_file(path: str) -> dict:
    """The `pcm extract --json` object for one file (fields null when extraction failed)."""
    from crawler.extract import extract_article

    data = Path(path).read_bytes()
    extracted = extract_article(data, None)
    if extracted is None:
        return {"path": path, "title": None, "published_at": None, "author": None, "text": None}
    return {
        "path": path,
        "title": extracted.title,
        "published_at": extracted.published_at.isoformat() if extracted.published_at else None,
        "author": extracted.author,
        "text": extracted.text,
    }


def handle(args: argparse.Namespace) -> int:
    """Print each file's extraction; exit 1 when a file is missing or holds no article."""
    failed = []
    for path in args.paths:
        try:
            row = extract_file(path)
        except OSError as exc:
            failed.append(f"{path} ({exc.strerror or exc})")
            continue
        if row["text"] is None:
            failed.append(f"{path} (no article found)")
        if args.json:
            print(json.dumps(row, ensure_ascii=False), flush=True)
        elif row["text"] is not None:
            print(
                f"== {path}\ntitle: {row['title']}\npublished: {row['published_at']}\n"
                f"author: {row['author']}\n\n{row['text']}\n",
                flush=True,
            )
    if failed:
        raise PcmError(f"{len(failed)} of {len(args.paths)} files failed: {'; '.join(failed)}")
    return 0
