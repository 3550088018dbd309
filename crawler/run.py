"""Crawl every enabled source, each in a child process, and record per-source stats."""

from __future__ import annotations

import hashlib
import json
import logging
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path

from crawler.dates import LOCAL_TZ
from crawler.failures import CONTENT_REASONS, NOTICE_REASONS
from crawler.ledger import CrawlLedger
from pcm.config import Config, Source
from pcm.errors import ConfigError
from warehouse.connection import reader, writer
from warehouse.load import CrawlStats, record_crawl_error, record_crawl_stats, seen_urls

logger = logging.getLogger(__name__)

CHILD_GRACE_S = 120  # beyond the source's time budget before the child is killed


@dataclass
class CrawlSummary:
    """What `crawl_all` did: one `CrawlStats` per source crawled."""

    sources: list[CrawlStats] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no source failed (partial sources still count as ok)."""
        return not self.failed_sources

    @property
    def failed_sources(self) -> list[str]:
        """Names of the sources whose crawl failed."""
        return [s.source for s in self.sources if s.status == "failed"]

    @property
    def new_articles(self) -> int:
        """New (non-duplicate) articles stored, all sources together."""
        return sum(s.new_articles for s in self.sources)

    def as_dict(self) -> dict:
        """Plain counts, for the run log."""
        return {
            "sources": len(self.sources),
            "failed_sources": self.failed_sources,
            "new_articles": self.new_articles,
            "pages_fetched": sum(s.pages_fetched for s in self.sources),
            "errors": sum(s.errors for s in self.sources),
        }


def parse_since(value: str | date | datetime | None) -> datetime | None:
    """A --since value as an aware datetime (a bare date is local midnight)."""
    if value is None or isinstance(value, datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=LOCAL_TZ)
    if isinstance(value, date):
        return datetime.combine(value, time(0), tzinfo=LOCAL_TZ)
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(f"--since {value!r}: expected a date like 2025-01-31") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=LOCAL_TZ)


def judge(ledger: CrawlLedger | None, returncode: int | None, message: str | None) -> str:
    """A source's status from its tally, not from the child's exit code.

    failed: the child died or no page at all could be fetched; partial: some fetches failed,
    some URLs were refused by the URL policy, or the time budget cut the crawl short; ok
    otherwise (content problems and refused rel=canonical claims alone leave a source ok).
    """
    if ledger is None:
        return "failed"
    not_fetch = CONTENT_REASONS | NOTICE_REASONS
    fetch_errors = sum(n for r, n in ledger.errors_by_reason.items() if r not in not_fetch)
    if ledger.pages_fetched == 0 and (fetch_errors or ledger.error_count):
        return "failed"
    if returncode not in (0, None) or message:
        return "partial"
    if fetch_errors or ledger.finish_reason == "closespider_timeout":
        return "partial"
    return "ok"


def child_command(
    config_json: str | Path,
    source: str,
    out: str | Path,
    seen: str | Path | None = None,
    since: datetime | None = None,
    fail_store_urls: Iterable[str] = (),
) -> list[str]:
    """The command line of one source's child crawl (also used by tests that kill it)."""
    cmd = [
        sys.executable,
        "-m",
        "crawler.child",
        "--config-json",
        str(config_json),
        "--source",
        source,
        "--out",
        str(out),
    ]
    if seen:
        cmd += ["--seen", str(seen)]
    if since:
        cmd += ["--since", since.isoformat()]
    for url in fail_store_urls:
        cmd += ["--fail-store-url", url]
    return cmd


def load_seen(cfg: Config) -> set[str]:
    """The URLs already dealt with, through a short read-only connection (migrating first)."""
    with writer(cfg):
        pass  # creates or migrates the warehouse; closed before the reader opens
    with reader(cfg.db_path) as con:
        return seen_urls(con)


def _crawl_one(
    cfg: Config,
    source: Source,
    workdir: Path,
    config_json: Path,
    seen_file: Path,
    since: datetime | None,
    run_id: int | None,
    fail_store_urls: Iterable[str],
) -> CrawlStats:
    out = workdir / f"ledger-{hashlib.sha1(source.name.encode()).hexdigest()}.json"
    started = datetime.now(UTC)
    cmd = child_command(config_json, source.name, out, seen_file, since, fail_store_urls)
    timeout = cfg.crawl.source_time_budget_s + CHILD_GRACE_S
    message = None
    returncode = None
    logger.info("crawling %s", source.name)
    try:
        returncode = subprocess.run(cmd, timeout=timeout, check=False).returncode
        if returncode != 0:
            message = f"crawl process exited with status {returncode}"
    except subprocess.TimeoutExpired:
        message = f"crawl process killed after {timeout:.0f} s"
    except OSError as exc:
        message = f"could not start the crawl process: {exc}"
    ledger = CrawlLedger.load(out) if out.is_file() else None
    if ledger is None and message is None:
        message = "crawl process wrote no stats"
    status = judge(ledger, returncode, message)
    ledger = ledger or CrawlLedger()
    if ledger.finish_reason == "closespider_timeout" and not message:
        message = f"time budget of {cfg.crawl.source_time_budget_s:g} s reached"
    stats = CrawlStats(
        source=source.name,
        source_kind=source.kind,
        started_at=started,
        finished_at=datetime.now(UTC),
        status=status,
        run_id=run_id,
        pages_fetched=ledger.pages_fetched,
        new_articles=ledger.new_articles,
        irrelevant=ledger.irrelevant,
        duplicates=ledger.duplicates,
        empty_bodies=ledger.empty_bodies,
        missing_dates=ledger.missing_dates,
        errors=ledger.error_count,
        errors_by_reason=dict(ledger.errors_by_reason),
        message=message,
    )
    with writer(cfg) as con:
        record_crawl_stats(con, stats)
        for error in ledger.errors:
            record_crawl_error(
                con, source.name, error.url, error.reason, error.detail or None, run_id=run_id
            )
    logger.info(
        "%s: %s, %d pages, %d new, %d errors%s",
        source.name,
        status,
        stats.pages_fetched,
        stats.new_articles,
        stats.errors,
        f" ({message})" if message else "",
    )
    return stats


def crawl_all(
    cfg: Config,
    since: str | date | datetime | None = None,
    run_id: int | None = None,
    sources: Iterable[str] | None = None,
    fail_store_urls: Iterable[str] = (),
) -> CrawlSummary:
    """Crawl every enabled source (or the named ones), one child process each.

    Args:
        cfg: the config.
        since: skip feed/sitemap entries (and articles) published before this date.
        run_id: the nightly run these crawls belong to (written on crawl_stats rows).
        sources: only these source names (default: every enabled source).
        fail_store_urls: test hook; the warehouse write of these URLs fails.

    Returns:
        A `CrawlSummary`; one source failing does not stop the others.

    Raises:
        ConfigError: an unknown source name or a bad `since`.
    """
    since_at = parse_since(since)
    chosen = [s for s in cfg.sources if s.enabled]
    if sources is not None:
        wanted = list(sources)
        unknown = sorted(set(wanted) - {s.name for s in cfg.sources})
        if unknown:
            names = ", ".join(s.name for s in cfg.sources)
            raise ConfigError(f"unknown source {', '.join(unknown)}; the config has: {names}")
        chosen = [s for s in cfg.sources if s.name in wanted]
    summary = CrawlSummary()
    if not chosen:
        logger.warning("no enabled sources to crawl")
        return summary
    seen = load_seen(cfg)
    with tempfile.TemporaryDirectory(prefix="pcm-crawl-") as tmp:
        workdir = Path(tmp)
        config_json = workdir / "config.json"
        config_json.write_text(cfg.model_dump_json(), encoding="utf-8")
        seen_file = workdir / "seen.json"
        seen_file.write_text(json.dumps(sorted(seen)), encoding="utf-8")
        for source in chosen:
            try:
                stats = _crawl_one(
                    cfg, source, workdir, config_json, seen_file, since_at, run_id, fail_store_urls
                )
            except Exception as exc:  # recording one source must not stop the others
                logger.exception("crawl of %s failed", source.name)
                now = datetime.now(UTC)
                stats = CrawlStats(
                    source=source.name,
                    source_kind=source.kind,
                    started_at=now,
                    finished_at=now,
                    status="failed",
                    run_id=run_id,
                    message=f"{type(exc).__name__}: {exc}"[:500],
                )
            summary.sources.append(stats)
    return summary
