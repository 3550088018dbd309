"""`pcm demo`: the sample site, a year's backfill as one nightly run, then the dashboard."""

from __future__ import annotations

import logging
import os
import subprocess
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.errors import PcmError

logger = logging.getLogger(__name__)

DEMO_DB = "data/demo.duckdb"
BACKFILL_DAYS = 366  # the sample site's stories span the year before today
DEFAULT_PORT = 8501
# The sample site always listens on one port: the warehouse keys articles by URL, so a second
# demo against another port would store every story again under new URLs.
SITE_PORT = 8599


class DemoError(PcmError):
    """The demo could not finish."""


@dataclass
class DemoResult:
    """What the demo built."""

    db_path: str
    config_path: str
    run_status: str
    articles: int
    passages_scored: int
    alerts: int
    digest_files: list[str]
    reused: bool = False


def _step(number: int, total: int, text: str) -> None:
    # The demo's progress is the command's own output, so it is printed, not logged.
    print(f"[{number}/{total}] {text}", flush=True)


def _remove_warehouse(db_path: str) -> None:
    db = Path(db_path)
    # The published snapshot and the runs journal belong to the warehouse: they go with it.
    leftovers = (".wal", ".snapshot", ".runs.jsonl")
    for path in (db, *(db.with_name(db.name + suffix) for suffix in leftovers)):
        if path.exists():
            path.unlink()
            logger.info("removed %s", path)


def _built_today(db_path: str) -> bool:
    from pcm.alerts import london_today
    from pcm.nightly_record import last_completed_run

    if not Path(db_path).exists():
        return False
    last = last_completed_run(db_path)
    now = datetime.now(UTC)
    return last is not None and london_today(last) == london_today(now)


def _totals(db_path: str) -> tuple[int, int, int]:
    from warehouse.connection import reader

    with reader(db_path) as con:
        return con.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM scored_passages), "
            "(SELECT count(*) FROM alerts)"
        ).fetchone()


def build_demo(
    db_path: str = DEMO_DB,
    site_port: int = SITE_PORT,
    rebuild: bool = False,
    out_dir: str | None = None,
    total_steps: int = 4,
) -> DemoResult:
    """Serve the sample site on loopback and backfill its year through one nightly run.

    The run crawls with `since` a year back, scores every passage, raises alerts over the
    whole year (so the dashboard has history) and writes the digest. A warehouse that already
    had a good run today is reused as it is, unless `rebuild`.

    Args:
        db_path: the demo warehouse (created when missing).
        site_port: the loopback port of the sample site.
        rebuild: delete the demo warehouse first.
        out_dir: where the digest goes (default: the sample config's digest.out_dir).
        total_steps: the step count shown in the progress lines.

    Returns:
        A `DemoResult`.

    Raises:
        DemoError: the port is taken or the nightly run failed.
    """
    from demo.site import SAMPLE_CONFIG, config_for
    from demo.site.server import serve_sample_site
    from pcm.nightly import run_nightly

    if rebuild:
        _remove_warehouse(db_path)
    elif _built_today(db_path):
        _step(
            1,
            total_steps,
            f"{db_path} already has today's run; reusing it (pass --rebuild to start again)",
        )
        articles, scored, alerts = _totals(db_path)
        return DemoResult(
            db_path, str(SAMPLE_CONFIG), "reused", articles, scored, alerts, [], reused=True
        )
    with ExitStack() as stack:
        try:
            base_url = stack.enter_context(serve_sample_site(port=site_port))
        except OSError as exc:
            raise DemoError(
                f"cannot serve the sample site on 127.0.0.1:{site_port} ({exc}); "
                "free the port or pass --site-port"
            ) from None
        _step(1, total_steps, f"sample site serving on {base_url}")
        cfg = config_for(base_url, db_path)
        if out_dir is not None:
            cfg = cfg.model_copy(
                update={"digest": cfg.digest.model_copy(update={"out_dir": out_dir})}
            )
        since = datetime.now(UTC) - timedelta(days=BACKFILL_DAYS)
        _step(
            2,
            total_steps,
            f"backfilling the sample year into {db_path} as one nightly run "
            f"(crawl since {since:%Y-%m-%d}, score, refresh, alerts, digest)",
        )
        result = run_nightly(cfg, since=since, alert_days=BACKFILL_DAYS)
    print(result.summary(), flush=True)
    if result.status == "failed":
        raise DemoError(f"the nightly run failed: {result.reason}")
    articles, scored, alerts = _totals(db_path)
    return DemoResult(
        db_path,
        cfg.config_path or str(SAMPLE_CONFIG),
        result.status,
        articles,
        scored,
        alerts,
        result.digest_files,
    )


def serve_dashboard(
    config_path: str, db_path: str, port: int = DEFAULT_PORT, site_port: int | None = None
) -> int:
    """Run the Streamlit dashboard (as `pcm dashboard` does) in the foreground until Ctrl-C.

    Args:
        config_path: passed to the app as PCM_CONFIG.
        db_path: passed as PCM_DB.
        port: the HTTP port.
        site_port: also serve the sample site on this loopback port meanwhile, so that the
            stories' "Open the original" links open (None: do not serve it).

    Returns:
        Streamlit's exit status (0 after Ctrl-C).

    Raises:
        DemoError: app.py is missing.
    """
    from pcm.commands.dashboard import APP, command

    if not APP.exists():
        raise DemoError(f"{APP} is missing; the dashboard is not installed in this checkout")
    env = {
        **os.environ,
        "PCM_CONFIG": str(Path(config_path).resolve()),
        "PCM_DB": str(Path(db_path).resolve()),
    }
    with ExitStack() as stack:
        if site_port is not None:
            serve_site_beside(stack, site_port)
        proc = subprocess.Popen(command(port), env=env)
        return _wait_dashboard(proc)


def serve_site_beside(stack: ExitStack, site_port: int) -> None:
    """Serve the sample site for as long as `stack` is open; a taken port only warns."""
    from demo.site.server import serve_sample_site

    try:
        stack.enter_context(serve_sample_site(port=site_port))
    except OSError as exc:
        logger.warning(
            "cannot serve the sample site on 127.0.0.1:%s (%s): the stories' 'Open the "
            "original' links will not open; free the port or pass --site-port",
            site_port,
            exc,
        )


def _wait_dashboard(proc: subprocess.Popen) -> int:
    """Wait for Streamlit; Ctrl-C or SIGTERM stops it and counts as a clean exit."""
    from pcm.nightly import RunInterrupted, sigterm_interrupts

    try:
        with sigterm_interrupts():
            return proc.wait()
    except (KeyboardInterrupt, RunInterrupted):
        return 0
    finally:
        if proc.poll() is None:  # Ctrl-C or SIGTERM here: stop Streamlit too
            proc.terminate()
            proc.wait(timeout=30)
