"""What an analyst query may do: refusals before it runs, limits, and errors in one line.

Only reading statements run (`ALLOWED_STATEMENTS`); functions that show absolute paths or
settings of this machine, or run SQL from a string (`BLOCKED_FUNCTIONS`), are refused on
DuckDB's own parse tree; the time limit and row cap have ceilings.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import duckdb

from core.config import MAX_QUERY_TIMEOUT_S
from core.errors import QueryError
from warehouse.writing import one_row

# Statement kinds an analyst may run; everything else is refused before it reaches DuckDB
# (and DuckDB's read-only mode and locked settings refuse it again if this list is wrong).
ALLOWED_STATEMENTS = ("SELECT", "EXPLAIN", "PRAGMA", "CALL")
DEFAULT_MAX_ROWS = 10_000  # rows an analyst query returns unless --max-rows says otherwise
MAX_ROWS_CEILING = 1_000_000  # beyond this, `pcm export` is the tool
# Table and scalar functions (and the system views of the same names) that show absolute paths
# or settings of this machine, or run SQL built from a string past the checks here.
BLOCKED_FUNCTIONS = frozenset(
    {
        "duckdb_databases",
        "database_list",
        "pragma_database_list",
        "duckdb_settings",
        "current_setting",
        "duckdb_extensions",
        "extension_versions",
        "duckdb_extension_repositories",
        "duckdb_temporary_files",
        "duckdb_secrets",
        "duckdb_secret_types",
        "which_secret",
        "duckdb_logs",
        "duckdb_log_contexts",
        "duckdb_external_file_cache",
        "query",
        "query_table",
        "json_execute_serialized_sql",
    }
)
_BLOCKED_WORDS = re.compile(
    r"\b(" + "|".join(sorted(BLOCKED_FUNCTIONS, key=len, reverse=True)) + r")\b", re.IGNORECASE
)


def _one_line(exc: BaseException) -> str:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return " ".join(first.split())


def explain_error(
    exc: BaseException, timeout_s: float, memory_limit: str, temp_limit: str | None = None
) -> str:
    """Turn a DuckDB error into one line that says what happened and what to do.

    Args:
        exc: the DuckDB exception.
        timeout_s: the statement timeout in force.
        memory_limit: the memory limit in force.
        temp_limit: the spill cap in force ("0": no spilling), for the out-of-memory advice.

    Returns:
        One line of text.
    """
    text = _one_line(exc)
    if isinstance(exc, duckdb.InterruptException):
        return (
            f"query stopped after the {timeout_s:g} s time limit; narrow it (a WHERE on day, "
            "a LIMIT) or allow longer with --timeout SECONDS"
        )
    if isinstance(exc, duckdb.OutOfMemoryException):
        spill = ""
        if temp_limit is not None:
            spill = (
                "; no spilling to disk: warehouse.query_temp_limit is 0"
                if str(temp_limit).strip() == "0"
                else f"; disk spill capped at {temp_limit} by warehouse.query_temp_limit"
            )
        return (
            f"query ran out of memory (limit {memory_limit}, warehouse.query_memory_limit"
            f"{spill}); aggregate more, select fewer columns or sort less"
        )
    if isinstance(exc, duckdb.PermissionException):
        return (
            "refused: analyst queries cannot read or write files, attach databases or load "
            f"extensions; use `pcm export --out DIR` for files ({text})"
        )
    if "read-only mode" in text:
        return (
            "refused: the warehouse is read-only for analysts (no INSERT, UPDATE, DELETE, "
            f"CREATE); use `pcm export` and work on a copy ({text})"
        )
    if "configuration has been locked" in text:
        return f"refused: settings are locked for analyst queries ({text})"
    return f"query failed: {text}"


def _names(node: Any, found: set[str]) -> set[str]:
    """Every function and table name in a json_serialize_sql tree, lower case, unquoted."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("function_name", "table_name") and isinstance(value, str):
                found.add(value.strip('"').lower())
            else:
                _names(value, found)
    elif isinstance(node, list):
        for value in node:
            _names(value, found)
    return found


def blocked_functions(con: duckdb.DuckDBPyConnection, sql: str) -> set[str]:
    """The functions of `BLOCKED_FUNCTIONS` that `sql` uses.

    SELECT statements are checked on DuckDB's own parse tree (quoting, comments and case do
    not hide a name); other statements (PRAGMA, CALL, EXPLAIN), which DuckDB cannot serialise,
    are checked word by word on the text, more strictly.

    Args:
        con: a connection (only used to parse).
        sql: the query text.

    Returns:
        The blocked names found (empty when none).
    """
    found = {m.lower() for m in _BLOCKED_WORDS.findall(sql)}
    try:
        tree = json.loads(one_row(con, "SELECT json_serialize_sql(?)", [sql])[0])
    except (duckdb.Error, ValueError, TypeError):
        return found
    if tree.get("error"):
        return found  # not SELECTs only: the word check above is the whole check
    used = _names(tree, set())
    # In SELECTs, "query" may be a column or alias: only the parse tree says it is called.
    return (used & BLOCKED_FUNCTIONS) | (found - {"query", "query_table"})


def check_statements(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Refuse anything but reading statements, before it runs.

    Args:
        con: the analyst connection (used only to parse).
        sql: the query text; several statements are allowed if all are reads.

    Raises:
        QueryError: a statement of another kind, a blocked function, empty text, or a syntax
            error.
    """
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(f"query failed: {_one_line(exc)}") from None
    if not statements:
        raise QueryError('empty query; pass one SELECT statement, e.g. pcm sql "SELECT 1"')
    blocked = blocked_functions(con, sql)
    if blocked:
        raise QueryError(
            f"refused: {', '.join(sorted(blocked))} shows file paths or settings of this "
            "machine, or runs SQL from a string, and is not available to analyst queries"
        )
    for statement in statements:
        kind = statement.type.name
        if kind in ("SET", "VARIABLE_SET"):
            raise QueryError(
                f"refused: settings are locked for analyst queries (got {kind}); the limits "
                "come from the warehouse section of the config, the time limit from --timeout"
            )
        if kind not in ALLOWED_STATEMENTS:
            raise QueryError(
                f"refused: analyst queries may only read ({', '.join(ALLOWED_STATEMENTS)}); "
                f"got {kind}. The warehouse is changed only by pcm "
                "commands; use `pcm export --out DIR` for files"
            )


def check_limits(timeout_s: float, max_rows: int) -> None:
    """Refuse a time limit or row cap outside what analyst queries allow.

    Args:
        timeout_s: seconds; finite, more than 0 and at most `MAX_QUERY_TIMEOUT_S`.
        max_rows: from 1 to `MAX_ROWS_CEILING`.

    Raises:
        QueryError: one line naming the value and the range.
    """
    if not (isinstance(timeout_s, int | float) and math.isfinite(timeout_s)) or not (
        0 < timeout_s <= MAX_QUERY_TIMEOUT_S
    ):
        raise QueryError(
            f"the time limit must be more than 0 and at most {MAX_QUERY_TIMEOUT_S:g} s; "
            f"got {timeout_s}"
        )
    if isinstance(max_rows, bool) or not isinstance(max_rows, int):
        raise QueryError(f"the row cap must be a whole number; got {max_rows!r}")
    if not 1 <= max_rows <= MAX_ROWS_CEILING:
        raise QueryError(
            f"the row cap must be from 1 to {MAX_ROWS_CEILING:,} (use `pcm export` for "
            f"whole tables); got {max_rows}"
        )
