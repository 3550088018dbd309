"""An analyst query's result and how `pcm sql` renders it: table, CSV (RFC 4180) or JSON."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from warehouse.csvsafe import neutralise

FORMATS = ("table", "csv", "json")
_MAX_CELL = 60  # characters shown per cell in the table format


@dataclass(frozen=True)
class QueryResult:
    """Column names and rows of an analyst query; `truncated` when the row cap cut it."""

    columns: list[str]
    rows: list[tuple]
    truncated: bool = False


def _plain(value: Any) -> Any:
    """A JSON-ready version of one cell."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float | int | str | bool) or value is None:
        return value
    return str(value)


def _cell(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, float):
        return (
            f"{value:.4g}"
            if abs(value) < 1e-4 and value
            else f"{value:.4f}".rstrip("0").rstrip(".")
        )
    text = _plain(value)
    text = text if isinstance(text, str) else json.dumps(text)
    text = " ".join(text.split())
    return text if len(text) <= _MAX_CELL else text[: _MAX_CELL - 1] + "…"


# A CSV field is quoted when it holds one of these; a bare CR counts (csv.QUOTE_MINIMAL with a
# "\n" line terminator leaves it bare, and readers then split the row there).
_CSV_SPECIAL = re.compile(r'[",\r\n]')


def csv_field(text: str) -> str:
    """One CSV field (RFC 4180): quoted, with quotes doubled, when it holds a comma, a quote,
    a line feed or a carriage return; as it is otherwise.

    Args:
        text: the cell's text.

    Returns:
        The field as written.
    """
    if _CSV_SPECIAL.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_line(values: list[Any]) -> str:
    """One CSV record ending in "\n" (`None` is an empty field, anything else its `str`).

    Args:
        values: the cells, already made plain.

    Returns:
        The line.
    """
    return ",".join(csv_field("" if v is None else str(v)) for v in values) + "\n"


def _csv_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, dict | list):
        return json.dumps(_plain(value))
    return _plain(value)


def format_result(result: QueryResult, fmt: str) -> str:
    """Render a result for the terminal or a file.

    Args:
        result: the query result.
        fmt: table (aligned text, NULL shown as NULL, long cells cut), csv (RFC 4180, header,
            NULL as empty, text cells that a spreadsheet would run as a formula prefixed with
            an apostrophe, see warehouse.csvsafe) or json (a list of objects, dates as ISO 8601).

    Returns:
        The text, ending in a newline.
    """
    if fmt == "json":
        return (
            json.dumps(
                [dict(zip(result.columns, map(_plain, row), strict=True)) for row in result.rows],
                ensure_ascii=False,
                indent=1,
            )
            + "\n"
        )
    if fmt == "csv":
        lines = [csv_line(result.columns)]
        lines += [csv_line([_csv_value(v) for v in row]) for row in result.rows]
        return "".join(lines)
    if fmt != "table":
        raise ValueError(f"format must be one of {', '.join(FORMATS)}; got {fmt!r}")
    cells = [[_cell(v) for v in row] for row in result.rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(result.columns)]
    numeric = [
        any(r[i] is not None for r in result.rows)
        and all(isinstance(r[i], int | float | Decimal) or r[i] is None for r in result.rows)
        for i in range(len(widths))
    ]

    def line(values: list[str]) -> str:
        return "  ".join(
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ).rstrip()

    lines = [line(result.columns), "  ".join("-" * w for w in widths)]
    lines += [line(row) for row in cells]
    count = len(result.rows)
    lines.append(f"({count} row{'s' if count != 1 else ''})")
    return "\n".join(lines) + "\n"
