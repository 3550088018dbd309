"""The runs journal: a trace of nightly runs that could not be recorded in the `runs` table.

A run that cannot open or write the warehouse (held by another process, damaged, killed before
it wrote its row) has nowhere in the database to say so. It writes JSON lines to
`<warehouse>.runs.jsonl` beside the warehouse instead: `started` when it takes the run lock,
`failed` when it could not start, `unrecorded` when it could not write its outcome. The next run
that can write folds every line into `runs` (a `failed` row, or the outcome on the row it
started) and empties the journal; until then the dashboard reads the journal directly and warns
about the failed run. Only holders of the run lock write the journal.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

logger = logging.getLogger(__name__)

JOURNAL_SUFFIX = ".runs.jsonl"
STARTED = "started"
FAILED = "failed"
UNRECORDED = "unrecorded"
NEVER_RECORDED = (
    "the run stopped before it could record itself (killed, or the warehouse was locked or damaged)"
)


@dataclass(frozen=True)
class JournalRun:
    """What the journal says about one run (its latest line)."""

    token: str
    event: str  # started | failed | unrecorded
    started_at: datetime
    finished_at: datetime | None = None
    status: str = "failed"
    error: str | None = None
    run_id: int | None = None
    counts: dict | None = None


def journal_path(db_path: str | os.PathLike) -> Path:
    """The journal of a warehouse: `data/pcm.duckdb` -> `data/pcm.duckdb.runs.jsonl`.

    Args:
        db_path: the warehouse file.

    Returns:
        The journal's path, beside the warehouse.
    """
    db = Path(db_path)
    return db.with_name(db.name + JOURNAL_SUFFIX)


def append(db_path: str | os.PathLike, entry: dict) -> bool:
    """Add one line to the journal (and fsync it); never raises.

    Args:
        db_path: the warehouse file.
        entry: the line: `token`, `event` and `started_at` at least; datetimes are written as
            ISO 8601.

    Returns:
        True when the line was written; False (logged) when even the journal failed.
    """
    path = journal_path(db_path)
    line = json.dumps(entry, default=_iso, ensure_ascii=False) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        logger.error("could not write the runs journal %s: %s", path, exc)
        return False
    return True


def _iso(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _when(text: object) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def read(db_path: str | os.PathLike) -> list[JournalRun]:
    """The runs the journal holds, oldest first, each as its latest line says.

    Lines that are not JSON objects with a token and a start time (a torn last line) are
    skipped.

    Args:
        db_path: the warehouse file.

    Returns:
        One `JournalRun` per token.
    """
    try:
        text = journal_path(db_path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    latest: dict[str, dict] = {}
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("token"), str):
            continue
        merged = {**latest.get(entry["token"], {}), **entry}
        latest[entry["token"]] = merged
    runs = []
    for token, entry in latest.items():
        started = _when(entry.get("started_at"))
        if started is None:
            continue
        run_id = entry.get("run_id")
        runs.append(
            JournalRun(
                token=token,
                event=str(entry.get("event", STARTED)),
                started_at=started,
                finished_at=_when(entry.get("finished_at")),
                status=str(entry.get("status") or "failed"),
                error=entry.get("error") if isinstance(entry.get("error"), str) else None,
                run_id=run_id if isinstance(run_id, int) else None,
                counts=entry.get("counts") if isinstance(entry.get("counts"), dict) else None,
            )
        )
    return sorted(runs, key=lambda r: r.started_at)


def fold(
    con: duckdb.DuckDBPyConnection,
    db_path: str | os.PathLike,
    now: datetime,
    code_version: str,
    skip_token: str | None = None,
) -> list[int]:
    """Write what the journal holds into `runs` (on the writer's connection, in one transaction).

    `failed` and `started` lines (a run that never wrote its row) become `failed` rows, unless a
    row with the same start time exists; `unrecorded` lines set the outcome of the row the run
    started, if it is still `running`. Call `clear` once the transaction is committed.

    Args:
        con: the writer's connection (no transaction open).
        db_path: the warehouse file.
        now: the time recorded as finished_at where the journal has none.
        code_version: recorded on the rows inserted.
        skip_token: the current run's own token (left alone).

    Returns:
        The ids of the rows written or updated.
    """
    ids: list[int] = []
    runs = [r for r in read(db_path) if r.token != skip_token]
    if not runs:
        return ids
    con.execute("BEGIN TRANSACTION")
    try:
        for run in runs:
            if run.event == UNRECORDED and run.run_id is not None:
                row = con.execute(
                    "UPDATE runs SET status = ?, finished_at = ?, error = ?, "
                    "counts = coalesce(?, counts) WHERE id = ? AND status = 'running' "
                    "RETURNING id",
                    [
                        run.status,
                        run.finished_at or now,
                        run.error,
                        json.dumps(run.counts) if run.counts else None,
                        run.run_id,
                    ],
                ).fetchone()
                if row:
                    ids.append(row[0])
                continue
            exists = con.execute(
                "SELECT count(*) FROM runs WHERE started_at = ?", [run.started_at]
            ).fetchone()[0]
            if exists:
                continue
            ids.append(
                con.execute(
                    "INSERT INTO runs (started_at, finished_at, status, code_version, error) "
                    "VALUES (?, ?, 'failed', ?, ?) RETURNING id",
                    [
                        run.started_at,
                        run.finished_at or now,
                        code_version,
                        run.error or NEVER_RECORDED,
                    ],
                ).fetchone()[0]
            )
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
    for run_id in ids:
        logger.warning("run %s: recorded from the runs journal", run_id)
    return ids


def clear(db_path: str | os.PathLike, keep_token: str | None = None) -> None:
    """Empty the journal once its runs are in `runs`, keeping one token's lines if asked.

    Args:
        db_path: the warehouse file.
        keep_token: the lines of this run stay (the current run, until it has its row).
    """
    path = journal_path(db_path)
    if not path.exists():
        return
    kept = []
    if keep_token is not None:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            with contextlib.suppress(ValueError):
                entry = json.loads(line)
                if isinstance(entry, dict) and entry.get("token") == keep_token:
                    kept.append(line + "\n")
    try:
        if not kept:
            path.unlink(missing_ok=True)
            return
        partial = path.with_name(path.name + ".partial")
        partial.write_text("".join(kept), encoding="utf-8")
        Path(partial).replace(path)
    except OSError as exc:
        logger.warning("could not empty the runs journal %s: %s", path, exc)


def unrecorded_failure(
    db_path: str | os.PathLike, now: datetime, stale_after_s: float
) -> JournalRun | None:
    """The newest run the journal knows failed, for the dashboard's warning.

    A `started` line older than `stale_after_s` counts as failed too (a run cannot last that
    long: it was killed before it recorded anything).

    Args:
        db_path: the warehouse file.
        now: the current time, aware.
        stale_after_s: the longest a run may take (schedule.run_timeout_s).

    Returns:
        The newest such run, or None.
    """
    failed = [
        r
        for r in read(db_path)
        if r.event in (FAILED, UNRECORDED)
        or (r.event == STARTED and (now - r.started_at).total_seconds() > stale_after_s)
    ]
    return failed[-1] if failed else None
