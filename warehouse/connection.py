"""Short-lived DuckDB connections: one writer at a time, read-only readers, lock retries."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pcm.config import Config
from pcm.errors import PcmError, WarehouseLockedError
from warehouse.migrate import migrate

logger = logging.getLogger(__name__)

# The part of DuckDB's error text that means another process holds the file. DuckDB's full text
# goes on with 'Conflicting lock is held in /usr/bin/python3 (PID 1234)'.
WRITE_LOCK_MESSAGE = "Could not set lock on file"
# DuckDB refuses a second connection to one file, in one process, with other settings
# (read-only next to read-write, or the analyst's locked settings next to a plain reader).
SAME_PROCESS_MESSAGE = "different configuration than existing connections"

READER_RETRY_S = 3.0  # a reader waits this long for a writer before giving up
_FIRST_BACKOFF_S = 0.05
_MAX_BACKOFF_S = 1.0
_PID = re.compile(r"\(PID (\d+)\)")
_PROGRAM = re.compile(r"held in (.+?) \(PID")


class WarehouseMissingError(PcmError):
    """A reader was pointed at a warehouse file that does not exist."""


def lock_holder(message: str) -> tuple[int | None, str]:
    """Name the process that holds the lock, from DuckDB's error text and /proc.

    Args:
        message: the text of DuckDB's "Could not set lock on file" error.

    Returns:
        (pid or None, a short description such as "PID 1234 (python -m pcm run)").
    """
    pid_match = _PID.search(message)
    if not pid_match:
        return None, "another process"
    pid = int(pid_match.group(1))
    program = None
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        program = " ".join(raw.replace(b"\0", b" ").decode(errors="replace").split())
    except OSError:
        pass  # not on Linux, or the process lives in another PID namespace
    if not program:
        prog_match = _PROGRAM.search(message)
        program = prog_match.group(1) if prog_match else None
    if program and len(program) > 120:
        program = program[:117] + "..."
    return pid, f"PID {pid} ({program})" if program else f"PID {pid}"


def _locked_message(db_path: str, error: str, waited_s: float, writing: bool) -> str:
    pid, holder = lock_holder(error)
    stop = f" (or stop it: kill {pid})" if pid else ""
    if writing:
        advice = (
            f"wait for it to finish{stop} and try again, or raise "
            "warehouse.lock_timeout_s in the config"
        )
    else:
        advice = f"a writer is updating the warehouse: wait for it to finish{stop} and try again"
    return f"{db_path} is locked by {holder}; gave up after {waited_s:g} s; {advice}"


def connect_with_retry(
    db_path: str | os.PathLike, read_only: bool, timeout_s: float, config: dict | None = None
) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB file, retrying with backoff while another process holds its lock.

    Args:
        db_path: the warehouse file.
        read_only: open read-only (readers, analysts, export) or read-write (the writer).
        timeout_s: how long to keep retrying; 0 means try once.
        config: extra DuckDB settings passed to `duckdb.connect`.

    Returns:
        An open connection; the caller closes it.

    Raises:
        WarehouseLockedError: the file stayed locked for `timeout_s`, naming the holder; or this
            process already has the file open with other settings.
        WarehouseMissingError: `read_only` and the file does not exist.
    """
    path = str(db_path)
    if read_only and not Path(path).exists():
        raise WarehouseMissingError(
            f"no warehouse at {path}; create it with `pcm init --db {path}`"
        )
    started = time.monotonic()
    backoff = _FIRST_BACKOFF_S
    warned = False
    while True:
        try:
            return duckdb.connect(path, read_only=read_only, config=dict(config or {}))
        except duckdb.ConnectionException as exc:
            if SAME_PROCESS_MESSAGE in str(exc):
                raise WarehouseLockedError(
                    f"{path} is already open in this process with other settings "
                    "(DuckDB allows one kind of connection per file and process: read-write, "
                    "read-only or analyst); close the other connection first"
                ) from None
            raise
        except duckdb.IOException as exc:
            text = str(exc)
            if WRITE_LOCK_MESSAGE not in text:
                raise
            waited = time.monotonic() - started
            if waited >= timeout_s:
                raise WarehouseLockedError(
                    _locked_message(path, text, round(waited, 1), not read_only)
                ) from None
            if not warned:
                logger.info(
                    "%s is locked by %s; retrying for up to %g s",
                    path,
                    lock_holder(text)[1],
                    timeout_s,
                )
                warned = True
            time.sleep(min(backoff, timeout_s - waited))
            backoff = min(backoff * 2, _MAX_BACKOFF_S)


@contextmanager
def writer(cfg: Config, run_migrations: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """The single writer's connection, held only for one write session.

    Opens `cfg.db_path` read-write (creating the file and its folder when missing), retrying the
    file lock for up to `cfg.warehouse.lock_timeout_s`, applies pending migrations, and on exit
    rolls back any open transaction, runs CHECKPOINT and closes.

    Args:
        cfg: the config; `db_path` and `warehouse.lock_timeout_s` are used.
        run_migrations: apply pending migrations first (`pcm init` calls `migrate` itself).

    Yields:
        A read-write DuckDB connection.

    Raises:
        WarehouseLockedError: another process held the file for longer than the timeout.
    """
    path = Path(cfg.db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = connect_with_retry(path, read_only=False, timeout_s=cfg.warehouse.lock_timeout_s)
    try:
        if run_migrations:
            migrate(con)
        yield con
    finally:
        with contextlib.suppress(duckdb.Error):  # raises when no transaction is open
            con.rollback()  # a transaction the body left open is not committed half-way
        try:
            con.execute("CHECKPOINT")
        except duckdb.Error as exc:
            logger.warning("CHECKPOINT of %s failed: %s", path, exc)
        con.close()


@contextmanager
def reader(
    db_path: str | os.PathLike, retry_s: float = READER_RETRY_S, config: dict | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived read-only connection; close it (leave the block) as soon as you can.

    A process holding a read-only connection blocks the writer, so never keep one open between
    queries. In one process, do not open a reader while a writer on the same file is open.

    Args:
        db_path: the warehouse file.
        retry_s: how long to retry while a writer holds the file.
        config: extra DuckDB settings.

    Yields:
        A read-only DuckDB connection.

    Raises:
        WarehouseLockedError: a writer held the file for longer than `retry_s`.
        WarehouseMissingError: the file does not exist.
    """
    con = connect_with_retry(db_path, read_only=True, timeout_s=retry_s, config=config)
    try:
        yield con
    finally:
        con.close()
