"""The watchdog an analyst query runs under: a time limit, a spill cap, a streamed row cap.

The query runs in a worker thread; the calling thread watches the clock and the private spill
folder and interrupts DuckDB when either limit is passed. Rows are fetched up to the cap (plus
one, to tell whether there were more), so a huge result is never held in memory.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
import threading
import time as clock
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb

from core.errors import QueryError
from warehouse.analyst_result import QueryResult

logger = logging.getLogger(__name__)

_GRACE_S = 5.0  # how long to wait for DuckDB to honour an interrupt
_WATCH_S = 0.1  # how often the watchdog looks at the clock and the spill folder


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
            outcome["result"] = _fetch(con, sql, params, max_rows)
        except BaseException as exc:  # handed to the calling thread
            outcome["error"] = exc

    thread = threading.Thread(target=work, name="pcm-sql", daemon=True)
    started = clock.monotonic()
    thread.start()
    over_spill = _watch(thread, started, timeout_s, spill, spill_limit_bytes)
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


def _fetch(
    con: duckdb.DuckDBPyConnection, sql: str, params: list | None, max_rows: int | None
) -> QueryResult:
    """Run the query and fetch at most `max_rows` rows (plus one, to tell there were more)."""
    cursor = con.execute(sql, params) if params else con.execute(sql)
    columns = [d[0] for d in cursor.description or []]
    if not columns:
        return QueryResult(columns, [])
    if max_rows is None:
        return QueryResult(columns, cursor.fetchall())
    rows = cursor.fetchmany(max_rows + 1)
    return QueryResult(columns, rows[:max_rows], len(rows) > max_rows)


def _watch(
    thread: threading.Thread,
    started: float,
    timeout_s: float,
    spill: Path | None,
    spill_limit: int | None,
) -> bool:
    """Wait for the query's thread until it ends, `timeout_s` after `started` (monotonic), or
    until its spill folder holds more than `spill_limit` bytes.

    Returns:
        True when it stopped watching because the spill folder outgrew `spill_limit`.
    """
    while thread.is_alive():
        left = timeout_s - (clock.monotonic() - started)
        if left <= 0:
            logger.info("query passed its %g s limit; interrupting it", timeout_s)
            return False
        thread.join(min(_WATCH_S, left))
        if spill_limit is not None and folder_bytes(spill) > spill_limit:
            logger.info("query spilled more than %d bytes; interrupting it", spill_limit)
            return True
    return False
