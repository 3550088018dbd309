"""CSV cells that spreadsheets would run as formulas, neutralised with a leading apostrophe."""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

logger = logging.getLogger(__name__)

# A cell starting with one of these is a formula to Excel, LibreOffice or Google Sheets
# (=HYPERLINK(...), +cmd|..., -2+3, @SUM(...)); tab and carriage return hide such a start.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"  # shown by spreadsheets as nothing; the cell is then plain text
# The same test as SQL, for DuckDB-side exports (no Python per row).
_SQL_PATTERN = "^[=+\\-@\t\r]"


def neutralise(value: Any) -> Any:
    """One cell, safe to open in a spreadsheet.

    Args:
        value: any cell value.

    Returns:
        A string starting with = + - @, tab or CR with an apostrophe put in front; any other
        value (numbers included: -3 stays a number) unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return GUARD + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of a table whose text cells are `neutralise`d (for the dashboard's downloads).

    Args:
        df: the table.

    Returns:
        A new DataFrame; numeric columns untouched.
    """
    out = df.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column].dtype):
            out[column] = out[column].map(neutralise)
    return out


def neutralise_sql(column: str) -> str:
    """A DuckDB expression giving a VARCHAR column's value `neutralise`d.

    Args:
        column: the column name (quoted here as an identifier).

    Returns:
        SQL such as `CASE WHEN regexp_matches("title", '^[=+\\-@\\t\\r]') THEN '''' || "title"
        ELSE "title" END AS "title"`.
    """
    ident = '"' + column.replace('"', '""') + '"'
    guard = GUARD.replace("'", "''")
    return (
        f"CASE WHEN regexp_matches({ident}, '{_SQL_PATTERN}') THEN '{guard}' || {ident} "
        f"ELSE {ident} END AS {ident}"
    )
