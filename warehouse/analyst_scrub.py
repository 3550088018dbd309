"""Absolute paths of this machine are replaced in an analyst query's cells and messages."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from warehouse.analyst_result import QueryResult

_QUOTED_PATH = re.compile(r'"/[^"]*"')
_PATH_START = r"(?:(?<=^)|(?<=[\s\"'(\[{,;=]))"  # a path starts here, not inside a URL or word
_PATH_END = r"(?=$|[/\s\"')\]},;:])"


class PathScrubber:
    """Replaces absolute paths of this machine in cells and messages.

    A path is replaced only where a path starts (at the start, or after a space, quote,
    bracket, comma, ";" or "="), so "/tmp" inside a URL such as https://example.org/tmp/x stays
    as it is.

    Args:
        db_path: the warehouse file (its folder, the snapshot next to it).
        temp_dir: the query's spill folder, if any.
    """

    def __init__(self, db_path: str | os.PathLike, temp_dir: Path | None = None) -> None:
        pairs: dict[str, str] = {}
        db = Path(db_path)
        for form in (db.resolve(), db.absolute()):
            pairs[str(form.parent)] = "<warehouse folder>"
        if temp_dir is not None:
            pairs[str(temp_dir)] = "<temp>"
            pairs[str(Path(temp_dir).resolve())] = "<temp>"
        pairs[str(Path(tempfile.gettempdir()).resolve())] = "<temp>"
        with contextlib.suppress(RuntimeError):
            pairs[str(Path.home())] = "~"
        pairs[str(Path.cwd())] = "."
        # Longest first, so that a file inside a folder is replaced before the folder.
        self._pairs = [
            (path, re.compile(_PATH_START + re.escape(path) + _PATH_END), placeholder)
            for path, placeholder in sorted(pairs.items(), key=lambda kv: -len(kv[0]))
            if path not in ("", "/")
        ]

    def text(self, value: str) -> str:
        """`value` with known absolute paths replaced."""
        for path, pattern, placeholder in self._pairs:
            if path in value:
                value = pattern.sub(placeholder.replace("\\", "\\\\"), value)
        return value

    def message(self, value: str) -> str:
        """An error message with known paths replaced and any other quoted absolute path too."""
        return _QUOTED_PATH.sub('"<path>"', self.text(value))

    def cell(self, value: Any) -> Any:
        """One result cell with its text scrubbed (nested lists, dicts and tuples too)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list | tuple):
            return type(value)(self.cell(v) for v in value)
        if isinstance(value, dict):
            return {self.cell(k): self.cell(v) for k, v in value.items()}
        return value

    def result(self, result: QueryResult) -> QueryResult:
        """A copy of `result` with every text cell and column name scrubbed."""
        return QueryResult(
            [self.text(c) for c in result.columns],
            [tuple(self.cell(v) for v in row) for row in result.rows],
            result.truncated,
        )
