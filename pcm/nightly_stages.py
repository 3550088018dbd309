"""Each nightly stage's call: what it runs and what it counts into the run's `RunResult`.

A stage raises on failure (the runner, pcm/nightly.py, records it and goes on with the next);
what only makes the run partial (failing sources, a spent budget, an unsent e-mail) it adds to
`result.warnings`.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from pathlib import Path

from core.config import Config
from pcm.alerts import raise_alerts
from pcm.digest import write_digest
from pcm.digest_data import collect_digest
from pcm.digest_send import DigestSendError, send_digest
from pcm.nightly_record import Clock, RunResult, table_counts
from warehouse.connection import writer
from warehouse.materialized import refresh as refresh_materialized
from warehouse.migrate import create_views
from warehouse.retention import purge_text
from warehouse.rewrite import rewrite

logger = logging.getLogger(__name__)


def crawl(cfg: Config, result: RunResult, since: datetime | None) -> None:
    """Crawl every source (each crawl a child process that stores what it finds)."""
    # Imported here: pcm.crawling brings in Scrapy and Twisted (seconds), and every `pcm`
    # command imports this module through the CLI's `pcm run`.
    from pcm.crawling import crawl_all

    summary = crawl_all(cfg, since=since, run_id=result.run_id)
    result.counts["crawl"] = summary.as_dict()
    if summary.failed_sources:
        names = ", ".join(summary.failed_sources)
        result.warnings.append(
            f"{len(summary.failed_sources)} source(s) failed: {names} (see crawl_stats)"
        )


def load(cfg: Config, result: RunResult, before: tuple[int, int]) -> None:
    """Count what the crawl stored: the crawler child stores each article with its passages.

    Args:
        cfg: the config.
        result: the run's result; gets counts["load"].
        before: (articles, passages) when the run started.
    """
    with writer(cfg) as con:
        articles, passages = table_counts(con)
    result.counts["load"] = {"articles": articles - before[0], "passages": passages - before[1]}


def score(cfg: Config, result: RunResult, slice_size: int) -> None:
    """Score pending passages in slices until none are left or schedule.score_budget_s is spent.

    Args:
        cfg: the config.
        result: the run's result; gets counts["score"], the model version, and a warning when
            the budget ran out with passages left.
        slice_size: passages scored per call; the budget is checked between slices.
    """
    # Imported here: scoring loads torch and the model, which the other `pcm` commands that
    # import this module (through the CLI's `pcm run`) never need.
    from pcm.scoring import score_pending
    from sentiment.confidence_model import load_model

    budget = cfg.schedule.score_budget_s
    deadline = time.monotonic() + budget
    scored, spent = 0, False
    while True:
        done = score_pending(cfg, rescore=False, progress=False, limit=slice_size)
        scored += done
        if done < slice_size:
            break
        if time.monotonic() >= deadline:
            spent = True
            break
    result.model_version = load_model(cfg.model).version
    result.counts["score"] = {
        "passages": int(scored),
        "model_version": result.model_version,
        "budget_spent": spent,
    }
    if spent:
        why = (
            f"scoring stopped after schedule.score_budget_s ({budget:g} s) with passages "
            "left; the next run scores them"
        )
        logger.warning("%s", why)
        result.warnings.append(why)


def refresh(cfg: Config, result: RunResult) -> None:
    """Re-create the analyst views and rebuild the dashboard's copy of `passage_scores`."""
    with writer(cfg) as con:
        views = create_views(con)
        refresh_materialized(con)  # the dashboard's copy of passage_scores, from the views
        rows = con.execute("SELECT count(*) FROM topic_daily").fetchone()[0]
    result.counts["refresh"] = {"views_recreated": len(views), "topic_daily_rows": int(rows)}


def retention(cfg: Config, result: RunResult, clock: Clock) -> None:
    """Purge passage text older than retention.text_days, and rewrite the file if any was."""
    with writer(cfg) as con:
        purged = purge_text(con, clock(), cfg.retention.text_days)
    result.counts["retention"] = {"passages_purged": int(purged), "days": cfg.retention.text_days}
    if purged:  # nulled text keeps its bytes in the file until the file is rewritten
        sizes = rewrite(cfg)
        result.counts["retention"]["rewritten_bytes"] = [sizes.before, sizes.after]


def alerts(cfg: Config, result: RunResult, clock: Clock, days: int) -> None:
    """Raise the alerts of the last `days` days."""
    with writer(cfg) as con:
        ids = raise_alerts(con, cfg, clock(), result.run_id, days)
    result.counts["alerts"] = {"new": len(ids), "days": days}


def digest(cfg: Config, result: RunResult, clock: Clock) -> None:
    """Write the morning digest's files and e-mail it when digest.smtp is set: one digest per
    configured force (with several, each in its own folder `<digest.out_dir>/<force id>/`).

    An e-mail that cannot be sent makes the run partial; the files are written regardless.
    """
    many = len(cfg.forces) > 1
    result.digest_files = []
    per_force: dict[str, dict] = {}
    for force in cfg.forces:
        with writer(cfg) as con:
            found = collect_digest(con, cfg, clock(), result.run_id, result.reason, force.id)
        out_dir = Path(cfg.digest.out_dir) / force.id if many else cfg.digest.out_dir
        files = [str(p) for p in write_digest(found, out_dir)]
        result.digest_files += files
        counts = {
            "files": files,
            "stories": found.new_articles,
            "alerts": len(found.alerts),
            "emailed": False,
        }
        per_force[force.id] = counts
        if cfg.digest.smtp is not None:
            try:
                send_digest(found, cfg.digest.smtp)
                counts["emailed"] = True
            except DigestSendError as exc:
                logger.error("%s", exc)
                result.warnings.append(str(exc))
    if not many:
        result.counts["digest"] = per_force[cfg.force.id]
        return
    result.counts["digest"] = {
        "files": result.digest_files,
        "stories": sum(c["stories"] for c in per_force.values()),
        "alerts": sum(c["alerts"] for c in per_force.values()),
        "emailed": all(c["emailed"] for c in per_force.values()),
        "forces": per_force,
    }
