"""The record of a nightly run: its outcome (`RunResult`, exit codes) and its row in `runs`."""

from __future__ import annotations

import json
import logging
import subprocess
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

import pcm
from core.config import Config
from core.errors import PcmError, RunLockedError
from pcm import runjournal
from pcm.runlock import RunLock
from warehouse.connection import WarehouseMissingError, reader, writer

logger = logging.getLogger(__name__)

EXIT_SUCCESS = 0
EXIT_FAILED = 1
# Not 2: argparse already exits 2 for a usage error, and cron or systemd should be able to tell
# "some sources failed, the rest is done" from "the command line was wrong".
EXIT_PARTIAL = 3

STATUS_EXIT = {"success": EXIT_SUCCESS, "partial": EXIT_PARTIAL, "failed": EXIT_FAILED}
ABANDONED = "abandoned: the run stopped without finishing (killed, crashed or timed out)"

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time, aware, in UTC (the default clock)."""
    return datetime.now(UTC)


class RunFailedError(PcmError):
    """The run ended `failed`; the message is the run's one-line reason."""


@dataclass
class RunResult:
    """What one nightly run did."""

    run_id: int | None
    status: str = "running"  # success | partial | failed
    counts: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # stage failures: make the run failed
    warnings: list[str] = field(default_factory=list)  # failing sources, unsent e-mail: partial
    model_version: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    digest_files: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 success, 3 partial, 1 failed."""
        return STATUS_EXIT.get(self.status, EXIT_FAILED)

    @property
    def reason(self) -> str:
        """One line saying what went wrong (empty on success)."""
        return "; ".join(self.errors + self.warnings)

    def summary(self) -> str:
        """One line for the terminal and the log."""
        c = self.counts
        took = ""
        if self.started_at and self.finished_at:
            took = f" in {(self.finished_at - self.started_at).total_seconds():.0f} s"
        return (
            f"run {self.run_id} {self.status}{took}: "
            f"{c.get('load', {}).get('articles', 0)} new articles, "
            f"{c.get('load', {}).get('passages', 0)} new passages, "
            f"{c.get('score', {}).get('passages', 0)} passages scored, "
            f"{c.get('alerts', {}).get('new', 0)} new alerts"
        )


def code_version() -> str:
    """`pcm.__version__`, plus `git describe` of the checkout when there is one.

    Returns:
        e.g. "0.1.0 (v0.1.0-3-gabc1234-dirty)", or just "0.1.0" outside a git checkout.
    """
    root = Path(pcm.__file__).resolve().parent.parent
    try:
        out = subprocess.run(
            ["git", "describe", "--always", "--dirty", "--tags"],  # noqa: S607 - git from PATH, as a user runs it
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return pcm.__version__
    described = out.stdout.strip()
    if out.returncode != 0 or not described:
        return pcm.__version__
    return f"{pcm.__version__} ({described})"


def one_line(exc: BaseException) -> str:
    """The exception as one line: its message, prefixed with its type unless it is a PcmError."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if isinstance(exc, PcmError) else f"{type(exc).__name__}: {text}"


def table_counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(articles, passages) in the warehouse now."""
    return con.execute(
        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM passages)"
    ).fetchone()


def open_run(con: duckdb.DuckDBPyConnection, started_at: datetime) -> int:
    """Insert this run's `running` row and return its id."""
    return con.execute(
        "INSERT INTO runs (started_at, status, code_version) VALUES (?, 'running', ?) RETURNING id",
        [started_at, code_version()],
    ).fetchone()[0]


def record_outcome(con: duckdb.DuckDBPyConnection, r: RunResult) -> None:
    """Write the run's status, counts and reason into its row."""
    load = r.counts.get("load", {})
    con.execute(
        "UPDATE runs SET finished_at = ?, status = ?, articles_new = ?, "
        "passages_new = ?, passages_scored = ?, alerts_new = ?, counts = ?, "
        "model_version = ?, error = ? WHERE id = ?",
        [
            r.finished_at,
            r.status,
            load.get("articles"),
            load.get("passages"),
            r.counts.get("score", {}).get("passages"),
            r.counts.get("alerts", {}).get("new"),
            json.dumps(r.counts, default=str),
            r.model_version,
            r.reason or None,
            r.run_id,
        ],
    )


def record_status(con: duckdb.DuckDBPyConnection, r: RunResult) -> None:
    """Write a changed status and reason into the run's row (after its outcome)."""
    con.execute(
        "UPDATE runs SET status = ?, error = ? WHERE id = ?", [r.status, r.reason, r.run_id]
    )


def close_abandoned(cfg: Config, reason: str = ABANDONED, clock: Clock = utc_now) -> list[int]:
    """Mark every `running` row as failed, in a short writer session.

    Only call this while holding the run lock (or knowing no run is alive): then a `running`
    row belongs to a run whose process is gone.

    Args:
        cfg: the config (warehouse).
        reason: the `error` recorded on those rows.
        clock: the time source.

    Returns:
        The ids of the runs closed.
    """
    with writer(cfg) as con:
        return mark_abandoned(con, reason, clock())


def mark_abandoned(con: duckdb.DuckDBPyConnection, reason: str, now: datetime) -> list[int]:
    """Mark every `running` row as failed with `reason` on this connection; their ids, sorted."""
    ids = [
        r[0]
        for r in con.execute(
            "UPDATE runs SET status = 'failed', finished_at = ?, error = ? "
            "WHERE status = 'running' RETURNING id",
            [now, reason],
        ).fetchall()
    ]
    for run_id in ids:
        logger.warning("run %s never finished; marked failed (%s)", run_id, reason)
    return sorted(ids)


def last_completed_run(db_path: str) -> datetime | None:
    """When the newest `success` or `partial` run started, read through a short reader.

    Args:
        db_path: the warehouse file.

    Returns:
        The aware start time, or None when there is no warehouse or no such run.
    """
    try:
        with reader(db_path) as con:
            exists = con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'runs'"
            ).fetchone()[0]
            if not exists:
                return None
            row = con.execute(
                "SELECT max(started_at) FROM runs WHERE status IN ('success', 'partial')"
            ).fetchone()
    except WarehouseMissingError:
        return None
    when = row[0] if row else None
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when


def record_failed_run(
    cfg: Config, started_at: datetime, reason: str, clock: Clock = utc_now, annotate: bool = False
) -> int | None:
    """Record a run that failed outside `pcm run` (timed out, or died before writing its row).

    Closes any `running` row with `reason`; when none was open and no run started since
    `started_at` is recorded (the child died before writing its row), inserts a `failed` row so
    the failure still shows in `runs`. Takes the run lock so it never touches a live run's row.

    Args:
        cfg: the config.
        started_at: when the failed run was launched.
        reason: the one-line error to record.
        clock: the time source.
        annotate: when the run did record itself failed, put `reason` in front of its error
            (a timeout or stop makes the run fail "stopped by SIGTERM": say why).

    Returns:
        The id of the row written or closed, or None when the lock was busy.
    """
    try:
        with RunLock(cfg.db_path, command="pcm schedule (recording a failed run)"):
            try:
                with writer(cfg) as con:
                    # What the run left in the journal first: its own, more precise reason.
                    runjournal.fold(con, cfg.db_path, clock(), code_version())
                    recorded = _record_failed(con, started_at, reason, clock(), annotate)
            except PcmError as exc:  # the warehouse is locked or damaged: the journal says it
                runjournal.append(
                    cfg.db_path,
                    {
                        "token": uuid.uuid4().hex,
                        "event": runjournal.FAILED,
                        "started_at": started_at,
                        "finished_at": clock(),
                        "error": f"{reason}; not recorded in runs: {one_line(exc)}",
                    },
                )
                logger.warning("could not record the failed run: %s", exc)
                return None
            runjournal.clear(cfg.db_path)
            return recorded
    except RunLockedError as exc:
        logger.warning("could not record the failed run: %s", exc)
        return None


def _record_failed(con, started_at: datetime, reason: str, now: datetime, annotate: bool) -> int:
    closed = mark_abandoned(con, reason, now)
    if closed:
        return closed[-1]
    own = con.execute("SELECT max(id) FROM runs WHERE started_at >= ?", [started_at]).fetchone()[0]
    if own is not None:  # the run recorded its own outcome
        if annotate:
            con.execute(
                "UPDATE runs SET error = ? || coalesce('; ' || error, '') "
                "WHERE id = ? AND status = 'failed'",
                [reason, own],
            )
        return own
    return con.execute(
        "INSERT INTO runs (started_at, finished_at, status, code_version, error) "
        "VALUES (?, ?, 'failed', ?, ?) RETURNING id",
        [started_at, now, code_version(), reason],
    ).fetchone()[0]
