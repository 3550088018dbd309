"""One worker of the distributed crawl: `python -m pcm.crawl_worker --config-json FILE ...`.

`pcm crawl --workers N` (`pcm.crawl_workers`) puts the crawl's shards in Redis: each shard is
the sources that share a site, so a site is only ever fetched by the one worker that took its
shard. A worker takes shards one at a time until none is left and crawls their sources one
after the other, in one Twisted reactor, with scrapy-redis's scheduler (each source's request
queue in Redis) and its duplicate filter shared by the whole run. Article URLs are claimed in
a Redis set, so no worker fetches a page that another source's crawl already took. Items are
not written here: they go to a Redis list that the one warehouse writer (`pcm crawl`) empties,
and each source's tally goes to a Redis hash when its crawl ends.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import sys
import time
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.exceptions import ScrapyDeprecationWarning
from scrapy.settings import Settings
from scrapy.utils.reactor import install_reactor
from twisted.internet import defer

from core.config import Config
from crawler.ledger import CrawlLedger
from crawler.settings import crawl_settings
from crawler.spiders.source import SourceSpider
from crawler.urls import canonical_url
from pcm.crawl_child import quiet_libraries
from pcm.item_store import encode_item, ledger_to_json

logger = logging.getLogger(__name__)

ITEM_PIPELINE = "pcm.crawl_worker.RedisItemPipeline"
MIN_SOURCE_BUDGET_S = 1.0  # less than this left of the stage budget: the source is skipped


@dataclass(frozen=True)
class RunKeys:
    """The Redis keys of one distributed crawl, all under `prefix` (removed at its end)."""

    prefix: str

    @property
    def shards(self) -> str:  # list: JSON lists of source names, taken with LPOP
        return f"{self.prefix}:shards"

    @property
    def items(self) -> str:  # list: encoded items for the warehouse writer
        return f"{self.prefix}:items"

    @property
    def ledgers(self) -> str:  # hash: source name -> its tally as JSON
        return f"{self.prefix}:ledgers"

    @property
    def skipped(self) -> str:  # hash: source name -> why it was not crawled
        return f"{self.prefix}:skipped"

    @property
    def timeline(self) -> str:  # list: one JSON record per source crawled (worker, times)
        return f"{self.prefix}:timeline"

    @property
    def claimed(self) -> str:  # set: canonical article URLs some source's crawl has taken
        return f"{self.prefix}:claimed"

    @property
    def dupefilter(self) -> str:  # set: scrapy-redis's request fingerprints, for the run
        return f"{self.prefix}:dupefilter"

    @property
    def queue(self) -> str:  # scrapy-redis's request queue, one per spider (source)
        return f"{self.prefix}:%(spider)s:requests"


def spider_name(source: str) -> str:
    """The spider name of a source (names its request queue in Redis)."""
    return "source-" + hashlib.sha1(source.encode(), usedforsecurity=False).hexdigest()[:12]


def redis_client(url: str):
    """A Redis client for `crawl.redis_url` (bytes replies)."""
    import redis

    return redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10)


class RedisSourceSpider(SourceSpider):
    """The crawl's spider, with article URLs claimed run-wide in Redis before they are fetched."""

    def __init__(self, *args, redis=None, claimed_key: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.redis = redis
        self.claimed_key = claimed_key

    def _article_request(self, entry, found_on):
        request = super()._article_request(entry, found_on)
        if request is None or self.redis is None:
            return request
        if not self.redis.sadd(self.claimed_key, canonical_url(entry.url)):
            self.ledger.already_seen += 1  # another source's crawl took it in this run
            return None
        return request


class RedisItemPipeline:
    """Sends each item to the run's Redis list, for the one warehouse writer."""

    def __init__(self, crawler):
        self.redis = redis_client(crawler.settings["REDIS_URL"])
        self.key = crawler.settings["PCM_ITEMS_KEY"]

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        self.redis.rpush(self.key, encode_item(item))
        return item


def worker_settings(cfg: Config, keys: RunKeys, log_level: str = "INFO") -> Settings:
    """The crawl's Scrapy settings, with scrapy-redis's scheduler and duplicate filter."""
    settings = Settings()
    settings.setdict(crawl_settings(cfg), priority="project")
    settings.setdict(
        {
            "ITEM_PIPELINES": {ITEM_PIPELINE: 300},
            "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
            "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
            "SCHEDULER_QUEUE_KEY": keys.queue,
            "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter,
            "SCHEDULER_PERSIST": True,  # the filter is the run's: `pcm crawl` removes it at the end
            "REDIS_URL": cfg.crawl.redis_url,
            "PCM_ITEMS_KEY": keys.items,
        },
        priority="project",
    )
    settings.set("LOG_LEVEL", log_level.upper(), priority="cmdline")
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    return settings


class Worker:
    """Takes shards until none is left; crawls each of their sources in turn."""

    def __init__(self, args: argparse.Namespace):
        self.cfg = Config.model_validate_json(Path(args.config_json).read_text(encoding="utf-8"))
        self.seen = set(json.loads(Path(args.seen).read_text(encoding="utf-8")))
        self.since = datetime.fromisoformat(args.since) if args.since else None
        self.keys = RunKeys(args.prefix)
        self.number = args.worker
        self.deadline = args.deadline
        self.redis = redis_client(self.cfg.crawl.redis_url)
        self.settings = worker_settings(self.cfg, self.keys, args.log_level)
        self.sources = {s.name: s for s in self.cfg.sources}

    def run(self) -> int:
        install_reactor(self.settings["TWISTED_REACTOR"], self.settings["ASYNCIO_EVENT_LOOP"])
        from twisted.internet import reactor

        process = CrawlerProcess(self.settings)
        quiet_libraries()
        failed: list[str] = []

        def fail(failure) -> None:
            logger.error("worker %d stopped: %s", self.number, failure.getErrorMessage())
            failed.append(failure.getErrorMessage())

        def start() -> None:
            done = self._work(process)
            done.addErrback(fail)
            done.addBoth(lambda _: reactor.stop())

        reactor.callWhenRunning(start)
        process.start(stop_after_crawl=False)
        return 1 if failed else 0

    @defer.inlineCallbacks
    def _work(self, process: CrawlerProcess):
        while True:
            shard = self.redis.lpop(self.keys.shards)
            if shard is None:
                return
            for name in json.loads(shard):
                yield self._crawl(process, name)

    @defer.inlineCallbacks
    def _crawl(self, process: CrawlerProcess, name: str):
        source = self.sources[name]
        left = self.deadline - time.time()
        if left < MIN_SOURCE_BUDGET_S:
            self.redis.hset(self.keys.skipped, name, "budget")
            return
        budget = min(self.cfg.crawl.source_time_budget_s, left)
        crawler = process.create_crawler(RedisSourceSpider)
        crawler.settings.set("CLOSESPIDER_TIMEOUT", max(budget, 0.1), priority="cmdline")
        ledger = CrawlLedger()
        started = time.time()
        logger.info("worker %d: crawling %s", self.number, name)
        try:
            yield process.crawl(
                crawler,
                cfg=self.cfg,
                source=source,
                ledger=ledger,
                seen=self.seen,
                since=self.since,
                name=spider_name(name),
                redis=self.redis,
                claimed_key=self.keys.claimed,
            )
            stats = crawler.stats.get_stats() if crawler.stats else {}
            ledger.finish_reason = str(stats.get("finish_reason") or "unknown")
        except Exception as exc:  # one source's failure must not stop the worker's others
            logger.exception("worker %d: crawl of %s failed", self.number, name)
            ledger.finish_reason = f"error: {type(exc).__name__}: {exc}"[:300]
        self.redis.hset(self.keys.ledgers, name, ledger_to_json(ledger))
        record = {
            "worker": self.number,
            "pid": os.getpid(),
            "source": name,
            "started": started,
            "finished": time.time(),
        }
        self.redis.rpush(self.keys.timeline, json.dumps(record))
        logger.info(
            "worker %d: %s: %d pages, %d errors (%s)",
            self.number,
            name,
            ledger.pages_fetched,
            ledger.error_count,
            ledger.finish_reason,
        )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m pcm.crawl_worker", description=__doc__)
    parser.add_argument("--config-json", required=True, help="the Config, as JSON")
    parser.add_argument("--seen", required=True, help="JSON list of canonical URLs dealt with")
    parser.add_argument("--prefix", required=True, help="the run's Redis key prefix")
    parser.add_argument("--worker", type=int, default=1, help="this worker's number")
    parser.add_argument(
        "--deadline", type=float, required=True, help="POSIX time: start no source after it"
    )
    parser.add_argument("--since", help="ISO date: skip feed and sitemap entries older than it")
    parser.add_argument("--log-level", default="INFO")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(),
        stream=sys.stderr,
        format=f"%(asctime)s %(levelname)s %(name)s [worker {args.worker}]: %(message)s",
    )
    quiet_libraries()
    # scrapy-redis 0.9.1 still passes `spider=` to the stats collector (one warning per crawl)
    warnings.filterwarnings(
        "ignore", message="Passing a 'spider' argument", category=ScrapyDeprecationWarning
    )
    return Worker(args).run()


if __name__ == "__main__":
    sys.exit(main())
