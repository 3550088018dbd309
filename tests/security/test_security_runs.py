"""A run that cannot start or record itself still leaves a trace the dashboard shows.

Issue 14, item 6: a long analyst query made `pcm run` exit 1 after 60 s with no `runs` row, so
the dashboard never warned about that night. Runs now write a journal beside the warehouse
(`<db>.runs.jsonl`) that the next run folds into `runs`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from warehouse_setup import pcm, write_config

from dashboard import queries
from pcm import runjournal
from pcm.nightly import STAGES, NightlyRun
from warehouse.published import snapshot_path

ROOT = Path(__file__).resolve().parents[2]
HOLD = textwrap.dedent("""
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1])
    print("holding", flush=True)
    time.sleep(120)
""")


@pytest.fixture
def quick_stages(monkeypatch):
    """Every stage a no-op: these tests are about starting and recording a run."""
    for stage in STAGES:
        monkeypatch.setattr(NightlyRun, f"_do_{stage}", lambda self: None)


@pytest.fixture
def site(tmp_path):
    config = write_config(tmp_path, "warehouse:\n  lock_timeout_s: 0.5\n")
    db = tmp_path / "w.duckdb"
    return config, db, ["--config", str(config), "--db", str(db)]


def _hold(db: Path) -> subprocess.Popen:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout.readline().strip() == "holding"
    return child


def _runs(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT id, status, error FROM runs ORDER BY id").fetchall()
    finally:
        con.close()


def test_a_run_locked_out_leaves_a_journal_line_then_a_runs_row(site, capsys, quick_stages):
    _, db, args = site
    assert pcm(capsys, "init", *args)[0] == 0
    holder = _hold(db)
    try:
        code, out, err = pcm(capsys, "run", *args)
    finally:
        holder.kill()
        holder.wait()
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("pcm run: ")
    assert "is locked by PID" in err
    entries = runjournal.read(db)
    assert [e.event for e in entries] == [runjournal.FAILED]
    assert entries[0].error.startswith("the run could not start: ")
    # The dashboard warns from the journal before any run has written a row.
    fresh = {"last_status": "success", "last_run_at": pd.Timestamp("2020-01-01", tz="UTC")}
    shown = queries.with_journal(fresh, str(db), 3600)
    assert shown["last_status"] == "failed"
    assert "could not start" in shown["last_error"]
    # The next run that can write folds it into `runs` and empties the journal.
    code, out, _ = pcm(capsys, "run", *args)
    assert code == 0
    assert out.startswith("run 2 success")
    rows = _runs(db)
    assert [r[:2] for r in rows] == [(1, "failed"), (2, "success")]
    assert rows[0][2].startswith("the run could not start: ")
    assert "is locked by" in rows[0][2]
    assert not runjournal.journal_path(db).exists()
    assert snapshot_path(db).is_file()  # the run published what analysts read


def test_a_run_killed_before_its_row_is_recorded_by_the_next(site, capsys, quick_stages):
    config, db, args = site
    config.write_text(config.read_text().replace("0.5", "60"), encoding="utf-8")
    assert pcm(capsys, "init", *args)[0] == 0
    holder = _hold(db)
    child = subprocess.Popen([sys.executable, "-m", "pcm.cli", "run", *args], cwd=ROOT)
    try:
        deadline = time.monotonic() + 30
        while not runjournal.journal_path(db).exists():  # waiting for the lock, journal written
            assert time.monotonic() < deadline
            assert child.poll() is None
            time.sleep(0.1)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    finally:
        holder.kill()
        holder.wait()
    assert [e.event for e in runjournal.read(db)] == [runjournal.STARTED]
    later = datetime.now(UTC) + timedelta(hours=5)
    assert runjournal.unrecorded_failure(db, later, 4 * 3600) is not None  # shown once stale
    assert pcm(capsys, "run", *args)[0] == 0
    rows = _runs(db)
    assert [r[:2] for r in rows] == [(1, "failed"), (2, "success")]
    assert rows[0][2] == runjournal.NEVER_RECORDED


def test_an_outcome_that_cannot_be_written_is_kept_for_the_next_run(
    site, capsys, quick_stages, monkeypatch
):
    _, db, args = site
    holders = []
    # Another process takes the warehouse during the last stage and keeps it.
    monkeypatch.setattr(NightlyRun, "_do_digest", lambda self: holders.append(_hold(db)))
    try:
        code, _, err = pcm(capsys, "run", *args)
    finally:
        for holder in holders:
            holder.kill()
            holder.wait()
    assert code == 1
    assert err.count("\n") == 1
    assert err.startswith("pcm run: run 1 could not be recorded: ")
    assert "is locked by" in err
    assert _runs(db) == [(1, "running", None)]
    (entry,) = runjournal.read(db)
    assert entry.event == runjournal.UNRECORDED
    assert entry.run_id == 1
    monkeypatch.setattr(NightlyRun, "_do_digest", lambda self: None)
    assert pcm(capsys, "run", *args)[0] == 0
    rows = _runs(db)
    assert [r[:2] for r in rows] == [(1, "failed"), (2, "success")]
    assert "could not be recorded" in rows[0][2]
    assert "its stages ended success" in rows[0][2]


def test_a_snapshot_that_cannot_be_published_makes_the_run_partial(
    site, capsys, quick_stages, monkeypatch
):
    _, db, args = site

    def full_disk(con, path):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("warehouse.connection.publish_snapshot", full_disk)
    code, _, err = pcm(capsys, "run", *args)
    assert code == 3
    assert err.count("\n") == 1
    assert err.startswith("pcm run: partial: could not publish the snapshot of ")
    assert "No space left on device" in err
    ((run_id, status, error),) = _runs(db)
    assert (run_id, status) == (1, "partial")
    assert "previous snapshot" in error


def test_a_torn_journal_line_is_skipped(tmp_path):
    db = tmp_path / "w.duckdb"
    runjournal.append(db, {"token": "a", "event": "failed", "started_at": datetime.now(UTC)})
    with runjournal.journal_path(db).open("a", encoding="utf-8") as handle:
        handle.write('{"token": "b", "event": "fai')  # killed mid-write
    assert [e.token for e in runjournal.read(db)] == ["a"]
    assert json.loads(runjournal.journal_path(db).read_text().splitlines()[0])["token"] == "a"
