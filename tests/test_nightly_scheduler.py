"""The nightly scheduler with an injected clock, and its child-process runner."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pcm.cli import main
from pcm.scheduler import ChildRunner, NightlyScheduler, RunOutcome, ScheduleArgumentError
from warehouse.connection import writer

LONDON = ZoneInfo("Europe/London")


class FakeClock:
    """A clock that only moves when the scheduler sleeps."""

    def __init__(self, start: datetime):
        self.t = start

    def now(self) -> datetime:
        return self.t

    def sleep(self, seconds, stop) -> None:
        self.t += timedelta(seconds=seconds)


def _fires(cfg, start, end, at="02:30", last_success=None, runner=None, max_sleep_s=60.0):
    """Serve from `start` to `end`; return the London wall times at which the runner ran."""
    clock = FakeClock(start)
    fired: list[datetime] = []

    def record():
        fired.append(clock.now())
        if runner:
            return runner()
        return RunOutcome(0, 1.0)

    scheduler = NightlyScheduler(
        cfg,
        at=at,
        runner=record,
        clock=clock,
        last_success=last_success or (lambda: clock.now()),
    )
    scheduler.serve(until=end, max_sleep_s=max_sleep_s)
    return [f.astimezone(LONDON).strftime("%a %d %b %H:%M %Z") for f in fired], scheduler


def test_fires_at_0230_london_across_spring_forward(tmp_config):
    # Clocks go forward at 01:00 GMT on Sun 29 Mar 2026: 01:00-01:59 does not exist that
    # night, so 02:30 does (it is 02:30 BST = 01:30 UTC).
    fired, _ = _fires(
        tmp_config, datetime(2026, 3, 27, 12, tzinfo=UTC), datetime(2026, 3, 31, 12, tzinfo=UTC)
    )
    assert fired == [
        "Sat 28 Mar 02:30 GMT",
        "Sun 29 Mar 02:30 BST",
        "Mon 30 Mar 02:30 BST",
        "Tue 31 Mar 02:30 BST",
    ]


def test_fires_at_0230_london_across_fall_back(tmp_config):
    # Clocks go back at 02:00 BST on Sun 25 Oct 2026: 01:00-01:59 happens twice, 02:30 once.
    fired, _ = _fires(
        tmp_config, datetime(2026, 10, 23, 12, tzinfo=UTC), datetime(2026, 10, 27, 12, tzinfo=UTC)
    )
    assert fired == [
        "Sat 24 Oct 02:30 BST",
        "Sun 25 Oct 02:30 GMT",
        "Mon 26 Oct 02:30 GMT",
        "Tue 27 Oct 02:30 GMT",
    ]


def test_a_time_in_the_spring_gap_runs_an_hour_later_that_night_only(tmp_config):
    # 01:30 does not exist on 29 Mar 2026: schedule runs at 02:30 BST instead. schedule 1.2.2
    # then wrongly computes 00:30 BST for the next night; that early firing is skipped.
    fired, _ = _fires(
        tmp_config,
        datetime(2026, 3, 27, 12, tzinfo=UTC),
        datetime(2026, 3, 31, 12, tzinfo=UTC),
        at="01:30",
    )
    assert fired == [
        "Sat 28 Mar 01:30 GMT",
        "Sun 29 Mar 02:30 BST",
        "Mon 30 Mar 01:30 BST",
        "Tue 31 Mar 01:30 BST",
    ]


def test_a_time_in_the_repeated_autumn_hour_runs_once_at_its_first_occurrence(tmp_config):
    fired, _ = _fires(
        tmp_config,
        datetime(2026, 10, 23, 12, tzinfo=UTC),
        datetime(2026, 10, 27, 12, tzinfo=UTC),
        at="01:30",
    )
    assert fired == [
        "Sat 24 Oct 01:30 BST",
        "Sun 25 Oct 01:30 BST",
        "Mon 26 Oct 01:30 GMT",
        "Tue 27 Oct 01:30 GMT",
    ]


def test_catches_up_once_when_the_last_good_run_is_old(tmp_config):
    start = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)  # 10:00 BST
    fired, scheduler = _fires(
        tmp_config, start, start + timedelta(days=2), last_success=lambda: start - timedelta(days=3)
    )
    assert fired == ["Wed 10 Jun 10:00 BST", "Thu 11 Jun 02:30 BST", "Fri 12 Jun 02:30 BST"]
    assert [why for why, _, _ in scheduler.launches] == ["catch-up", "nightly", "nightly"]


@pytest.mark.parametrize(
    ("recorded", "expected"),
    [
        ([], [1]),  # never ran
        ([("success", 30)], [1]),  # last good run 30 hours ago
        ([("success", 30), ("failed", 2)], [1]),  # a failed run does not count
        ([("partial", 20)], []),  # a partial run does
        ([("success", 3)], []),
    ],
)
def test_catch_up_reads_the_runs_table(tmp_config, recorded, expected):
    cfg = tmp_config
    now = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)
    with writer(cfg) as con:
        for status, hours in recorded:
            con.execute(
                "INSERT INTO runs (started_at, status) VALUES (?, ?)",
                [now - timedelta(hours=hours), status],
            )
    clock = FakeClock(now)
    runs = []
    scheduler = NightlyScheduler(
        cfg, runner=lambda: runs.append(1) or RunOutcome(0, 1.0), clock=clock
    )
    scheduler.serve(until=now + timedelta(hours=1))
    assert runs == expected


def test_no_catch_up_after_a_recent_run_or_when_disabled(tmp_config):
    start = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)
    fired, _ = _fires(
        tmp_config,
        start,
        start + timedelta(hours=18),
        last_success=lambda: start - timedelta(hours=7),
    )
    assert fired == ["Thu 11 Jun 02:30 BST"]
    clock = FakeClock(start)
    runs = []
    scheduler = NightlyScheduler(
        tmp_config,
        runner=lambda: runs.append(1),
        clock=clock,
        last_success=lambda: None,
        catch_up=False,
    )
    scheduler.serve(until=start + timedelta(hours=1))
    assert runs == []


def test_a_raising_run_is_not_rerun_every_tick(tmp_config):
    start = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)

    def boom():
        raise RuntimeError("the crawler exploded")

    # Wake every 10 s for three days: a naive loop would re-run the job thousands of times.
    fired, scheduler = _fires(
        tmp_config, start, start + timedelta(days=3), runner=boom, max_sleep_s=10.0
    )
    assert fired == ["Thu 11 Jun 02:30 BST", "Fri 12 Jun 02:30 BST", "Sat 13 Jun 02:30 BST"]
    assert [outcome for _, _, outcome in scheduler.launches] == [None, None, None]
    assert scheduler.next_run == datetime(2026, 6, 14, 2, 30, tzinfo=LONDON)


def test_bad_schedule_settings_are_refused(tmp_path, tmp_config, make_config, capsys):
    with pytest.raises(ScheduleArgumentError, match="HH:MM"):
        NightlyScheduler(tmp_config, at="2:30")
    with pytest.raises(ScheduleArgumentError, match="not a known time zone"):
        NightlyScheduler(make_config(schedule={"timezone": "Europe/Londres"}))
    config = tmp_path / "c.yaml"
    config.write_text("force: {name: Test Force}\n", encoding="utf-8")
    for bad in ("25:00", "0230", "02:60", "noon"):
        assert main(["schedule", "--at", bad, "--config", str(config)]) == 1
        err = capsys.readouterr().err
        assert err.startswith("pcm schedule: --at must be HH:MM")
        assert err.count("\n") == 1


def _runs(cfg):
    with writer(cfg) as con:
        return con.execute("SELECT status, error FROM runs ORDER BY id").fetchall()


def test_child_past_its_time_limit_is_killed_and_recorded_failed(tmp_config):
    cfg = tmp_config
    # A child that ignores SIGTERM: it must still be gone after the grace period.
    child = [
        sys.executable,
        "-c",
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)",
    ]
    runner = ChildRunner(cfg, command=child, timeout_s=1.0, grace_s=1.0)
    started = time.monotonic()
    outcome = runner()
    assert outcome.timed_out
    assert outcome.returncode == -signal.SIGKILL
    assert time.monotonic() - started < 15
    assert _runs(cfg) == [("failed", "timed out after 1 s; stopped by the scheduler")]


def test_child_that_dies_before_recording_is_recorded_failed(tmp_config):
    cfg = tmp_config
    outcome = ChildRunner(cfg, command=[sys.executable, "-c", "raise SystemExit(4)"])()
    assert outcome.returncode == 4
    assert not outcome.ok
    assert _runs(cfg) == [("failed", "pcm run exited with status 4")]
    # A locked-out run (75) and a success record nothing more.
    for code in (75, 0):
        ChildRunner(cfg, command=[sys.executable, "-c", f"raise SystemExit({code})"])()
    assert len(_runs(cfg)) == 1


_SCHEDULER_SCRIPT = textwrap.dedent("""
    import logging, sys
    from core.config import Config, Force
    from pcm.scheduler import ChildRunner, NightlyScheduler, install_stop_signals
    logging.basicConfig(level=logging.INFO)
    db, child = sys.argv[1], sys.argv[2:]
    cfg = Config(force=Force(name="Test Force"), db_path=db)
    scheduler = NightlyScheduler(cfg, runner=ChildRunner(cfg, command=child, grace_s=10),
                                 last_success=lambda: None)
    install_stop_signals(scheduler)
    scheduler.serve()
    print("scheduler exited cleanly", flush=True)
""")

_CHILD_SCRIPT = textwrap.dedent("""
    import signal, sys, time
    from pathlib import Path
    marker = Path(sys.argv[1])
    def on_term(signum, frame):
        marker.write_text("terminated gracefully")
        sys.exit(1)
    signal.signal(signal.SIGTERM, on_term)
    marker.write_text("running")
    time.sleep(120)
""")


def test_sigterm_stops_the_scheduler_and_ends_its_running_child_gracefully(tmp_path, tmp_config):
    marker = tmp_path / "child.txt"
    child = tmp_path / "child.py"
    child.write_text(_CHILD_SCRIPT, encoding="utf-8")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _SCHEDULER_SCRIPT,
            tmp_config.db_path,
            sys.executable,
            str(child),
            str(marker),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert marker.read_text() == "running"
        os.kill(proc.pid, signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, out
    assert "scheduler exited cleanly" in out
    assert marker.read_text() == "terminated gracefully"
    assert _runs(tmp_config) == [("failed", "stopped: the scheduler was asked to stop (SIGTERM)")]
