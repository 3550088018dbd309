"""Short-lived DuckDB connections: one writer at a time, read-only readers, lock retries.

Every connection to a warehouse file is opened here. A path that is a folder, a file that is not
a DuckDB database (empty, random bytes, another format) or a truncated one fails at once with one
line (`WarehouseFileError`), never a traceback and never an empty warehouse in its place.
Readers that may stay a while (analysts, export, dashboard) pass `published=True` and read the
published snapshot (warehouse/published.py), so they never block the nightly writer.
"""

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

from core.config import Config
from core.errors import PcmError, WarehouseFileError, WarehouseLockedError
from warehouse.forces import sync as sync_forces
from warehouse.migrate import migrate
from warehouse.published import publish as publish_snapshot
from warehouse.published import read_path as snapshot_read_path
from warehouse.published import snapshot_path

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
_QUOTED_PATH = re.compile(r'"/[^"]*"')
_RESTORE = "restore it from a backup, or point --db at the warehouse file"


class WarehouseMissingError(PcmError):
    """A reader was pointed at a warehouse file that does not exist."""


def check_path(db_path: str | os.PathLike, must_exist: bool) -> Path:
    """Refuse a warehouse path that cannot be a DuckDB file, before DuckDB sees it.

    Args:
        db_path: the warehouse file.
        must_exist: refuse a missing file too (every command but `pcm init` and `pcm run`,
            so that a mistyped --db never creates an empty warehouse).

    Returns:
        The path.

    Raises:
        WarehouseFileError: the path is a folder or not a regular file.
        WarehouseMissingError: `must_exist` and there is nothing at the path.
    """
    path = Path(db_path)
    if path.is_dir():
        raise WarehouseFileError(f"{db_path} is a folder, not a warehouse file; pass --db FILE")
    if path.exists() and not path.is_file():
        raise WarehouseFileError(f"{db_path} is not a regular file; pass --db FILE")
    if must_exist and not path.exists():
        raise WarehouseMissingError(
            f"no warehouse at {db_path}; create it with `pcm init --db {db_path}`"
        )
    return path


def require_warehouse(db_path: str | os.PathLike) -> Path:
    """What commands that only work on an existing warehouse call first.

    Args:
        db_path: the warehouse file.

    Returns:
        The path.

    Raises:
        WarehouseFileError, WarehouseMissingError: as `check_path`.
    """
    return check_path(db_path, must_exist=True)


def scrub_paths(text: str, db_path: str | os.PathLike) -> str:
    """`text` with absolute paths replaced: the warehouse's by the path as given, others by
    <path> (DuckDB's messages quote the absolute paths of this machine).

    Args:
        text: a message.
        db_path: the warehouse path as the user gave it.

    Returns:
        The message without absolute paths in quotes.
    """
    given = str(db_path)
    for form in {str(Path(db_path).resolve()), str(Path(db_path).absolute())}:
        text = text.replace(f'"{form}', f'"{given}')
    return _QUOTED_PATH.sub('"<path>"', text)


def _file_error(db_path: str | os.PathLike, exc: BaseException) -> WarehouseFileError:
    text = str(exc)
    if "not a valid DuckDB database file" in text:
        why = "is not a DuckDB warehouse (an empty, damaged or other kind of file)"
    elif "Could not read enough bytes" in text:
        why = "is truncated or damaged"
    elif "Permission denied" in text or "Operation not permitted" in text:
        return WarehouseFileError(
            f"{db_path}: permission denied; the writer needs write access to the file and its "
            "folder, readers need read access"
        )
    elif "Read-only file system" in text:
        return WarehouseFileError(
            f"{db_path} is on a read-only file system; the writer needs to write it"
        )
    elif "Is a directory" in text:
        why = "is a folder, not a warehouse file"
    else:
        first = " ".join((text.strip().splitlines() or [type(exc).__name__])[0].split())
        why = f"could not be opened ({scrub_paths(first, db_path)})"
    return WarehouseFileError(f"{db_path} {why}; {_RESTORE}")


def check_complete(con: duckdb.DuckDBPyConnection, db_path: str | os.PathLike) -> None:
    """Refuse a file shorter than the blocks in use that its header counts (a truncated copy).

    DuckDB opens such a file when the blocks it reads first survived, and fails or returns
    wrong data later. Its header counts the blocks in use; a whole file holds at least that
    many (free blocks at the end may have been cut off, so only used blocks are counted).

    Args:
        con: a connection just opened on `db_path`.
        db_path: the warehouse file.

    Raises:
        WarehouseFileError: the file is shorter than its blocks in use.
    """
    row = con.execute(
        "SELECT block_size, used_blocks FROM pragma_database_size() "
        "WHERE database_name = current_database()"
    ).fetchone()
    if not row:
        return
    block_size, used_blocks = (int(v) for v in row)
    size = Path(db_path).stat().st_size
    if size < block_size * used_blocks:
        raise WarehouseFileError(
            f"{db_path} is truncated: {size:,} bytes where its header counts "
            f"{used_blocks:,} blocks of {block_size:,} in use; {_RESTORE}"
        )


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
        WarehouseFileError: a folder, not a DuckDB file, truncated, damaged or not permitted.
    """
    path = str(db_path)
    check_path(path, must_exist=read_only)
    started = time.monotonic()
    backoff = _FIRST_BACKOFF_S
    warned = False
    while True:
        try:
            con = duckdb.connect(path, read_only=read_only, config=dict(config or {}))
        except duckdb.ConnectionException as exc:
            if SAME_PROCESS_MESSAGE in str(exc):
                raise WarehouseLockedError(
                    f"{path} is already open in this process with other settings "
                    "(DuckDB allows one kind of connection per file and process: read-write, "
                    "read-only or analyst); close the other connection first"
                ) from None
            raise _file_error(path, exc) from None
        except duckdb.IOException as exc:
            text = str(exc)
            if WRITE_LOCK_MESSAGE not in text:
                raise _file_error(path, exc) from None
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
            continue
        except duckdb.Error as exc:  # a damaged file can fail in other ways while it is read
            raise _file_error(path, exc) from None
        try:
            check_complete(con, path)
        except BaseException:
            con.close()
            raise
        return con


@contextmanager
def writer(
    cfg: Config, run_migrations: bool = True, publish: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The single writer's connection, held only for one write session.

    Opens `cfg.db_path` read-write (creating the file and its folder when missing), retrying the
    file lock for up to `cfg.warehouse.lock_timeout_s`, applies pending migrations, and on exit
    rolls back any open transaction, runs CHECKPOINT and closes.

    Args:
        cfg: the config; `db_path` and `warehouse.lock_timeout_s` are used.
        run_migrations: apply pending migrations first (`pcm init` calls `migrate` itself).
        publish: when the body succeeds, copy the warehouse to its read-only snapshot before
            letting go (warehouse/published.py), for analysts and the dashboard.

    Yields:
        A read-write DuckDB connection.

    Raises:
        WarehouseLockedError: another process held the file for longer than the timeout.
        WarehouseFileError: the file is a folder, damaged, truncated or not permitted; or the
            snapshot could not be published.
    """
    path = check_path(cfg.db_path, must_exist=False)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WarehouseFileError(
            f"cannot create the folder of {cfg.db_path}: {exc.strerror or exc}"
        ) from None
    con = connect_with_retry(path, read_only=False, timeout_s=cfg.warehouse.lock_timeout_s)
    try:
        if run_migrations:
            migrate(con)
            forces = getattr(cfg, "forces", None)
            if forces:
                sync_forces(con, forces)  # the config's forces, as views and readers see them
        yield con
        if publish:
            with contextlib.suppress(duckdb.Error):  # raises when no transaction is open
                con.rollback()
            publish_now(con, cfg.db_path)
    finally:
        with contextlib.suppress(duckdb.Error):  # raises when no transaction is open
            con.rollback()  # a transaction the body left open is not committed half-way
        try:
            con.execute("CHECKPOINT")
        except duckdb.Error as exc:
            logger.warning("CHECKPOINT of %s failed: %s", path, exc)
        con.close()


def publish_now(con: duckdb.DuckDBPyConnection, db_path: str | os.PathLike) -> Path:
    """Publish the read-only snapshot from inside a writer session (warehouse/published.py).

    Args:
        con: the writer's connection to `db_path`, with no transaction open.
        db_path: the warehouse file.

    Returns:
        The snapshot's path.

    Raises:
        WarehouseFileError: the copy could not be written or opened; the old snapshot stays.
    """
    try:
        return publish_snapshot(con, db_path)
    except (OSError, duckdb.Error) as exc:
        raise WarehouseFileError(
            f"could not publish the snapshot of {db_path}: "
            f"{scrub_paths(' '.join(str(exc).split()), db_path)}"
        ) from None


def has_snapshot(db_path: str | os.PathLike) -> bool:
    """Whether the warehouse has a published snapshot (warehouse/published.py).

    Args:
        db_path: the warehouse file.

    Returns:
        True when `<db_path>.snapshot` is a file.
    """
    return snapshot_path(db_path).is_file()


def refresh_snapshot(cfg: Config) -> bool:
    """Publish the snapshot again after a write outside `pcm run`, when there is one.

    Commands that write (`pcm score`, `pcm alerts`, `pcm init`, a correction on the Review page)
    call this, or pass `publish=has_snapshot(...)` to their writer, so that readers of the
    snapshot see the change; without a snapshot, readers read the warehouse itself.

    Args:
        cfg: the config.

    Returns:
        True when a snapshot was published.

    Raises:
        WarehouseLockedError, WarehouseFileError: as `writer`.
    """
    if not has_snapshot(cfg.db_path):
        return False
    with writer(cfg, run_migrations=False, publish=True):
        pass
    return True


def reader_path(db_path: str | os.PathLike, published_copy: bool) -> Path:
    """The file a reader opens: the published snapshot (when asked for and present) or the
    warehouse.

    Args:
        db_path: the warehouse file.
        published_copy: prefer the snapshot.

    Returns:
        The path to open read-only.
    """
    return snapshot_read_path(db_path) if published_copy else Path(db_path)


@contextmanager
def reader(
    db_path: str | os.PathLike,
    retry_s: float = READER_RETRY_S,
    config: dict | None = None,
    published: bool = False,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived read-only connection; close it (leave the block) as soon as you can.

    A process holding a read-only connection to the warehouse blocks the writer, so never keep
    one open between queries. In one process, do not open a reader while a writer on the same
    file is open. With `published`, the reader opens the snapshot the last run published
    (warehouse/published.py), which never blocks the writer, and falls back to the warehouse
    when there is none.

    Args:
        db_path: the warehouse file.
        retry_s: how long to retry while a writer holds the file.
        config: extra DuckDB settings.
        published: read the published snapshot when there is one.

    Yields:
        A read-only DuckDB connection.

    Raises:
        WarehouseLockedError: a writer held the file for longer than `retry_s`.
        WarehouseMissingError: the file does not exist.
        WarehouseFileError: the file is a folder, damaged or truncated.
    """
    path = reader_path(db_path, published)
    con = connect_with_retry(path, read_only=True, timeout_s=retry_s, config=config)
    try:
        yield con
    finally:
        con.close()
