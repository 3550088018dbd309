"""The nightly scheduler: `pcm run` as a time-limited child each night at a London time."""

from __future__ import annotations

import datetime as _dt
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import schedule

from core.config import Config
from core.errors import PcmError, RunLockedError
from pcm.nightly_record import EXIT_PARTIAL, EXIT_SUCCESS, last_completed_run, record_failed_run

logger = logging.getLogger(__name__)

CATCH_UP_AFTER = timedelta(days=1)  # on start, run at once if the last good run is older
MAX_SLEEP_S = 60.0  # wake at least this often (a changed wall clock is noticed within a minute)
TERM_GRACE_S = 30.0  # a child asked to stop gets this long before SIGKILL
POLL_S = 0.5  # how often a waiting scheduler checks for SIGTERM and the time limit
_AT = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class ScheduleArgumentError(PcmError):
    """A scheduler setting is not usable."""


def check_at(at: str) -> str:
    """Validate an `HH:MM` time of day (24-hour clock).

    Args:
        at: e.g. "02:30".

    Returns:
        `at` unchanged.

    Raises:
        ScheduleArgumentError: not HH:MM between 00:00 and 23:59.
    """
    if not _AT.match(at or ""):
        raise ScheduleArgumentError(
            f"--at must be HH:MM on the 24-hour clock (e.g. 02:30), got {at!r}"
        )
    return at


class SystemClock:
    """The real clock; `sleep` wakes early when the stop event is set."""

    def now(self) -> datetime:
        """The current time, aware (UTC)."""
        return datetime.now(UTC)

    def sleep(self, seconds: float, stop: threading.Event) -> None:
        """Wait `seconds` or until `stop` is set."""
        stop.wait(seconds)


class _ClockedDatetime(_dt.datetime):
    """`datetime.datetime` whose `now()` asks the scheduler's clock (see `_clocked`)."""

    clock: SystemClock | None = None

    @classmethod
    def now(cls, tz=None):  # type: ignore[override]
        instant = cls.clock.now()
        if tz is None:
            # schedule keeps naive local times (it converts next_run with `.astimezone()`),
            # so "now" must be naive local time too, whatever the machine's time zone.
            return instant.astimezone().replace(tzinfo=None)
        return instant.astimezone(tz)


@contextmanager
def _clocked(clock: SystemClock) -> Iterator[None]:
    """Make the `schedule` library read `clock` while inside the block.

    `schedule` 1.2.2 calls `datetime.datetime.now()` directly in `Job._schedule_next_run`,
    `Job.should_run` and `Scheduler.idle_seconds`; there is no hook, so its module-level
    `datetime` name is pointed at a stand-in for the duration. With the system clock nothing
    is changed.
    """
    if type(clock) is SystemClock:
        yield
        return
    clocked = type("ClockedDatetime", (_ClockedDatetime,), {"clock": clock})
    stand_in = SimpleNamespace(
        datetime=clocked,
        timedelta=_dt.timedelta,
        time=_dt.time,
        date=_dt.date,
        timezone=_dt.timezone,
    )
    real = schedule.datetime
    schedule.datetime = stand_in
    try:
        yield
    finally:
        schedule.datetime = real


@dataclass
class RunOutcome:
    """How one launched `pcm run` ended."""

    returncode: int | None  # None when it could not be started
    seconds: float
    timed_out: bool = False
    stopped: bool = False  # the scheduler was asked to stop while it ran

    @property
    def ok(self) -> bool:
        """Success or partial (the run did its job; partial is logged as a warning)."""
        return self.returncode in (EXIT_SUCCESS, EXIT_PARTIAL)


class ChildRunner:
    """Runs `pcm run` as a child process in its own process group, with a time limit.

    On timeout or stop, the whole group (the run and its crawler child) gets SIGTERM, then
    SIGKILL after `grace_s`; a run that ended without recording itself is recorded failed.

    Args:
        cfg: the config; `schedule.run_timeout_s` is the time limit.
        command: the command line (default: this Python running `pcm run` with the same
            --config and --db).
        timeout_s: overrides `cfg.schedule.run_timeout_s`.
        grace_s: seconds between SIGTERM and SIGKILL.
    """

    def __init__(
        self,
        cfg: Config,
        command: list[str] | None = None,
        timeout_s: float | None = None,
        grace_s: float = TERM_GRACE_S,
    ) -> None:
        self.cfg = cfg
        self.command = command or self.default_command(cfg)
        self.timeout_s = timeout_s if timeout_s is not None else cfg.schedule.run_timeout_s
        self.grace_s = grace_s
        self.stop_event = threading.Event()

    @staticmethod
    def default_command(cfg: Config) -> list[str]:
        """`python -m pcm.cli run --config ... --db ...` with this interpreter."""
        cmd = [sys.executable, "-m", "pcm.cli", "run", "--db", cfg.db_path]
        if cfg.config_path:
            cmd += ["--config", cfg.config_path]
        return cmd

    def __call__(self) -> RunOutcome:
        """Run the child to the end, to its time limit, or until `stop_event` is set."""
        started_at = datetime.now(UTC)
        started = time.monotonic()
        try:
            proc = subprocess.Popen(self.command, start_new_session=True)
        except OSError as exc:
            reason = f"could not start {self.command[0]}: {exc}"
            record_failed_run(self.cfg, started_at, reason)
            raise PcmError(reason) from None
        logger.info("started pcm run as PID %d (time limit %g s)", proc.pid, self.timeout_s)
        timed_out = stopped = False
        while True:
            try:
                proc.wait(timeout=POLL_S)
                break
            except subprocess.TimeoutExpired:
                pass
            if self.stop_event.is_set():
                stopped = True
                logger.warning("stopping: asking pcm run (PID %d) to finish", proc.pid)
                self._end_group(proc)
                break
            if time.monotonic() - started > self.timeout_s:
                timed_out = True
                logger.error(
                    "pcm run (PID %d) passed its time limit of %g s; stopping it",
                    proc.pid,
                    self.timeout_s,
                )
                self._end_group(proc)
                break
        outcome = RunOutcome(proc.returncode, time.monotonic() - started, timed_out, stopped)
        if timed_out:
            reason = f"timed out after {self.timeout_s:g} s; stopped by the scheduler"
        elif stopped:
            reason = "stopped: the scheduler was asked to stop (SIGTERM)"
        elif proc.returncode not in (EXIT_SUCCESS, EXIT_PARTIAL, RunLockedError.exit_code):
            reason = f"pcm run exited with status {proc.returncode}"
        else:
            return outcome
        record_failed_run(self.cfg, started_at, reason, annotate=timed_out or stopped)
        return outcome

    def _end_group(self, proc: subprocess.Popen) -> None:
        """SIGTERM the child's process group, then SIGKILL it after the grace period."""
        for sig, wait_s in ((signal.SIGTERM, self.grace_s), (signal.SIGKILL, 10.0)):
            with suppress(ProcessLookupError):  # the group is already gone
                os.killpg(proc.pid, sig)
            try:
                proc.wait(timeout=wait_s)
                # The run may have left its crawler child behind: end the rest of the group.
                with suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                return
            except subprocess.TimeoutExpired:
                logger.warning("pcm run (PID %d) ignored %s", proc.pid, sig.name)


class NightlyScheduler:
    """The `schedule` loop behind `pcm schedule`.

    Args:
        cfg: the config (`schedule.at`, `schedule.timezone`, `db_path`).
        at: "HH:MM" overriding `cfg.schedule.at`.
        runner: called for each run; returns a `RunOutcome` (default: `ChildRunner(cfg)`).
        clock: the time source (default: the system clock; tests pass a fake one).
        last_success: returns when the last good run started (default: read from `runs`).
        catch_up: run once at start when the last good run is more than a day old.
    """

    def __init__(
        self,
        cfg: Config,
        at: str | None = None,
        runner: Callable[[], RunOutcome] | None = None,
        clock: SystemClock | None = None,
        last_success: Callable[[], datetime | None] | None = None,
        catch_up: bool = True,
    ) -> None:
        self.cfg = cfg
        self.at = check_at(at or cfg.schedule.at)
        self.tz = cfg.schedule.timezone
        try:
            ZoneInfo(self.tz)
        except (KeyError, ValueError):
            raise ScheduleArgumentError(
                f"schedule.timezone {self.tz!r} is not a known time "
                "zone; use a name such as Europe/London"
            ) from None
        self.runner = runner or ChildRunner(cfg)
        self.clock = clock or SystemClock()
        self.last_success = last_success or (lambda: last_completed_run(cfg.db_path))
        self.catch_up = catch_up
        self.stop_event = getattr(self.runner, "stop_event", None) or threading.Event()
        self.launches: list[tuple[str, datetime, RunOutcome | None]] = []
        self._scheduler = schedule.Scheduler()
        with _clocked(self.clock):
            self.job = self._scheduler.every().day.at(self.at, self.tz).do(self._nightly_job)

    @property
    def next_run(self) -> datetime:
        """The next scheduled run, aware, in the configured time zone."""
        naive_local = self.job.next_run  # schedule keeps naive machine-local times
        return naive_local.astimezone().astimezone(ZoneInfo(self.tz))

    def _nightly_job(self) -> None:
        if self._fired_early():
            return
        self.launch("nightly")

    def _fired_early(self) -> bool:
        """True when `schedule` fired well before the configured wall time (a DST slip).

        schedule 1.2.2 gets one case wrong: with a time inside the spring-forward gap (01:30 in
        London on the last Sunday of March), it runs at 02:30 BST that night, then computes the
        next run as 00:30 BST instead of 01:30 BST, so two runs would come an hour apart. A
        nightly run is only started when the configured time last occurred under 12 hours ago.
        """
        zone = ZoneInfo(self.tz)
        local = self.clock.now().astimezone(zone)
        hour, minute = (int(p) for p in self.at.split(":"))
        last = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
        if last > local:
            last = (local - timedelta(days=1)).replace(
                hour=hour, minute=minute, second=0, microsecond=0
            )
        since = local - last
        if since > timedelta(hours=12):
            logger.warning(
                "schedule fired at %s, %s before %s %s; skipped, next run at %s",
                local.isoformat(),
                timedelta(days=1) - since,
                self.at,
                self.tz,
                self._next_text(),
            )
            return True
        return False

    def launch(self, why: str) -> RunOutcome | None:
        """Run once now. Never raises: a failure is logged (and recorded by the runner).

        Args:
            why: "nightly" or "catch-up", for the log.

        Returns:
            The outcome, or None when the runner raised.
        """
        now = self.clock.now()
        logger.info("%s run starting at %s", why, now.astimezone(ZoneInfo(self.tz)).isoformat())
        outcome = None
        try:
            outcome = self.runner()
        except Exception:
            # Swallowed on purpose: an exception escaping run_pending would leave the job
            # unscheduled and a loop around it would re-run the job on every tick.
            logger.exception("%s run failed to run; the next one is at %s", why, self._next_text())
        else:
            self._log_outcome(why, outcome)
        self.launches.append((why, now, outcome))
        return outcome

    def _next_text(self) -> str:
        return f"{self.at} {self.tz}"

    def _log_outcome(self, why: str, outcome: RunOutcome) -> None:
        code = outcome.returncode
        if outcome.timed_out:
            logger.error("%s run timed out after %.0f s and was stopped", why, outcome.seconds)
        elif outcome.stopped:
            logger.warning("%s run stopped on request after %.0f s", why, outcome.seconds)
        elif code == EXIT_SUCCESS:
            logger.info("%s run succeeded in %.0f s", why, outcome.seconds)
        elif code == EXIT_PARTIAL:
            logger.warning(
                "%s run finished partial (some sources failed) in %.0f s", why, outcome.seconds
            )
        elif code == RunLockedError.exit_code:
            logger.warning("%s run skipped: another pcm run holds the lock", why)
        else:
            logger.error("%s run failed with exit status %s; see the runs table", why, code)

    def needs_catch_up(self) -> bool:
        """True when the last good run started more than a day ago (or never)."""
        try:
            last = self.last_success()
        except PcmError as exc:
            logger.warning("could not read the last run (%s); no catch-up", exc)
            return False
        if last is None:
            logger.info("no successful run recorded yet")
            return True
        age = self.clock.now() - last
        logger.info(
            "last good run started %s (%.1f hours ago)",
            last.isoformat(),
            age.total_seconds() / 3600,
        )
        return age > CATCH_UP_AFTER

    def tick(self) -> None:
        """Run the nightly job if it is due (never raises)."""
        with _clocked(self.clock):
            self._scheduler.run_pending()

    def idle_seconds(self) -> float:
        """Seconds until the next run is due (0 when it is due now)."""
        with _clocked(self.clock):
            return max(0.0, self._scheduler.idle_seconds or 0.0)

    def serve(self, until: datetime | None = None, max_sleep_s: float = MAX_SLEEP_S) -> None:
        """Catch up once if needed, then run every night until stopped (or `until`).

        Args:
            until: stop once the clock passes this (tests); None runs until `stop()`.
            max_sleep_s: the longest single sleep.
        """
        if self.catch_up and not self.stop_event.is_set() and self.needs_catch_up():
            self.launch("catch-up")
        logger.info("next run at %s", self.next_run.isoformat())
        while not self.stop_event.is_set():
            if until is not None and self.clock.now() >= until:
                break
            before = self.job.next_run
            self.tick()
            if self.job.next_run != before:
                logger.info("next run at %s", self.next_run.isoformat())
            if self.stop_event.is_set():
                break
            wait = min(self.idle_seconds(), max_sleep_s)
            if until is not None:
                wait = min(wait, max(0.0, (until - self.clock.now()).total_seconds()))
            self.clock.sleep(max(wait, 0.01), self.stop_event)
        logger.info("scheduler stopped")

    def stop(self) -> None:
        """Ask the loop to end; a running child is asked to finish (SIGTERM, then SIGKILL)."""
        self.stop_event.set()


def install_stop_signals(scheduler: NightlyScheduler) -> None:
    """SIGTERM and SIGINT stop `scheduler` cleanly (between runs, or ending the running one)."""

    def _handler(signum, frame):
        logger.info("received %s; stopping", signal.Signals(signum).name)
        scheduler.stop()

    signal.signal(signal.SIGTERM, _handler)
    signal.signal(signal.SIGINT, _handler)
