"""Analyst SQL (`pcm sql`): read-only, no file or network access, settings locked, bounded.

An analyst query runs on the published snapshot (warehouse/published.py), so it never blocks
the nightly writer, on a connection with external access off and settings locked. It is bounded
four ways: a time limit (at most `pcm.config.MAX_QUERY_TIMEOUT_S`), a memory limit, a cap on the
disk it may spill to (in a private temporary folder, never next to the warehouse, enforced by
DuckDB and by a watchdog that interrupts the query) and a row cap applied while the result
streams, so a 20-million-row SELECT costs what its first rows cost. Functions that show
absolute paths or settings (duckdb_databases, duckdb_settings, current_setting ...) or run SQL
from a string (query, query_table ...) are refused, and any absolute path of this machine that
still reaches a cell or an error message is replaced.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import re
import shutil
import tempfile
import threading
import time as clock
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from pcm.config import MAX_QUERY_TIMEOUT_S, size_bytes
from pcm.errors import QueryError
from warehouse.connection import READER_RETRY_S, connect_with_retry, reader_path
from warehouse.csvsafe import neutralise

logger = logging.getLogger(__name__)

FORMATS = ("table", "csv", "json")
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
_MAX_CELL = 60  # characters shown per cell in the table format
_GRACE_S = 5.0  # how long to wait for DuckDB to honour an interrupt
_WATCH_S = 0.1  # how often the watchdog looks at the clock and the spill folder
_QUOTED_PATH = re.compile(r'"/[^"]*"')
_PATH_START = r"(?:(?<=^)|(?<=[\s\"'(\[{,;=]))"  # a path starts here, not inside a URL or word
_PATH_END = r"(?=$|[/\s\"')\]},;:])"


@dataclass(frozen=True)
class QueryResult:
    """Column names and rows of an analyst query; `truncated` when the row cap cut it."""

    columns: list[str]
    rows: list[tuple]
    truncated: bool = False


def analyst_settings(
    memory_limit: str, temp_dir: str | os.PathLike | None = None, temp_limit: str = "0"
) -> dict[str, Any]:
    """The DuckDB settings of an analyst connection (lock_configuration last).

    Args:
        memory_limit: DuckDB memory limit such as "1GB" (cfg.warehouse.query_memory_limit).
        temp_dir: the private folder the query may spill to; None (or temp_limit "0"): no
            spilling at all (DuckDB's default would be a folder next to the warehouse).
        temp_limit: the most it may spill, such as "1GB" (cfg.warehouse.query_temp_limit).

    Returns:
        The settings for `duckdb.connect(config=...)`.
    """
    spill = temp_dir is not None and str(temp_limit).strip() != "0"
    settings: dict[str, Any] = {
        "enable_external_access": False,  # no host files, COPY TO, ATTACH, INSTALL, http
        "autoload_known_extensions": False,
        "autoinstall_known_extensions": False,
        "memory_limit": memory_limit,
        "temp_directory": str(temp_dir) if spill else "",
    }
    if spill:
        settings["max_temp_directory_size"] = temp_limit
    settings["lock_configuration"] = True  # SET / RESET / PRAGMA settings refused from here on
    return settings


def analyst_connection(
    db_path: str | os.PathLike,
    memory_limit: str,
    retry_s: float = READER_RETRY_S,
    temp_dir: str | os.PathLike | None = None,
    temp_limit: str = "0",
) -> duckdb.DuckDBPyConnection:
    """Open the locked-down read-only connection that analyst queries run on.

    It opens the published snapshot when there is one (warehouse/published.py), else the
    warehouse file.

    Args:
        db_path: the warehouse file.
        memory_limit: DuckDB memory limit such as "1GB".
        retry_s: how long to wait while a writer holds the file.
        temp_dir: the private spill folder (see `analyst_settings`).
        temp_limit: the spill cap (see `analyst_settings`).

    Returns:
        An open connection; the caller closes it.

    Raises:
        WarehouseLockedError: a writer held the file for longer than `retry_s`.
        WarehouseMissingError: the file does not exist.
        WarehouseFileError: the file is a folder, damaged or truncated.
    """
    return connect_with_retry(
        reader_path(db_path, published_copy=True),
        read_only=True,
        timeout_s=retry_s,
        config=analyst_settings(memory_limit, temp_dir, temp_limit),
    )


@contextlib.contextmanager
def spill_folder(temp_limit: str) -> Iterator[Path | None]:
    """A private temporary folder for one query's spill files, removed afterwards.

    Args:
        temp_limit: cfg.warehouse.query_temp_limit; "0" means no spilling (yields None).

    Yields:
        The folder (in the system's temporary directory, never next to the warehouse), or None.
    """
    if str(temp_limit).strip() == "0":
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix="pcm-sql-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def folder_bytes(folder: Path | None) -> int:
    """Bytes of disk used by the files directly in `folder` (0 when None or gone)."""
    if folder is None:
        return 0
    total = 0
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            with contextlib.suppress(OSError):
                total += entry.stat(follow_symlinks=False).st_blocks * 512
    return total


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
        tree = json.loads(con.execute("SELECT json_serialize_sql(?)", [sql]).fetchone()[0])
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


def run_with_timeout(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    timeout_s: float,
    params: list | None = None,
    max_rows: int | None = None,
    spill: Path | None = None,
    spill_limit_bytes: int | None = None,
) -> QueryResult:
    """Run SQL in a worker thread and interrupt it after `timeout_s` (or when it spills too much).

    The result streams: at most `max_rows` rows (plus one, to tell whether there were more) are
    fetched, so a huge result is never held in memory.

    Args:
        con: an open connection (not used by anything else meanwhile).
        sql: the statement(s); the last one's result is returned.
        timeout_s: seconds before `con.interrupt()`.
        params: bound parameters, if any.
        max_rows: the row cap; None fetches everything (internal callers only).
        spill: the connection's spill folder, watched while the query runs.
        spill_limit_bytes: interrupt the query once `spill` holds more than this.

    Returns:
        The result, `truncated` when the cap cut it.

    Raises:
        duckdb.Error: as raised by DuckDB (InterruptException after the timeout).
        QueryError: the query spilled more than `spill_limit_bytes`, or did not stop.
    """
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            cursor = con.execute(sql, params) if params else con.execute(sql)
            columns = [d[0] for d in cursor.description or []]
            if not columns:
                outcome["result"] = QueryResult(columns, [])
                return
            if max_rows is None:
                outcome["result"] = QueryResult(columns, cursor.fetchall())
                return
            rows = cursor.fetchmany(max_rows + 1)
            outcome["result"] = QueryResult(columns, rows[:max_rows], len(rows) > max_rows)
        except BaseException as exc:  # handed to the calling thread
            outcome["error"] = exc

    thread = threading.Thread(target=work, name="pcm-sql", daemon=True)
    started = clock.monotonic()
    thread.start()
    over_spill = False
    while thread.is_alive():
        left = timeout_s - (clock.monotonic() - started)
        if left <= 0:
            logger.info("query passed its %g s limit; interrupting it", timeout_s)
            break
        thread.join(min(_WATCH_S, left))
        if spill_limit_bytes is not None and folder_bytes(spill) > spill_limit_bytes:
            logger.info("query spilled more than %d bytes; interrupting it", spill_limit_bytes)
            over_spill = True
            break
    if thread.is_alive():
        con.interrupt()
        thread.join(_GRACE_S)
        if thread.is_alive():
            raise QueryError(
                f"query did not stop within {_GRACE_S:g} s of its {timeout_s:g} s time limit"
            )
        if over_spill and "result" not in outcome:
            raise QueryError(
                "query stopped: it spilled more to disk than warehouse.query_temp_limit allows; "
                "aggregate more, select fewer columns or sort less"
            )
        if "error" not in outcome:  # finished between the limit and the interrupt
            return outcome["result"]
        raise outcome["error"]
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


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


def run_query(
    db_path: str | os.PathLike,
    sql: str,
    timeout_s: float,
    memory_limit: str = "1GB",
    max_rows: int = DEFAULT_MAX_ROWS,
    temp_limit: str = "1GB",
) -> QueryResult:
    """Run an analyst query on a locked-down, read-only, short-lived connection.

    The query reads the published snapshot when there is one (else the warehouse file), may
    spill at most `temp_limit` into a private temporary folder, and returns at most `max_rows`
    rows (`truncated` says whether more matched). Absolute paths of this machine are replaced
    in cells and messages.

    Args:
        db_path: the warehouse file.
        sql: the query.
        timeout_s: the statement timeout in seconds (at most `MAX_QUERY_TIMEOUT_S`).
        memory_limit: DuckDB memory limit such as "1GB".
        max_rows: the row cap (1 to `MAX_ROWS_CEILING`).
        temp_limit: disk the query may spill to, such as "1GB"; "0" for none.

    Returns:
        The result.

    Raises:
        QueryError: the query was refused, failed, ran out of memory, disk or time, or a limit
            is out of range; one line.
        WarehouseLockedError: a writer held the file.
        WarehouseMissingError, WarehouseFileError: no usable warehouse file.
    """
    check_limits(timeout_s, max_rows)
    spill_limit = None if str(temp_limit).strip() == "0" else size_bytes(temp_limit)
    with spill_folder(temp_limit) as spill:
        scrub = PathScrubber(db_path, spill)
        con = analyst_connection(db_path, memory_limit, temp_dir=spill, temp_limit=temp_limit)
        try:
            check_statements(con, sql)
            try:
                result = run_with_timeout(
                    con,
                    sql,
                    timeout_s,
                    max_rows=max_rows,
                    spill=spill,
                    spill_limit_bytes=spill_limit,
                )
            except duckdb.Error as exc:
                raise QueryError(
                    scrub.message(explain_error(exc, timeout_s, memory_limit, temp_limit))
                ) from None
        except QueryError as exc:
            raise QueryError(scrub.message(str(exc))) from None
        finally:
            con.close()
    return scrub.result(result)


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
