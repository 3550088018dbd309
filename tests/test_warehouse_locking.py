"""Single-writer discipline across processes: lock retries, clear failures, crash safety."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from core.errors import WarehouseLockedError
from warehouse.articles import record_seen, seen_urls
from warehouse.connection import lock_holder, reader, writer

ROOT = Path(__file__).resolve().parents[1]

HOLD = textwrap.dedent("""
    import sys, time, duckdb
    path, read_only, hold_s = sys.argv[1], sys.argv[2] == "ro", float(sys.argv[3])
    con = duckdb.connect(path, read_only=read_only)
    print("holding", flush=True)
    time.sleep(hold_s)
    con.close()
    print("released", flush=True)
    time.sleep(30)  # stays alive: the lock goes with the connection, not the process
""")

WRITE_LOOP = textwrap.dedent("""
    import sys
    from datetime import UTC, datetime
    from core.config import Config, Force
    from warehouse.connection import writer
    from warehouse.articles import ArticleRecord, PassageRecord, store_articles

    cfg = Config(force=Force(name="Test Constabulary"), db_path=sys.argv[1])
    now = datetime(2025, 1, 1, tzinfo=UTC)
    with writer(cfg) as con:
        for b in range(100000):
            batch = [(ArticleRecord(f"https://x.example/{b}/{i}", "X", "local_news", f"{b}", None,
                                    now, now),
                      [PassageRecord(j, j, "words " * 40, "media") for j in range(10)])
                     for i in range(20)]
            store_articles(con, batch)
            print(b, flush=True)
""")


@pytest.fixture
def waiting_cfg(make_config, tmp_path):
    """`waiting_cfg(seconds)`: the test warehouse's config, its writer waiting that long."""
    return lambda seconds: make_config(tmp_path / "w.duckdb", warehouse={"lock_timeout_s": seconds})


def start_holder(db_path: str, mode: str, hold_s: float) -> subprocess.Popen:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD, db_path, mode, str(hold_s)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert child.stdout.readline().strip() == "holding"
    return child


@pytest.fixture
def warehouse(waiting_cfg) -> str:
    cfg = waiting_cfg(0)
    with writer(cfg):
        pass
    return cfg.db_path


def stop(child: subprocess.Popen) -> None:
    child.kill()
    child.wait(10)


def test_writer_waits_for_a_reader_to_let_go(warehouse, waiting_cfg):
    child = start_holder(warehouse, "ro", 1.5)
    try:
        started = time.monotonic()
        with writer(waiting_cfg(30)) as con:
            waited = time.monotonic() - started
            record_seen(con, "https://a.example/x", "A", "empty")
        assert child.stdout.readline().strip() == "released"
        assert waited > 0.5
    finally:
        stop(child)
    with reader(warehouse) as con:
        assert seen_urls(con) == {"https://a.example/x"}


def test_writer_gives_up_naming_the_process_that_holds_the_lock(warehouse, waiting_cfg):
    child = start_holder(warehouse, "ro", 60)
    try:
        started = time.monotonic()
        with pytest.raises(WarehouseLockedError) as caught, writer(waiting_cfg(1)):
            pass
        waited = time.monotonic() - started
    finally:
        stop(child)
    message = str(caught.value)
    assert f"PID {child.pid}" in message
    assert "python" in message
    assert "-c" in message
    assert f"kill {child.pid}" in message
    assert "warehouse.lock_timeout_s" in message
    assert "\n" not in message
    assert 0.8 < waited < 10


def test_reader_gives_up_quickly_while_a_writer_holds_the_file(warehouse):
    child = start_holder(warehouse, "rw", 60)
    try:
        expected = f"PID {child.pid}.*a writer is updating"
        with pytest.raises(WarehouseLockedError, match=expected), reader(warehouse, retry_s=0.3):
            pass
    finally:
        stop(child)


def test_lock_holder_without_proc_entry_uses_duckdbs_text():
    text = (
        'Could not set lock on file "/x.duckdb": Conflicting lock is held in /usr/bin/python3 '
        "(PID 99999999)."
    )
    assert lock_holder(text) == (99999999, "PID 99999999 (/usr/bin/python3)")
    assert lock_holder("no pid here") == (None, "another process")


def test_kill_9_mid_batch_leaves_only_whole_batches(tmp_path):
    db_path = str(tmp_path / "w.duckdb")
    child = subprocess.Popen(
        [sys.executable, "-c", WRITE_LOOP, db_path],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        reported = [child.stdout.readline().strip() for _ in range(4)]
        assert reported == ["0", "1", "2", "3"], child.stderr.read()
        os.kill(child.pid, signal.SIGKILL)  # batch 4 is on its way
        child.wait(10)
    finally:
        if child.poll() is None:
            stop(child)
    assert child.returncode == -signal.SIGKILL
    with reader(db_path) as con:
        per_batch = con.execute(
            "SELECT a.title, count(DISTINCT a.id), count(p.id) FROM articles AS a "
            "JOIN passages AS p ON p.article_id = a.id GROUP BY a.title ORDER BY a.title::INT"
        ).fetchall()
        seen = con.execute("SELECT count(*) FROM seen_urls").fetchone()[0]
    batches = [int(title) for title, _, _ in per_batch]
    assert batches == list(range(len(batches)))
    assert len(batches) >= 4
    assert all((articles, passages) == (20, 200) for _, articles, passages in per_batch)
    assert seen == 20 * len(batches)
