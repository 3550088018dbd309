"""Analyst SQL (`pcm sql`): read-only, no file or network access, settings locked, timed out."""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import threading
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import duckdb

from pcm.errors import QueryError
from warehouse.connection import READER_RETRY_S, connect_with_retry
from warehouse.csvsafe import neutralise

logger = logging.getLogger(__name__)

FORMATS = ("table", "csv", "json")
# Statement kinds an analyst may run; everything else is refused before it reaches DuckDB
# (and DuckDB's read-only mode and locked settings refuse it again if this list is wrong).
ALLOWED_STATEMENTS = ("SELECT", "EXPLAIN", "PRAGMA", "CALL")
_MAX_CELL = 60  # characters shown per cell in the table format
_GRACE_S = 5.0  # how long to wait for DuckDB to honour an interrupt


@dataclass(frozen=True)
class QueryResult:
    """Column names and rows of an analyst query."""

    columns: list[str]
    rows: list[tuple]


def analyst_settings(memory_limit: str) -> dict[str, Any]:
    """The DuckDB settings of an analyst connection (lock_configuration last).

    Args:
        memory_limit: DuckDB memory limit such as "1GB" (cfg.warehouse.query_memory_limit).

    Returns:
        The settings for `duckdb.connect(config=...)`.
    """
    return {
        "enable_external_access": False,  # no host files, COPY TO, ATTACH, INSTALL, http
        "autoload_known_extensions": False,
        "autoinstall_known_extensions": False,
        "memory_limit": memory_limit,
        "lock_configuration": True,  # SET / RESET / PRAGMA settings refused from here on
    }


def analyst_connection(
    db_path: str | os.PathLike, memory_limit: str, retry_s: float = READER_RETRY_S
) -> duckdb.DuckDBPyConnection:
    """Open the locked-down read-only connection that analyst queries run on.

    Args:
        db_path: the warehouse file.
        memory_limit: DuckDB memory limit such as "1GB".
        retry_s: how long to wait while a writer holds the file.

    Returns:
        An open connection; the caller closes it.

    Raises:
        WarehouseLockedError: a writer held the file for longer than `retry_s`.
        WarehouseMissingError: the file does not exist.
    """
    return connect_with_retry(
        db_path, read_only=True, timeout_s=retry_s, config=analyst_settings(memory_limit)
    )


def _one_line(exc: BaseException) -> str:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return " ".join(first.split())


def explain_error(exc: BaseException, timeout_s: float, memory_limit: str) -> str:
    """Turn a DuckDB error into one line that says what happened and what to do.

    Args:
        exc: the DuckDB exception.
        timeout_s: the statement timeout in force.
        memory_limit: the memory limit in force.

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
        return (
            f"query ran out of memory (limit {memory_limit}, warehouse.query_memory_limit); "
            "aggregate more or select fewer columns"
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


def check_statements(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Refuse anything but reading statements, before it runs.

    Args:
        con: the analyst connection (used only to parse).
        sql: the query text; several statements are allowed if all are reads.

    Raises:
        QueryError: a statement of another kind, empty text, or a syntax error.
    """
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(f"query failed: {_one_line(exc)}") from None
    if not statements:
        raise QueryError('empty query; pass one SELECT statement, e.g. pcm sql "SELECT 1"')
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


def run_with_timeout(
    con: duckdb.DuckDBPyConnection, sql: str, timeout_s: float, params: list | None = None
) -> QueryResult:
    """Run SQL in a worker thread and interrupt it after `timeout_s`.

    Args:
        con: an open connection (not used by anything else meanwhile).
        sql: the statement(s); the last one's result is returned.
        timeout_s: seconds before `con.interrupt()`.
        params: bound parameters, if any.

    Returns:
        The result.

    Raises:
        duckdb.Error: as raised by DuckDB (InterruptException after the timeout).
    """
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            cursor = con.execute(sql, params) if params else con.execute(sql)
            columns = [d[0] for d in cursor.description or []]
            outcome["result"] = QueryResult(columns, cursor.fetchall() if columns else [])
        except BaseException as exc:  # handed to the calling thread
            outcome["error"] = exc

    thread = threading.Thread(target=work, name="pcm-sql", daemon=True)
    thread.start()
    thread.join(timeout_s)
    if thread.is_alive():
        logger.info("query passed its %g s limit; interrupting it", timeout_s)
        con.interrupt()
        thread.join(_GRACE_S)
        if thread.is_alive():
            raise QueryError(
                f"query did not stop within {_GRACE_S:g} s of its {timeout_s:g} s time limit"
            )
        if "error" not in outcome:  # finished between the timeout and the interrupt
            return outcome["result"]
        raise outcome["error"]
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def run_query(
    db_path: str | os.PathLike, sql: str, timeout_s: float, memory_limit: str = "1GB"
) -> QueryResult:
    """Run an analyst query on a locked-down, read-only, short-lived connection.

    Args:
        db_path: the warehouse file.
        sql: the query.
        timeout_s: the statement timeout in seconds.
        memory_limit: DuckDB memory limit such as "1GB".

    Returns:
        The result.

    Raises:
        QueryError: the query was refused, failed, ran out of memory or time; one line.
        WarehouseLockedError: a writer held the file.
    """
    con = analyst_connection(db_path, memory_limit)
    try:
        check_statements(con, sql)
        try:
            return run_with_timeout(con, sql, timeout_s)
        except duckdb.Error as exc:
            raise QueryError(explain_error(exc, timeout_s, memory_limit)) from None
    finally:
        con.close()


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
        buffer = io.StringIO()
        out = csv.writer(buffer, lineterminator="\n")
        out.writerow(result.columns)
        for row in result.rows:
            out.writerow(
                [
                    ""
                    if v is None
                    else neutralise(v)
                    if isinstance(v, str)
                    else json.dumps(_plain(v))
                    if isinstance(v, dict | list)
                    else _plain(v)
                    for v in row
                ]
            )
        return buffer.getvalue()
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
