"""One source's crawl in its own process: `python -m pcm.crawl_child --config-json FILE ...`.

The Twisted reactor cannot be restarted, so `pcm.crawling` starts one of these per source. The
child writes articles to the warehouse as it goes and its tally to `--out` when it ends.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import datetime
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from core.config import Config
from crawler.ledger import CrawlLedger
from crawler.settings import crawl_settings
from crawler.spiders.source import SourceSpider

logger = logging.getLogger(__name__)

STORE_PIPELINE = "pcm.crawl_store.WarehousePipeline"  # writes each item to the warehouse


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m pcm.crawl_child", description=__doc__)
    parser.add_argument("--config-json", required=True, help="the Config, as JSON")
    parser.add_argument("--source", required=True, help="the source name")
    parser.add_argument("--out", required=True, help="where to write the ledger JSON")
    parser.add_argument("--seen", help="JSON list of canonical URLs already dealt with")
    parser.add_argument("--since", help="ISO date: skip feed and sitemap entries older than it")
    parser.add_argument(
        "--budget-s",
        type=float,
        help="close the crawl after this many seconds (default: crawl.source_time_budget_s)",
    )
    parser.add_argument("--log-level", default="INFO")
    return parser.parse_args(argv)


def run_child(args: argparse.Namespace) -> int:
    """Crawl one source and save its ledger; 0 when the crawl ran to its end."""
    cfg = Config.model_validate_json(Path(args.config_json).read_text(encoding="utf-8"))
    source = next((s for s in cfg.sources if s.name == args.source), None)
    if source is None:
        logger.error("no source named %r in the config", args.source)
        return 2
    seen = set(json.loads(Path(args.seen).read_text(encoding="utf-8"))) if args.seen else set()
    since = datetime.fromisoformat(args.since) if args.since else None
    ledger = CrawlLedger()
    settings = Settings()
    settings.setdict(crawl_settings(cfg), priority="project")
    settings.set("ITEM_PIPELINES", {STORE_PIPELINE: 300}, priority="project")
    settings.set("LOG_LEVEL", args.log_level.upper(), priority="cmdline")
    if args.budget_s is not None:
        settings.set("CLOSESPIDER_TIMEOUT", max(args.budget_s, 0.1), priority="cmdline")
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")  # ours, from main()
    process = CrawlerProcess(settings)
    quiet_libraries()
    crawler = process.create_crawler(SourceSpider)
    process.crawl(
        crawler,
        cfg=cfg,
        source=source,
        ledger=ledger,
        seen=seen,
        since=since,
    )
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    ledger.finish_reason = str(stats.get("finish_reason") or "unknown")
    ledger.save(args.out)
    logger.info(
        "%s: %d pages, %d new articles, %d errors (%s)",
        source.name,
        ledger.pages_fetched,
        ledger.new_articles,
        ledger.error_count,
        ledger.finish_reason,
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    quiet_libraries()
    return run_child(args)


_NOISY = ("scrapy", "twisted", "trafilatura", "htmldate", "courlan", "readability", "protego")


def _not_noisy(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.WARNING or not record.name.startswith(_NOISY)


def quiet_libraries() -> None:
    """Library messages below WARNING are dropped: Scrapy's INFO stats dump would drown the
    nightly log (Scrapy resets its loggers to DEBUG, so the filter sits on the handlers)."""
    for handler in logging.getLogger().handlers:
        if _not_noisy not in handler.filters:
            handler.addFilter(_not_noisy)


if __name__ == "__main__":
    sys.exit(main())
