"""The nightly run: crawl, load, score, refresh, purge, alerts and digest, recorded in `runs`.

This module is the stage runner (the run lock, the order of the stages, their budgets, what a
failing stage does to the run); each stage's call is in pcm/nightly_stages.py, and the run's
outcome and its row in `runs` in pcm/nightly_record.py.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from core.config import Config
from core.errors import WarehouseFileError
from pcm import nightly_stages, runjournal
from pcm.alerts import LOOKBACK_DAYS
from pcm.nightly_record import (
    ABANDONED,
    Clock,
    RunFailedError,
    RunResult,
    code_version,
    mark_abandoned,
    one_line,
    open_run,
    record_outcome,
    record_status,
    table_counts,
    utc_now,
)
from pcm.runlock import RunLock
from warehouse.connection import publish_now, writer

logger = logging.getLogger(__name__)

STAGES = ("crawl", "load", "score", "refresh", "retention", "alerts", "digest")
# Passages scored per call while the scoring stage watches schedule.score_budget_s: the budget
# is checked between slices, so a slice (a few seconds of scoring) may run past it.
SCORE_SLICE = 2048


class RunInterrupted(BaseException):
    """SIGTERM arrived during a run; a BaseException so that no stage's handler swallows it."""


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


def _why(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, RunInterrupted) else one_line(exc)


class NightlyRun:
    """One nightly run; `run()` does everything and returns a `RunResult`.

    Each stage is a method `_do_<stage>` (tests replace them) that calls its function in
    pcm/nightly_stages.py.

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
            self._journal(runjournal.STARTED, pid=os.getpid())
            try:
                self._start()
            except BaseException as exc:
                self._journal(
                    runjournal.FAILED,
                    finished_at=self.clock(),
                    error=f"the run could not start: {_why(exc)}",
                )
                raise
            try:
                for stage in STAGES:
                    self._stage(stage)
            except BaseException as exc:
                self.result.errors.append(_why(exc))
                self._finish()
                raise
            self._finish()
        return self.result

    def _journal(self, event: str, **fields) -> None:
        """Append one line about this run to the runs journal beside the warehouse."""
        entry = {"token": self._token, "event": event, "started_at": self.result.started_at}
        runjournal.append(self.cfg.db_path, {**entry, **fields})

    def _stage(self, name: str) -> None:
        started = time.monotonic()
        logger.info("stage %s: starting", name)
        try:
            getattr(self, f"_do_{name}")()
        except Exception as exc:
            logger.exception("stage %s failed", name)
            self.result.errors.append(f"{name} failed: {one_line(exc)}")
            self.result.counts.setdefault(name, {})["error"] = one_line(exc)
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
        now = self.result.started_at or self.clock()
        self.result.started_at = now
        with writer(self.cfg) as con:
            journaled = runjournal.fold(
                con, self.cfg.db_path, now, code_version(), skip_token=self._token
            )
            abandoned = mark_abandoned(con, ABANDONED, now)
            self._before = table_counts(con)
            self.result.run_id = open_run(con, now)
        runjournal.clear(self.cfg.db_path)  # everything in it is in `runs` now, this run too
        self.result.counts["abandoned_runs"] = abandoned
        if journaled:
            self.result.counts["journaled_runs"] = journaled
        logger.info("run %s started (warehouse %s)", self.result.run_id, self.cfg.db_path)

    def _do_crawl(self) -> None:
        nightly_stages.crawl(self.cfg, self.result, self.since)

    def _do_load(self) -> None:
        nightly_stages.load(self.cfg, self.result, self._before)

    def _do_score(self) -> None:
        nightly_stages.score(self.cfg, self.result, SCORE_SLICE)

    def _do_refresh(self) -> None:
        nightly_stages.refresh(self.cfg, self.result)

    def _do_retention(self) -> None:
        nightly_stages.retention(self.cfg, self.result, self.clock)

    def _do_alerts(self) -> None:
        nightly_stages.alerts(self.cfg, self.result, self.clock, self.alert_days)

    def _do_digest(self) -> None:
        nightly_stages.digest(self.cfg, self.result, self.clock)

    def _publish(self, con) -> None:
        """Publish the snapshot analysts and the dashboard read (warehouse/published.py).

        A snapshot that cannot be written leaves readers on the previous night's data: the run
        is then at best partial, and says why.
        """
        try:
            publish_now(con, self.cfg.db_path)
        except WarehouseFileError as exc:
            r = self.result
            logger.error("%s", exc)
            r.warnings.append(f"{exc}; analysts and the dashboard see the previous snapshot")
            r.status = "failed" if r.errors else "partial"
            record_status(con, r)

    def _finish(self) -> None:
        r = self.result
        r.finished_at = self.clock()
        r.status = "failed" if r.errors else "partial" if r.warnings else "success"
        try:
            with writer(self.cfg) as con:
                record_outcome(con, r)
                self._publish(con)
        except Exception as exc:
            why = (
                f"run {r.run_id} could not be recorded: {one_line(exc)}; "
                "the next run will record it failed"
            )
            # The row stays `running`; the journal keeps the outcome for the next run.
            self._journal(
                runjournal.UNRECORDED,
                finished_at=r.finished_at,
                run_id=r.run_id,
                status="failed",
                error=f"{why} (its stages ended {r.status}: {r.reason or 'no errors'})",
                counts=json.loads(json.dumps(r.counts, default=str)),
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
