"""Argument checks of `pcm alerts`, `pcm demo` and `pcm run` that need no crawl or model."""

from __future__ import annotations

import json

import pytest

from core.config import Config, Force
from pcm.cli import main
from pcm.nightly_record import close_abandoned, code_version, record_failed_run
from warehouse.connection import writer


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("force: {name: Test Force}\n", encoding="utf-8")
    return str(path)


def test_alerts_command_on_an_empty_warehouse(tmp_path, config, capsys):
    db = str(tmp_path / "w.duckdb")
    assert main(["init", "--config", config, "--db", db]) == 0  # alerts never creates one
    capsys.readouterr()
    assert main(["alerts", "--config", config, "--db", db, "--days", "30"]) == 0
    assert capsys.readouterr().out == "0 new alerts\n"


def test_alerts_command_refuses_negative_days(tmp_path, config, capsys):
    db = str(tmp_path / "w.duckdb")
    assert main(["alerts", "--config", config, "--db", db, "--days", "-1"]) == 1
    assert capsys.readouterr().err == "pcm alerts: --days must be 0 or more, got -1\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "0"], "--port must be between 1 and 65535, got 0"),
        (["--site-port", "70000"], "--site-port must be between 1 and 65535, got 70000"),
        (
            ["--port", "8600", "--site-port", "8600"],
            "--port and --site-port must differ (both 8600)",
        ),
    ],
)
def test_demo_refuses_bad_ports(tmp_path, capsys, args, message):
    db = str(tmp_path / "demo.duckdb")
    assert main(["demo", "--no-dashboard", "--db", db, *args]) == 1
    assert capsys.readouterr().err == f"pcm demo: {message}\n"


def test_run_with_a_missing_config_fails_in_one_line(tmp_path, capsys):
    missing = str(tmp_path / "nope.yaml")
    assert main(["run", "--config", missing, "--db", str(tmp_path / "w.duckdb")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("pcm run: ")
    assert "config file not found" in err
    assert err.count("\n") == 1


def test_abandoned_and_failed_runs_are_recorded(tmp_path):
    from datetime import UTC, datetime

    cfg = Config(force=Force(name="Test Force"), db_path=str(tmp_path / "w.duckdb"))
    start = datetime(2026, 11, 28, 2, 30, tzinfo=UTC)
    with writer(cfg) as con:
        con.execute("INSERT INTO runs (started_at, status) VALUES (?, 'running')", [start])
    assert close_abandoned(cfg) == [1]
    assert close_abandoned(cfg) == []
    # A run that recorded itself is left alone; one that wrote nothing gets a failed row.
    assert record_failed_run(cfg, start, "pcm run exited with status 9") == 1
    later = datetime(2026, 11, 29, 2, 30, tzinfo=UTC)
    assert record_failed_run(cfg, later, "pcm run exited with status 9") == 2
    with writer(cfg) as con:
        rows = con.execute("SELECT id, status, error, code_version FROM runs ORDER BY id")
        rows = rows.fetchall()
    assert [r[:2] for r in rows] == [(1, "failed"), (2, "failed")]
    assert rows[0][2].startswith("abandoned: ")
    assert rows[1][2] == "pcm run exited with status 9"
    assert rows[1][3] == code_version()
    assert rows[1][3].startswith("0.")


def test_a_failing_stage_fails_the_run_but_the_other_stages_still_run(tmp_path, capsys):
    config = tmp_path / "c.yaml"
    config.write_text(
        "force: {name: Test Force}\n"
        f"model: {{path: {tmp_path / 'no-model'}}}\n"
        f"digest: {{out_dir: {tmp_path / 'reports'}}}\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "w.duckdb")
    assert main(["run", "--config", str(config), "--db", db]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith("run 1 failed in ")
    reason = captured.err.strip().splitlines()[-1]
    assert reason.startswith("pcm run: failed: score failed: ")
    cfg = Config(force=Force(name="Test Force"), db_path=db)
    with writer(cfg) as con:
        status, error, counts = con.execute("SELECT status, error, counts FROM runs").fetchone()
    assert status == "failed"
    assert error.startswith("score failed: ")
    counts = json.loads(counts)
    assert counts["crawl"]["sources"] == 0
    assert "error" in counts["score"]
    for later in ("refresh", "retention", "alerts", "digest"):
        assert "error" not in counts[later], later
    assert len(list((tmp_path / "reports").glob("digest-*.html"))) == 1
