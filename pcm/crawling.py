"""Crawl every enabled source, each in a child process, and record per-source stats."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from time import monotonic

from core.config import Config, Source
from core.errors import ConfigError
from core.vocabulary import CONTENT_REASONS, DISCOVERY_REASONS, LOCAL_TZ
from crawler.failures import NOTICE_REASONS
from crawler.ledger import CrawlLedger
from warehouse.articles import seen_urls
from warehouse.connection import reader, writer
from warehouse.crawl_log import CrawlStats, record_crawl_error, record_crawl_stats

logger = logging.getLogger(__name__)

CHILD_GRACE_S = 120  # beyond the source's time budget before the child is killed
WORKDIR_PREFIX = "pcm-crawl-"  # the crawl's temporary folder (it holds the config as JSON)
OWNER_FILE = "owner.json"  # in that folder: the process that made it
STALE_WORKDIR_S = 24 * 3600  # a folder untouched this long is stale whoever made it
MIN_SOURCE_BUDGET_S = 1.0  # less than this left of crawl.stage_budget_s: the source is skipped


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

    failed: the child died, no page at all could be fetched, or none of the source's feeds,
    sitemaps and listing pages could be read as such (a feed URL that now answers with an HTML
    page); partial: some fetches failed, a feed or sitemap was no feed or sitemap, some URLs
    were refused by the URL policy, or the time budget cut the crawl short; ok otherwise
    (content problems, refused rel=canonical claims and capped passages alone leave a source
    ok).
    """
    if ledger is None:
        return "failed"
    not_fetch = CONTENT_REASONS | NOTICE_REASONS
    fetch_errors = sum(n for r, n in ledger.errors_by_reason.items() if r not in not_fetch)
    if ledger.pages_fetched == 0 and (fetch_errors or ledger.error_count):
        return "failed"
    if ledger.discovery_pages == 0 and discovery_failures(ledger):
        return "failed"
    if returncode not in (0, None) or message:
        return "partial"
    if fetch_errors or ledger.finish_reason == "closespider_timeout":
        return "partial"
    return "ok"


def discovery_failures(ledger: CrawlLedger) -> int:
    """How many feeds and sitemaps answered with something else (`bad_feed`, `bad_sitemap`).

    Args:
        ledger: one source's tally.

    Returns:
        The number of such errors.
    """
    return sum(ledger.errors_by_reason.get(reason, 0) for reason in DISCOVERY_REASONS)


def child_command(
    config_json: str | Path,
    source: str,
    out: str | Path,
    seen: str | Path | None = None,
    since: datetime | None = None,
    budget_s: float | None = None,
) -> list[str]:
    """The command line of one source's child crawl (also used by tests that kill it)."""
    cmd = [
        sys.executable,
        "-m",
        "pcm.crawl_child",
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
    if budget_s is not None:
        cmd += ["--budget-s", f"{budget_s:.3f}"]
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
    budget_s: float,
) -> CrawlStats:
    out = (
        workdir
        / f"ledger-{hashlib.sha1(source.name.encode(), usedforsecurity=False).hexdigest()}.json"
    )
    started = datetime.now(UTC)
    cmd = child_command(config_json, source.name, out, seen_file, since, budget_s=budget_s)
    timeout = budget_s + CHILD_GRACE_S
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
    return record_source(cfg, source, ledger, returncode, message, started, run_id, budget_s)


def record_source(
    cfg: Config,
    source: Source,
    ledger: CrawlLedger | None,
    returncode: int | None,
    message: str | None,
    started: datetime,
    run_id: int | None,
    budget_s: float,
) -> CrawlStats:
    """Judge one source's crawl from its tally and write its `crawl_stats` and `crawl_errors`
    rows (also used by the distributed crawl, `pcm.crawl_workers`).

    Args:
        cfg: the config.
        source: the source crawled.
        ledger: its tally, or None when its crawl left none.
        returncode: the crawl process's exit status (None: not known).
        message: what went wrong with the process, if anything.
        started: when its crawl started.
        run_id: the nightly run (written on the rows).
        budget_s: the time budget the crawl had.

    Returns:
        The recorded `CrawlStats`.
    """
    status = judge(ledger, returncode, message)
    ledger = ledger or CrawlLedger()
    if ledger.finish_reason == "closespider_timeout" and not message:
        message = f"time budget of {budget_s:g} s reached" + (
            " (what was left of crawl.stage_budget_s)"
            if budget_s < cfg.crawl.source_time_budget_s
            else ""
        )
    if status == "failed" and not message and discovery_failures(ledger):
        message = "none of its feeds, sitemaps or listing pages could be read (see crawl_errors)"
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
) -> CrawlSummary:
    """Crawl every enabled source (or the named ones), one child process each.

    Args:
        cfg: the config.
        since: skip feed/sitemap entries (and articles) published before this date.
        run_id: the nightly run these crawls belong to (written on crawl_stats rows).
        sources: only these source names (default: every enabled source).

    Returns:
        A `CrawlSummary`; one source failing does not stop the others. The whole crawl stops
        starting sources once `crawl.stage_budget_s` is spent (each source gets at most what
        is left); the sources not crawled are recorded `failed` with that message.

    Raises:
        ConfigError: an unknown source name or a bad `since`.
    """
    clean_stale_workdirs()
    deadline = monotonic() + cfg.crawl.stage_budget_s
    since_at = parse_since(since)
    chosen = choose_sources(cfg, sources)
    summary = CrawlSummary()
    if not chosen:
        logger.warning("no enabled sources to crawl")
        return summary
    seen = load_seen(cfg)
    with crawl_workdir(cfg, seen) as (workdir, config_json, seen_file):
        for source in chosen:
            left = deadline - monotonic()
            budget = round(min(cfg.crawl.source_time_budget_s, left), 1)
            try:
                if left < MIN_SOURCE_BUDGET_S:
                    summary.sources.append(not_crawled(cfg, source, run_id))
                    continue
                stats = _crawl_one(
                    cfg,
                    source,
                    workdir,
                    config_json,
                    seen_file,
                    since_at,
                    run_id,
                    budget,
                )
            except Exception as exc:  # recording one source must not stop the others
                logger.exception("crawl of %s failed", source.name)
                stats = _failed(source, run_id, f"{type(exc).__name__}: {exc}"[:500])
            summary.sources.append(stats)
    return summary


def choose_sources(cfg: Config, sources: Iterable[str] | None = None) -> list[Source]:
    """The enabled sources, or the named ones (enabled or not), in config order.

    Raises:
        ConfigError: a name that is no configured source.
    """
    if sources is None:
        return [s for s in cfg.sources if s.enabled]
    wanted = list(sources)
    unknown = sorted(set(wanted) - {s.name for s in cfg.sources})
    if unknown:
        names = ", ".join(s.name for s in cfg.sources)
        raise ConfigError(f"unknown source {', '.join(unknown)}; the config has: {names}")
    return [s for s in cfg.sources if s.name in wanted]


@contextlib.contextmanager
def crawl_workdir(cfg: Config, seen: set[str]) -> Iterator[tuple[Path, Path, Path]]:
    """A private temporary folder (0700) holding the config and the seen URLs as JSON for the
    crawl processes, with its owner recorded; removed at the end (or by the next crawl if this
    one is killed). Yields the folder, the config file and the seen file."""
    with tempfile.TemporaryDirectory(prefix=WORKDIR_PREFIX) as tmp:
        workdir = Path(tmp)
        owner = {"pid": os.getpid(), "host": socket.gethostname()}
        (workdir / OWNER_FILE).write_text(json.dumps(owner), encoding="utf-8")
        config_json = workdir / "config.json"
        config_json.write_text(cfg.model_dump_json(), encoding="utf-8")
        seen_file = workdir / "seen.json"
        seen_file.write_text(json.dumps(sorted(seen)), encoding="utf-8")
        yield workdir, config_json, seen_file


def _failed(source: Source, run_id: int | None, message: str) -> CrawlStats:
    """A `crawl_stats` row for a source that fetched nothing, started and finished now."""
    now = datetime.now(UTC)
    return CrawlStats(
        source=source.name,
        source_kind=source.kind,
        started_at=now,
        finished_at=now,
        status="failed",
        run_id=run_id,
        message=message,
    )


def not_crawled(cfg: Config, source: Source, run_id: int | None) -> CrawlStats:
    """The `crawl_stats` row of a source skipped because the crawl stage's budget was spent."""
    message = (
        f"not crawled: crawl.stage_budget_s ({cfg.crawl.stage_budget_s:g} s) was spent "
        "by the sources before it"
    )
    logger.warning("%s: %s", source.name, message)
    stats = _failed(source, run_id, message)
    with writer(cfg) as con:
        record_crawl_stats(con, stats)
    return stats


def _owner_alive(workdir: Path) -> bool | None:
    """Whether the process that made a crawl folder still runs (None: cannot tell)."""
    try:
        owner = json.loads((workdir / OWNER_FILE).read_text(encoding="utf-8"))
        pid, host = int(owner["pid"]), str(owner["host"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if host != socket.gethostname():
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process has that pid now
        return True
    return True


def clean_stale_workdirs(
    root: str | os.PathLike | None = None, now: float | None = None
) -> list[Path]:
    """Remove the temporary folders of crawls that were killed (they hold the config as JSON).

    A `pcm-crawl-*` folder of this user is stale when the process that made it is gone, or
    when nothing in it changed for `STALE_WORKDIR_S` (a folder without an owner record, or
    made on another host). Folders of live crawls and of other users are left alone.

    Args:
        root: the folder to look in (default: `tempfile.gettempdir()`).
        now: the current time as a POSIX timestamp (tests).

    Returns:
        The folders removed.
    """
    folder = Path(root) if root is not None else Path(tempfile.gettempdir())
    when = datetime.now(UTC).timestamp() if now is None else now
    removed = []
    for path in sorted(folder.glob(f"{WORKDIR_PREFIX}*")):
        try:
            if path.is_symlink() or not path.is_dir() or path.stat().st_uid != os.getuid():
                continue
            alive = _owner_alive(path)
            old = when - path.stat().st_mtime > STALE_WORKDIR_S
            if alive or (alive is None and not old):
                continue
            shutil.rmtree(path)
        except OSError as exc:
            logger.warning("could not remove the stale crawl folder %s: %s", path, exc)
            continue
        logger.warning("removed the folder of a crawl that was killed: %s", path)
        removed.append(path)
    return removed
