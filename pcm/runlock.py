"""The run lock: one `pcm run` at a time per warehouse, held with flock on a file next to the DB."""

from __future__ import annotations

import fcntl
import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from core.errors import RunLockedError

logger = logging.getLogger(__name__)

LOCK_SUFFIX = ".run.lock"


def lock_path(db_path: str | os.PathLike) -> Path:
    """The lock file of a warehouse: `data/pcm.duckdb` -> `data/pcm.duckdb.run.lock`.

    Args:
        db_path: the DuckDB file.

    Returns:
        The path of its run lock file (it sits next to the DB).
    """
    db = Path(db_path)
    return db.with_name(db.name + LOCK_SUFFIX)


def read_holder(path: str | os.PathLike) -> dict:
    """What the lock file says about its holder (it may be stale if nobody holds the lock).

    Args:
        path: the lock file.

    Returns:
        {"pid": int, "started_at": ISO text, "command": text}, or {} if unreadable.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def describe_holder(holder: dict) -> str:
    """One phrase naming a holder, e.g. "PID 1234 (pcm run), started 2026-11-28T02:30:00+00:00"."""
    if not holder.get("pid"):
        return "another process (the lock file names no holder yet)"
    command = f" ({holder['command']})" if holder.get("command") else ""
    return f"PID {holder['pid']}{command}, started {holder.get('started_at', '?')}"


class RunLock:
    """An exclusive, non-blocking flock on the warehouse's run lock file.

    The kernel drops the lock when the holder's process dies (even with `kill -9`), so a stale
    lock file never blocks the next run; the text inside only names the last holder.

    Args:
        db_path: the DuckDB file the run writes to.
        command: a short description of the holder written into the file.
    """

    def __init__(self, db_path: str | os.PathLike, command: str = "pcm run") -> None:
        self.path = lock_path(db_path)
        self.command = command
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or fail at once.

        Raises:
            RunLockedError: another process holds it (exit code 75); the message names it.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            holder = describe_holder(read_holder(self.path))
            raise RunLockedError(
                f"another run holds {self.path}: {holder}; wait for it to finish "
                "(or stop that process) and try again"
            ) from None
        info = {
            "pid": os.getpid(),
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": self.command,
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode("utf-8"), 0)
        os.fsync(fd)
        self._fd = fd
        logger.debug("took the run lock %s", self.path)

    def release(self) -> None:
        """Let go of the lock (the file stays, naming the last holder)."""
        if self._fd is None:
            return
        try:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)
            self._fd = None

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._fd is not None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
