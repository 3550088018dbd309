"""The run lock: one `pcm run` at a time, refused with exit status 75 naming the holder."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from core.errors import RunLockedError
from pcm.runlock import RunLock, lock_path, read_holder


def test_lock_file_sits_next_to_the_db_and_names_its_holder(tmp_path):
    db = tmp_path / "data" / "pcm.duckdb"
    with RunLock(db) as lock:
        assert lock.path == tmp_path / "data" / "pcm.duckdb.run.lock" == lock_path(db)
        holder = read_holder(lock.path)
        assert holder["pid"] == os.getpid()
        assert holder["command"] == "pcm run"
        assert holder["started_at"].endswith("+00:00")
    assert not lock.held
    with RunLock(db):  # released: it can be taken again
        pass


def test_second_holder_in_another_process_is_refused(tmp_path):
    db = tmp_path / "pcm.duckdb"
    code = (
        "import sys\nfrom pcm.runlock import RunLock\nfrom core.errors import RunLockedError\n"
        "try:\n    RunLock(sys.argv[1]).acquire()\n"
        "except RunLockedError as e:\n    print(e); sys.exit(e.exit_code)\n"
    )
    with RunLock(db):
        out = subprocess.run(
            [sys.executable, "-c", code, str(db)], capture_output=True, text=True, timeout=60
        )
    assert out.returncode == 75
    assert f"PID {os.getpid()} (pcm run)" in out.stdout
    # Once released, the other process gets it.
    out = subprocess.run(
        [sys.executable, "-c", code, str(db)], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0


# `pcm run` itself refusing with 75 during a real run: tests/test_nightly_e2e.py.


def test_unreadable_holder_text_still_gives_a_clear_message(tmp_path):
    db = tmp_path / "pcm.duckdb"
    with RunLock(db) as lock:
        lock.path.write_text("not json", encoding="utf-8")
        with pytest.raises(RunLockedError, match="lock file names no holder"):
            RunLock(db).acquire()
    lock.path.write_text(json.dumps({"pid": 1}), encoding="utf-8")
    with RunLock(db):  # a stale file never blocks: only the kernel lock counts
        pass
