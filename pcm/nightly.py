"""The nightly run: crawl, load, score, refresh, purge, alerts and digest, recorded in `runs`."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pcm
from pcm import runjournal
from pcm.alerts import LOOKBACK_DAYS
from pcm.config import Config
from pcm.errors import PcmError
from pcm.runlock import RunLock

logger = logging.getLogger(__name__)

EXIT_SUCCESS = 0
EXIT_FAILED = 1
# Not 2: argparse already exits 2 for a usage error, and cron or systemd should be able to tell
# "some sources failed, the rest is done" from "the command line was wrong".
EXIT_PARTIAL = 3

STATUS_EXIT = {"success": EXIT_SUCCESS, "partial": EXIT_PARTIAL, "failed": EXIT_FAILED}
ABANDONED = "abandoned: the run stopped without finishing (killed, crashed or timed out)"
STAGES = ("crawl", "load", "score", "refresh", "retention", "alerts", "digest")
# Passages scored per call while the scoring stage watches schedule.score_budget_s: the budget
# is checked between slices, so a slice (a few seconds of scoring) may run past it.
SCORE_SLICE = 2048

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time, aware, in UTC (the default clock)."""
    return datetime.now(UTC)


class RunInterrupted(BaseException):
    """SIGTERM arrived during a run; a BaseException so that no stage's handler swallows it."""


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
            ["git", "describe", "--always", "--dirty", "--tags"],
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


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if isinstance(exc, PcmError) else f"{type(exc).__name__}: {text}"


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """Turn SIGTERM into `RunInterrupted` for the duration (main thread only)."""

    def _handler(signum, frame):
        # Once is enough: a second SIGTERM must not interrupt the recording of the first.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise RunInterrupted("stopped by SIGTERM")

    try:
        previous = signal.signal(signal.SIGTERM, _handler)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


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
    from warehouse.connection import writer

    with writer(cfg) as con:
        return _close_abandoned(con, reason, clock())


def _close_abandoned(con, reason: str, now: datetime) -> list[int]:
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


def _table_counts(con) -> tuple[int, int]:
    return con.execute(
        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM passages)"
    ).fetchone()


class NightlyRun:
    """One nightly run; `run()` does everything and returns a `RunResult`.

    Args:
        cfg: the config.
        clock: the time source (tests pass a fixed one).
        since: passed to the crawler (a backfill passes a year back; nightly runs pass None).
        alert_days: how many days back the alert stage checks (a backfill checks them all).
    """

    def __init__(
        self,
        cfg: Config,
        clock: Clock = utc_now,
        since: datetime | None = None,
        alert_days: int = LOOKBACK_DAYS,
    ):
        self.cfg = cfg
        self.clock = clock
        self.since = since
        self.alert_days = alert_days
        self.result = RunResult(run_id=None)
        self._before: tuple[int, int] = (0, 0)
        self._token = uuid.uuid4().hex  # this run's lines in the runs journal

    def run(self) -> RunResult:
        """Take the run lock, record the run, do each stage, record the outcome.

        Returns:
            The `RunResult` (status success, partial or failed).

        Raises:
            RunLockedError: another run holds the lock (exit code 75).
            RunInterrupted: SIGTERM arrived; the run is recorded failed first.
        """
        with RunLock(self.cfg.db_path, command="pcm run"):
            self.result.started_at = self.clock()
            # A trace outside the database first: should the warehouse be locked, damaged or
            # the process killed before its row exists, the journal still says it ran.
            runjournal.append(
                self.cfg.db_path,
                {
                    "token": self._token,
                    "event": runjournal.STARTED,
                    "started_at": self.result.started_at,
                    "pid": os.getpid(),
                },
            )
            try:
                self._start()
            except BaseException as exc:
                why = str(exc) if isinstance(exc, RunInterrupted) else _one_line(exc)
                runjournal.append(
                    self.cfg.db_path,
                    {
                        "token": self._token,
                        "event": runjournal.FAILED,
                        "started_at": self.result.started_at,
                        "finished_at": self.clock(),
                        "error": f"the run could not start: {why}",
                    },
                )
                raise
            try:
                for stage in STAGES:
                    self._stage(stage)
            except BaseException as exc:
                why = str(exc) if isinstance(exc, RunInterrupted) else _one_line(exc)
                self.result.errors.append(why)
                self._finish()
                raise
            self._finish()
        return self.result

    def _stage(self, name: str) -> None:
        started = time.monotonic()
        logger.info("stage %s: starting", name)
        try:
            getattr(self, f"_do_{name}")()
        except Exception as exc:
            logger.exception("stage %s failed", name)
            self.result.errors.append(f"{name} failed: {_one_line(exc)}")
            self.result.counts.setdefault(name, {})["error"] = _one_line(exc)
        took = time.monotonic() - started
        self.result.counts.setdefault(name, {})["seconds"] = round(took, 1)
        logger.info(
            "stage %s: done in %.1f s %s",
            name,
            took,
            json.dumps(
                {k: v for k, v in self.result.counts[name].items() if k != "seconds"}, default=str
            ),
        )

    def _start(self) -> None:
        from warehouse.connection import writer

        now = self.result.started_at or self.clock()
        self.result.started_at = now
        with writer(self.cfg) as con:
            journaled = runjournal.fold(
                con, self.cfg.db_path, now, code_version(), skip_token=self._token
            )
            abandoned = _close_abandoned(con, ABANDONED, now)
            self._before = _table_counts(con)
            self.result.run_id = con.execute(
                "INSERT INTO runs (started_at, status, code_version) VALUES (?, 'running', ?) "
                "RETURNING id",
                [now, code_version()],
            ).fetchone()[0]
        runjournal.clear(self.cfg.db_path)  # everything in it is in `runs` now, this run too
        self.result.counts["abandoned_runs"] = abandoned
        if journaled:
            self.result.counts["journaled_runs"] = journaled
        logger.info("run %s started (warehouse %s)", self.result.run_id, self.cfg.db_path)

    def _do_crawl(self) -> None:
        from crawler.run import crawl_all

        summary = crawl_all(self.cfg, since=self.since, run_id=self.result.run_id)
        self.result.counts["crawl"] = summary.as_dict()
        if summary.failed_sources:
            names = ", ".join(summary.failed_sources)
            self.result.warnings.append(
                f"{len(summary.failed_sources)} source(s) failed: {names} (see crawl_stats)"
            )

    def _do_load(self) -> None:
        # The crawler child stores each article with its passages; this stage measures it.
        from warehouse.connection import writer

        with writer(self.cfg) as con:
            articles, passages = _table_counts(con)
        self.result.counts["load"] = {
            "articles": articles - self._before[0],
            "passages": passages - self._before[1],
        }

    def _do_score(self) -> None:
        from sentiment.model import load_model
        from sentiment.scoring import score_pending

        budget = self.cfg.schedule.score_budget_s
        deadline = time.monotonic() + budget
        scored, spent = 0, False
        while True:
            done = score_pending(self.cfg, rescore=False, progress=False, limit=SCORE_SLICE)
            scored += done
            if done < SCORE_SLICE:
                break
            if time.monotonic() >= deadline:
                spent = True
                break
        self.result.model_version = load_model(self.cfg.model).version
        self.result.counts["score"] = {
            "passages": int(scored),
            "model_version": self.result.model_version,
            "budget_spent": spent,
        }
        if spent:
            why = (
                f"scoring stopped after schedule.score_budget_s ({budget:g} s) with passages "
                "left; the next run scores them"
            )
            logger.warning("%s", why)
            self.result.warnings.append(why)

    def _do_refresh(self) -> None:
        from warehouse.connection import writer
        from warehouse.materialized import refresh as refresh_materialized
        from warehouse.migrate import create_views

        with writer(self.cfg) as con:
            views = create_views(con)
            refresh_materialized(con)  # the dashboard's copy of passage_scores, from the views
            rows = con.execute("SELECT count(*) FROM topic_daily").fetchone()[0]
        self.result.counts["refresh"] = {
            "views_recreated": len(views),
            "topic_daily_rows": int(rows),
        }

    def _do_retention(self) -> None:
        from warehouse.connection import writer
        from warehouse.retention import purge_text
        from warehouse.rewrite import rewrite

        with writer(self.cfg) as con:
            purged = purge_text(con, self.clock(), self.cfg.retention.text_days)
        self.result.counts["retention"] = {
            "passages_purged": int(purged),
            "days": self.cfg.retention.text_days,
        }
        if purged:  # nulled text keeps its bytes in the file until the file is rewritten
            sizes = rewrite(self.cfg)
            self.result.counts["retention"]["rewritten_bytes"] = [sizes.before, sizes.after]

    def _do_alerts(self) -> None:
        from pcm.alerts import raise_alerts
        from warehouse.connection import writer

        with writer(self.cfg) as con:
            ids = raise_alerts(con, self.cfg, self.clock(), self.result.run_id, self.alert_days)
        self.result.counts["alerts"] = {"new": len(ids), "days": self.alert_days}

    def _do_digest(self) -> None:
        from pcm.digest import DigestSendError, collect_digest, send_digest, write_digest
        from warehouse.connection import writer

        note = self.result.reason
        with writer(self.cfg) as con:
            digest = collect_digest(con, self.cfg, self.clock(), self.result.run_id, note)
        html_path, md_path = write_digest(digest, self.cfg.digest.out_dir)
        self.result.digest_files = [str(html_path), str(md_path)]
        counts = {
            "files": self.result.digest_files,
            "stories": digest.new_articles,
            "alerts": len(digest.alerts),
            "emailed": False,
        }
        self.result.counts["digest"] = counts
        if self.cfg.digest.smtp is not None:
            try:
                send_digest(digest, self.cfg.digest.smtp)
                counts["emailed"] = True
            except DigestSendError as exc:
                logger.error("%s", exc)
                self.result.warnings.append(str(exc))

    def _publish(self, con) -> None:
        """Publish the snapshot analysts and the dashboard read (warehouse/published.py).

        A snapshot that cannot be written leaves readers on the previous night's data: the run
        is then at best partial, and says why.
        """
        from pcm.errors import WarehouseFileError
        from warehouse.connection import publish_now

        try:
            publish_now(con, self.cfg.db_path)
        except WarehouseFileError as exc:
            r = self.result
            logger.error("%s", exc)
            r.warnings.append(f"{exc}; analysts and the dashboard see the previous snapshot")
            r.status = "failed" if r.errors else "partial"
            con.execute(
                "UPDATE runs SET status = ?, error = ? WHERE id = ?",
                [r.status, r.reason, r.run_id],
            )

    def _finish(self) -> None:
        from warehouse.connection import writer

        r = self.result
        r.finished_at = self.clock()
        r.status = "failed" if r.errors else "partial" if r.warnings else "success"
        load = r.counts.get("load", {})
        values = [
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
        ]
        try:
            with writer(self.cfg) as con:
                con.execute(
                    "UPDATE runs SET finished_at = ?, status = ?, articles_new = ?, "
                    "passages_new = ?, passages_scored = ?, alerts_new = ?, counts = ?, "
                    "model_version = ?, error = ? WHERE id = ?",
                    values,
                )
                self._publish(con)
        except Exception as exc:
            why = (
                f"run {r.run_id} could not be recorded: {_one_line(exc)}; "
                "the next run will record it failed"
            )
            # The row stays `running`; the journal keeps the outcome for the next run.
            runjournal.append(
                self.cfg.db_path,
                {
                    "token": self._token,
                    "event": runjournal.UNRECORDED,
                    "started_at": r.started_at,
                    "finished_at": r.finished_at,
                    "run_id": r.run_id,
                    "status": "failed",
                    "error": f"{why} (its stages ended {r.status}: {r.reason or 'no errors'})",
                    "counts": json.loads(values[6]),
                },
            )
            raise RunFailedError(why) from None
        logger.info("%s", r.summary())


def run_nightly(
    cfg: Config,
    clock: Clock = utc_now,
    since: datetime | None = None,
    alert_days: int = LOOKBACK_DAYS,
) -> RunResult:
    """Run the nightly job once (what `pcm run` does).

    Args:
        cfg: the config.
        clock: the time source.
        since: crawl only items newer than this (None: the crawler's own incremental rule).
        alert_days: days back the alert stage checks (default: the last week).

    Returns:
        The `RunResult`; `exit_code` is 0 success, 3 partial, 1 failed.

    Raises:
        RunLockedError: another run is in progress (exit code 75).
        RunInterrupted: SIGTERM during the run (recorded as failed first).
    """
    return NightlyRun(cfg, clock, since, alert_days).run()


def last_completed_run(db_path: str) -> datetime | None:
    """When the newest `success` or `partial` run started, read through a short reader.

    Args:
        db_path: the warehouse file.

    Returns:
        The aware start time, or None when there is no warehouse or no such run.
    """
    from warehouse.connection import WarehouseMissingError, reader

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
    from pcm.errors import RunLockedError
    from warehouse.connection import writer

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
                        "error": f"{reason}; not recorded in runs: {_one_line(exc)}",
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
    closed = _close_abandoned(con, reason, now)
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
