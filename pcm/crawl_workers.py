"""`pcm crawl --workers N`: the crawl spread over N worker processes through Redis.

Sources are sharded by site: sources whose configured URLs share a registrable domain (and
port) form one shard, and a shard is crawled, source after source, by the one worker that took
it (`pcm.crawl_worker`), so no site is fetched by two workers at once and every politeness
rule of a single crawl still holds (one request at a time per site, the delay, robots.txt).
Workers share scrapy-redis's request queues and duplicate filter, and claim article URLs in a
Redis set so that no URL is fetched twice. This process is the one warehouse writer: it takes
the workers' items from Redis as they come and stores them with the crawl's own store
(`pcm.crawl_store`), then records each source's `crawl_stats` as a single crawl does.
"""

from __future__ import annotations

import contextlib
import json
import logging
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from core.config import Config, Source
from core.errors import PcmError
from crawler.ledger import CrawlLedger
from pcm.crawl_worker import RunKeys, redis_client
from pcm.crawling import (
    CHILD_GRACE_S,
    CrawlSummary,
    choose_sources,
    clean_stale_workdirs,
    crawl_workdir,
    load_seen,
    not_crawled,
    parse_since,
    record_source,
)
from pcm.item_store import decode_item, ledger_from_json, merge_ledgers, open_store, site_key

logger = logging.getLogger(__name__)

DRAIN_BATCH = 200  # items taken from Redis at once
DRAIN_WAIT_S = 1  # how long one wait for items blocks while the workers run
STOP_WAIT_S = 10  # after SIGTERM, before SIGKILL


class DistributedCrawlError(PcmError):
    """The distributed crawl could not start (no Redis, no `crawl.redis_url`, no extra)."""


@dataclass
class DistributedSummary(CrawlSummary):
    """A `CrawlSummary`, and which worker crawled each source when."""

    timeline: list[dict] = field(default_factory=list)  # worker, pid, source, started, finished

    def worker_of(self, source: str) -> int | None:
        """The worker that crawled `source`, if one did."""
        return next((t["worker"] for t in self.timeline if t["source"] == source), None)


def redacted(url: str) -> str:
    """A Redis URL without its password, for messages."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


def shard_sources(sources: list[Source]) -> list[list[Source]]:
    """Group sources that share a site (`site_key` of any configured URL), in config order.

    Returns:
        Shards, each a list of sources; every site is in exactly one shard.
    """
    shards: list[tuple[set[str], list[Source]]] = []
    for source in sources:
        sites = {site_key(u) for u in (*source.feeds, *source.sitemaps, *source.start_urls)}
        touching = [s for s in shards if s[0] & sites] if sites else []
        merged_sites, merged = set(sites), []
        for shard in touching:
            merged_sites |= shard[0]
            merged += shard[1]
            shards.remove(shard)
        shards.append((merged_sites, [*merged, source]))
    order = {s.name: i for i, s in enumerate(sources)}
    return sorted(
        (sorted(members, key=lambda s: order[s.name]) for _, members in shards),
        key=lambda members: order[members[0].name],
    )


def connect(cfg: Config):
    """A client of `crawl.redis_url` that answered a PING."""
    if not cfg.crawl.redis_url:
        raise DistributedCrawlError(
            "--workers needs crawl.redis_url in the config (a Redis server, e.g. "
            "redis://127.0.0.1:6379/0); see docs/crawling.md"
        )
    try:
        import redis
        import scrapy_redis  # noqa: F401
    except ImportError as exc:
        raise DistributedCrawlError(
            f"{exc.name} is not installed: pip install -r requirements.txt "
            "(or the `distributed` extra)"
        ) from None
    client = redis_client(cfg.crawl.redis_url)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise DistributedCrawlError(
            f"cannot reach crawl.redis_url {redacted(cfg.crawl.redis_url)}: {exc}"
        ) from None
    return client


def _worker_command(
    config_json: Path,
    seen: Path,
    keys: RunKeys,
    number: int,
    deadline: float,
    since: datetime | None,
) -> list[str]:
    cmd = [
        sys.executable,
        "-m",
        "pcm.crawl_worker",
        "--config-json",
        str(config_json),
        "--seen",
        str(seen),
        "--prefix",
        keys.prefix,
        "--worker",
        str(number),
        "--deadline",
        f"{deadline:.3f}",
    ]
    return cmd + (["--since", since.isoformat()] if since else [])


class Writer:
    """The one warehouse writer: each source's items into the crawl's own store."""

    def __init__(self, cfg: Config):
        self.cfg = cfg
        self.ledgers: dict[str, CrawlLedger] = {}
        self._stores: dict = {}

    def take(self, encoded: bytes) -> None:
        try:
            item = decode_item(encoded)
        except ValueError as exc:
            logger.error("dropped an item from Redis: %s", exc)
            return
        store = self._stores.get(item.source)
        if store is None:
            self.ledgers[item.source] = CrawlLedger()
            store = self._stores[item.source] = open_store(self.cfg, self.ledgers[item.source])
        store.process_item(item)

    def drain(self, client, keys: RunKeys, wait: bool) -> int:
        """Store what is waiting in Redis; with `wait`, block up to `DRAIN_WAIT_S` for it."""
        taken = 0
        if wait:
            first = client.blpop([keys.items], timeout=DRAIN_WAIT_S)
            if first is None:
                return 0
            self.take(first[1])
            taken = 1
        while batch := client.lpop(keys.items, DRAIN_BATCH):
            for encoded in batch:
                self.take(encoded)
            taken += len(batch)
        return taken

    def close(self) -> None:
        for store in self._stores.values():
            store.close_spider()


def _stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=STOP_WAIT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _run_workers(
    client, keys: RunKeys, commands: list[list[str]], writer: Writer, hard_deadline: float
) -> tuple[dict[int, int | None], str | None]:
    """Start the workers, store their items until all have ended; their exit statuses and
    why they were stopped, if they were."""
    procs = [subprocess.Popen(cmd) for cmd in commands]
    logger.info(
        "started %d crawl workers (pids %s)", len(procs), ", ".join(str(p.pid) for p in procs)
    )
    message = None
    try:
        while any(p.poll() is None for p in procs):
            writer.drain(client, keys, wait=True)
            if time.monotonic() > hard_deadline:
                message = "crawl workers stopped: crawl.stage_budget_s and its grace were spent"
                logger.error(message)
                _stop(procs)
        logger.info("the crawl workers have ended; storing what is left")
        writer.drain(client, keys, wait=False)
    finally:
        _stop(procs)  # on Ctrl-C, an error in the writer ...
    return {i + 1: p.returncode for i, p in enumerate(procs)}, message


def _record(
    cfg: Config,
    chosen: list[Source],
    client,
    keys: RunKeys,
    writer: Writer,
    returncodes: dict[int, int | None],
    message: str | None,
    run_id: int | None,
) -> DistributedSummary:
    """One `crawl_stats` row per source: the worker's tally and the writer's, merged."""
    ledgers = {k.decode(): v for k, v in client.hgetall(keys.ledgers).items()}
    skipped = {k.decode() for k in client.hkeys(keys.skipped)}
    timeline = [json.loads(t) for t in client.lrange(keys.timeline, 0, -1)]
    summary = DistributedSummary(timeline=timeline)
    failed_workers = {n: rc for n, rc in returncodes.items() if rc not in (0, None)}
    for source in chosen:
        if source.name in skipped:
            summary.sources.append(not_crawled(cfg, source, run_id))
            continue
        when = next((t["started"] for t in timeline if t["source"] == source.name), None)
        started = datetime.fromtimestamp(when, UTC) if when else datetime.now(UTC)
        ledger, why = None, message
        if source.name in ledgers:
            ledger = ledger_from_json(ledgers[source.name])
            merge_ledgers(ledger, writer.ledgers.get(source.name, CrawlLedger()))
        elif why is None:
            why = (
                "not crawled: crawl workers exited with status "
                + ", ".join(f"{rc} (worker {n})" for n, rc in failed_workers.items())
                if failed_workers
                else "not crawled: no worker took it"
            )
        stats = record_source(
            cfg, source, ledger, None, why, started, run_id, cfg.crawl.source_time_budget_s
        )
        summary.sources.append(stats)
    return summary


def crawl_distributed(
    cfg: Config,
    workers: int,
    since: str | date | datetime | None = None,
    run_id: int | None = None,
    sources: list[str] | None = None,
) -> DistributedSummary:
    """Crawl every enabled source (or the named ones) with `workers` worker processes.

    Args:
        cfg: the config; `crawl.redis_url` names the Redis server.
        workers: how many worker processes (no more are started than there are shards).
        since: skip feed and sitemap entries (and articles) published before this date.
        run_id: the nightly run these crawls belong to.
        sources: only these source names.

    Returns:
        A `DistributedSummary`: one `CrawlStats` per source, as `crawl_all` gives, and which
        worker crawled each source when.

    Raises:
        DistributedCrawlError: no `crawl.redis_url`, Redis unreachable, or the extra missing.
        ConfigError: an unknown source name or a bad `since`.
    """
    client = connect(cfg)
    clean_stale_workdirs()
    since_at = parse_since(since)
    chosen = choose_sources(cfg, sources)
    if not chosen:
        logger.warning("no enabled sources to crawl")
        return DistributedSummary()
    shards = shard_sources(chosen)
    count = min(workers, len(shards))
    keys = RunKeys(f"pcm:crawl:{uuid.uuid4().hex[:16]}")
    logger.info(
        "%d sources in %d shards, %d workers (%s)", len(chosen), len(shards), count, keys.prefix
    )
    deadline = time.time() + cfg.crawl.stage_budget_s
    hard_deadline = time.monotonic() + cfg.crawl.stage_budget_s + CHILD_GRACE_S
    seen = load_seen(cfg)
    writer = Writer(cfg)
    import redis

    try:
        client.rpush(keys.shards, *(json.dumps([s.name for s in shard]) for shard in shards))
        with crawl_workdir(cfg, seen) as (_, config_json, seen_file):
            commands = [
                _worker_command(config_json, seen_file, keys, n, deadline, since_at)
                for n in range(1, count + 1)
            ]
            try:
                returncodes, message = _run_workers(client, keys, commands, writer, hard_deadline)
            finally:
                writer.close()  # what was taken from Redis is stored, whatever happened
        return _record(cfg, chosen, client, keys, writer, returncodes, message, run_id)
    except redis.RedisError as exc:
        raise DistributedCrawlError(
            f"lost the Redis server at {redacted(cfg.crawl.redis_url or '')}: {exc} (the "
            "articles stored so far are kept; the next crawl fetches the rest)"
        ) from None
    finally:
        with contextlib.suppress(redis.RedisError):  # the run's keys: queues, filter, items
            client.delete(*client.scan_iter(f"{keys.prefix}:*", count=1000), keys.items)
