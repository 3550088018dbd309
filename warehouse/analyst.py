"""Analyst SQL (`pcm sql`): read-only, no file or network access, settings locked, bounded.

An analyst query runs on the published snapshot (warehouse/published.py), so it never blocks
the nightly writer, on a connection with external access off and settings locked. It is bounded
four ways: a time limit (at most `core.config.MAX_QUERY_TIMEOUT_S`), a memory limit, a cap on the
disk it may spill to (in a private temporary folder, never next to the warehouse, enforced by
DuckDB and by a watchdog that interrupts the query) and a row cap applied while the result
streams, so a 20-million-row SELECT costs what its first rows cost. Functions that show
absolute paths or settings (duckdb_databases, duckdb_settings, current_setting ...) or run SQL
from a string (query, query_table ...) are refused, and any absolute path of this machine that
still reaches a cell or an error message is replaced.
"""

from __future__ import annotations

import os
from typing import Any

import duckdb

from core.config import size_bytes
from core.errors import QueryError
from warehouse.analyst_guard import (
    DEFAULT_MAX_ROWS,
    check_limits,
    check_statements,
    explain_error,
)
from warehouse.analyst_result import QueryResult
from warehouse.analyst_scrub import PathScrubber
from warehouse.analyst_watchdog import run_with_timeout, spill_folder
from warehouse.connection import READER_RETRY_S, connect_with_retry, reader_path

# The pieces live in analyst_guard (refusals, limits, errors), analyst_watchdog (time, spill and
# row limits while the query runs), analyst_scrub (paths) and analyst_result (formats).


# The session variables an analyst may give the views (`pcm sql --force/--from/--to`).
VIEW_VARIABLES = ("pcm_force", "pcm_start", "pcm_end")


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


def run_query(
    db_path: str | os.PathLike,
    sql: str,
    timeout_s: float,
    memory_limit: str = "1GB",
    max_rows: int = DEFAULT_MAX_ROWS,
    temp_limit: str = "1GB",
    variables: dict[str, object] | None = None,
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
        variables: session variables the views read, set before the query (the query itself
            may not SET anything): only the names of `VIEW_VARIABLES` (`pcm_force` ...).

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
            for name, value in (variables or {}).items():
                if name not in VIEW_VARIABLES:
                    raise QueryError(f"unknown view variable {name!r}")
                con.execute(f"SET VARIABLE {name} = ?", [value])  # a name from the allowlist
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
