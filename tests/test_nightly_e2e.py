"""`pcm run` end to end against the sample site: kill -9, overlap, partial, rerun, digest."""

from __future__ import annotations

import html
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

import pcm
from demo.site import config_for
from demo.site.server import serve_sample_site
from pcm.alerts import london_today
from pcm.nightly import run_nightly
from pcm.nightly_record import EXIT_PARTIAL
from warehouse.connection import writer

pytestmark = pytest.mark.slow

# A few sample sources keep the crawls short. The SIGKILL lands while the last one is crawled.
SOURCES = [
    "Office of the Wexmoor Police and Crime Commissioner",
    "HM Inspectorate of Constabulary",
    "Sedgebury Echo",
]
BROKEN = "Closed Port Courier"
TABLES = ("articles", "passages", "seen_urls", "scores", "scored_passages", "alerts", "models")


GATED_PREFIX = "/echo/"  # Sedgebury Echo's pages on the sample site
GATE_AFTER = 12  # its first requests are answered; the next one hangs until the kill


class _Gate:
    """Holds one Sedgebury Echo request open, so the kill lands mid-crawl, at a known point."""

    def __init__(self):
        self.armed = False
        self.seen = 0
        self.lock = threading.Lock()
        self.blocked = threading.Event()  # a request is being held
        self.release = threading.Event()

    def install(self, server):
        gate, base = self, server.RequestHandlerClass

        class Gated(base):
            def do_GET(self):
                if gate.hold(self.path):
                    return  # the client was killed meanwhile: answer nothing
                super().do_GET()

        server.RequestHandlerClass = Gated

    def hold(self, path: str) -> bool:
        with self.lock:
            if not (self.armed and path.startswith(GATED_PREFIX)):
                return False
            self.seen += 1
            if self.seen <= GATE_AFTER:
                return False
        self.blocked.set()
        self.release.wait(timeout=300)
        return True


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_config(cfg, path, out_dir, broken_port=None):
    data = cfg.model_dump(mode="json", exclude={"db_path", "config_path"})
    by_name = {s["name"]: s for s in data["sources"]}
    data["sources"] = [by_name[name] for name in SOURCES]
    if broken_port:
        data["sources"].append(
            {
                "name": BROKEN,
                "kind": "local_news",
                "feeds": [f"http://127.0.0.1:{broken_port}/feed.xml"],
            }
        )
    data["digest"]["out_dir"] = str(out_dir)
    data["crawl"]["timeout_s"] = 300  # a held request waits for the kill, not for a timeout
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def _pcm_run(config, db):
    return [sys.executable, "-m", "pcm.cli", "run", "--config", str(config), "--db", str(db)]


def _counts(cfg) -> dict[str, int]:
    with writer(cfg) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def _wait_for(path, text, proc, timeout_s=240.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text(encoding="utf-8", errors="replace"):
            return
        if proc.poll() is not None:
            raise AssertionError(f"pcm run ended ({proc.returncode}) before {text!r}")
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {text!r} in {path}")


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    """Kill a run mid-crawl, refuse an overlapping run, finish partial, rerun: one shared story."""
    from core.config import load_config

    tmp = tmp_path_factory.mktemp("nightly_e2e")
    db = tmp / "pcm.duckdb"
    out = {"tmp": tmp, "db": db}
    gate = _Gate()
    with serve_sample_site() as site:
        gate.install(site.server)
        config = tmp / "sample.yaml"
        _write_config(config_for(site, str(db)), config, tmp / "reports", _closed_port())
        cfg = load_config(config, db=str(db), environ={})

        # 0. A real `pcm run` stopped with SIGTERM while crawling records itself failed.
        log = tmp / "terminated.log"
        with log.open("w") as err:
            terminated = subprocess.Popen(
                _pcm_run(config, db), stdout=subprocess.DEVNULL, stderr=err
            )
        try:
            _wait_for(log, f"crawling {SOURCES[0]}", terminated)
            time.sleep(1.0)
            terminated.send_signal(signal.SIGTERM)
            terminated.wait(timeout=120)
        finally:
            if terminated.poll() is None:
                terminated.kill()
        out["terminated"] = (terminated.returncode, log.read_text(encoding="utf-8"))

        # 1. A real `pcm run`, killed with SIGKILL (with its crawler child) mid-crawl: the first
        #    two sources are stored, the third is half done (one of its requests is held).
        gate.armed = True
        log = tmp / "killed.log"
        with log.open("w") as err:
            killed = subprocess.Popen(
                _pcm_run(config, db), stdout=subprocess.DEVNULL, stderr=err, start_new_session=True
            )
        try:
            deadline = time.monotonic() + 300
            while not gate.blocked.wait(0.5):
                assert killed.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
            # 2. Meanwhile a second run is refused with 75, naming the first.
            second = subprocess.run(
                _pcm_run(config, db), capture_output=True, text=True, timeout=120
            )
            out["overlap"] = (second.returncode, second.stderr, killed.pid)
        finally:
            os.killpg(killed.pid, signal.SIGKILL)
            killed.wait(timeout=30)
            gate.armed = False
            gate.release.set()
        out["killed_rc"] = killed.returncode

        # 3. The next run: marks the killed one abandoned, crawls, scores; one source fails.
        done = subprocess.run(_pcm_run(config, db), capture_output=True, text=True, timeout=600)
        out["done"] = done
        out["after_done"] = _counts(cfg)

        # 4. The same night again, in-process, without the broken source: nothing changes.
        clean = tmp / "clean.yaml"
        _write_config(config_for(site, str(db)), clean, tmp / "reports")
        cfg_clean = load_config(clean, db=str(db), environ={})
        out["rerun"] = run_nightly(cfg_clean)
        out["after_rerun"] = _counts(cfg_clean)
    out["cfg"] = cfg_clean
    with writer(cfg_clean) as con:
        out["killed_crawls"] = [
            r[0]
            for r in con.execute(
                "SELECT source FROM crawl_stats WHERE run_id = 2 ORDER BY started_at"
            ).fetchall()
        ]
        out["runs"] = con.execute(
            "SELECT id, status, error, articles_new, passages_new, passages_scored, alerts_new, "
            "counts, model_version, code_version, finished_at FROM runs ORDER BY id"
        ).fetchall()
    return out


def test_sigterm_during_a_run_records_it_failed(night):
    code, stderr = night["terminated"]
    assert code == 1
    assert stderr.strip().splitlines()[-1] == (
        "pcm run: stopped by SIGTERM; the run is recorded as failed"
    )
    assert night["runs"][0][1:3] == ("failed", "stopped by SIGTERM")


def test_killed_run_is_marked_failed_by_the_next_run(night):
    assert night["killed_rc"] == -signal.SIGKILL
    killed = night["runs"][1]
    # It was killed mid-crawl: the first two sources were recorded, the last one not.
    assert night["killed_crawls"] == SOURCES[:2]
    assert killed[1] == "failed"
    assert killed[2].startswith("abandoned: the run stopped without finishing")
    assert killed[10] is not None
    assert json.loads(night["runs"][2][7])["abandoned_runs"] == [killed[0]]


def test_overlapping_run_exits_75_naming_the_holder(night):
    code, stderr, holder_pid = night["overlap"]
    assert code == 75
    last = stderr.strip().splitlines()[-1]
    assert last.startswith("pcm run: another run holds ")
    assert f"PID {holder_pid} (pcm run)" in last


def test_failing_source_makes_the_run_partial_not_failed(night):
    done = night["done"]
    assert done.returncode == EXIT_PARTIAL, done.stderr[-3000:]
    reason = done.stderr.strip().splitlines()[-1]
    assert reason == f"pcm run: partial: 1 source(s) failed: {BROKEN} (see crawl_stats)"
    row = night["runs"][2]
    assert row[1] == "partial"
    assert BROKEN in row[2]
    counts = json.loads(row[7])
    assert set(counts) >= {"crawl", "load", "score", "refresh", "retention", "alerts", "digest"}
    assert counts["crawl"]["failed_sources"] == [BROKEN]
    assert row[3] == counts["load"]["articles"] > 0
    assert row[4] == counts["load"]["passages"] > 0
    assert row[5] == counts["score"]["passages"] > 0
    assert row[8]
    assert row[9].startswith(pcm.__version__)
    assert "error" not in counts["score"]


def test_rerunning_the_night_changes_no_counts(night):
    assert night["rerun"].status == "success", night["rerun"].reason
    assert night["rerun"].exit_code == 0
    assert night["after_rerun"] == night["after_done"]
    row = night["runs"][3]
    assert row[1] == "success"
    assert row[2] is None
    assert (row[3], row[4], row[5], row[6]) == (0, 0, 0, 0)


def test_data_is_consistent_after_the_kill(night):
    with writer(night["cfg"]) as con:
        dup_urls = con.execute("SELECT url FROM articles GROUP BY url HAVING count(*) > 1")
        assert dup_urls.fetchall() == []
        # Every stored article has its seen row, and every seen "stored" row its article.
        assert (
            con.execute(
                "SELECT count(*) FROM articles a LEFT JOIN seen_urls s "
                "ON s.url = a.url WHERE s.url IS NULL"
            ).fetchone()[0]
            == 0
        )
        assert (
            con.execute(
                "SELECT count(*) FROM seen_urls s LEFT JOIN articles a "
                "ON a.id = s.article_id WHERE s.outcome = 'stored' AND a.id IS NULL"
            ).fetchone()[0]
            == 0
        )
        # Every passage with text is scored exactly once under the model version.
        version = night["runs"][2][8]
        per_passage = con.execute(
            "SELECT p.id, count(sp.passage_id) FROM passages p LEFT JOIN scored_passages sp "
            "ON sp.passage_id = p.id AND sp.model_version = ? WHERE p.text IS NOT NULL "
            "GROUP BY p.id",
            [version],
        ).fetchall()
        assert per_passage
        assert {n for _, n in per_passage} == {1}
        assert (
            con.execute(
                "SELECT count(*) FROM (SELECT passage_id, topic, model_version "
                "FROM scores GROUP BY ALL HAVING count(*) > 1)"
            ).fetchone()[0]
            == 0
        )
        assert con.execute("SELECT count(*) FROM runs WHERE status = 'running'").fetchone()[0] == 0


def test_digest_lists_the_overnight_stories_with_links(night):
    files = night["rerun"].digest_files
    page = Path(files[0]).read_text(encoding="utf-8")
    md = Path(files[1]).read_text(encoding="utf-8")
    stem = f"digest-{london_today(datetime.now(UTC)).isoformat()}"
    assert [Path(f).name for f in files] == [f"{stem}.html", f"{stem}.md"]
    since = datetime.now(UTC) - timedelta(hours=24)
    with writer(night["cfg"]) as con:
        rows = con.execute(
            "SELECT title, url, source FROM articles WHERE duplicate_of IS NULL "
            "AND fetched_at >= ? AND coalesce(published_at, fetched_at) >= ?",
            [since, since - timedelta(days=2)],
        ).fetchall()
    assert rows
    for title, url, source in rows:
        assert f'<a href="{html.escape(url)}">{html.escape(title)}</a>' in page
        assert f"]({url})" in md
        assert html.escape(source) in page
