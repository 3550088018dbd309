"""The crawl's warehouse store outside Scrapy: for `pcm backfill` and the distributed crawl.

Both hand the crawler's items (`ArticleItem`, `SkippedPage`) to the same
`pcm.crawl_store.WarehousePipeline` that a crawl child uses, so relevance, the duplicate check,
passages and `seen_urls` behave exactly as in a crawl. The distributed crawl's workers send
their items to the one writer as JSON (`encode_item` / `decode_item`).
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, fields
from datetime import datetime
from types import SimpleNamespace
from urllib.parse import urlsplit

from core.config import Config
from crawler.items import ArticleItem, SkippedPage
from crawler.ledger import MAX_ERRORS_KEPT, CrawlError, CrawlLedger
from crawler.urlpolicy import registrable_domain, url_host

logger = logging.getLogger(__name__)

STORE_BATCH = 50  # items per writer session (a crawl child uses 10: it shares the machine)
_KINDS = {"article": ArticleItem, "skipped": SkippedPage}
_TIMES = ("published_at", "fetched_at")


def site_key(url: str) -> str:
    """What politeness and source matching compare: the registrable domain of the URL's host
    and its explicit port, if any ("edp24.co.uk", "127.0.0.1:8600")."""
    try:
        port = urlsplit(url).port
    except ValueError:
        port = None
    domain = registrable_domain(url_host(url))
    return f"{domain}:{port}" if port else domain


def open_store(cfg: Config, ledger: CrawlLedger, batch: int = STORE_BATCH):
    """A `pcm.crawl_store.WarehousePipeline` writing into `cfg`'s warehouse and counting into
    `ledger`. Call `process_item` for each item and `close_spider` at the end (which writes the
    rest).
    """
    from pcm.crawl_store import WarehousePipeline  # not needed by the crawl workers

    crawler = SimpleNamespace(settings=SimpleNamespace(getint=lambda _name, _default: batch))
    store = WarehousePipeline(crawler)
    store.open_spider(SimpleNamespace(cfg=cfg, ledger=ledger))
    return store


def encode_item(item: ArticleItem | SkippedPage) -> str:
    """One item as a line of JSON (times in ISO 8601)."""
    data = asdict(item)
    for name in _TIMES:
        if data.get(name) is not None:
            data[name] = data[name].isoformat()
    kind = "article" if isinstance(item, ArticleItem) else "skipped"
    return json.dumps({"kind": kind, "item": data}, ensure_ascii=False)


def decode_item(text: str | bytes) -> ArticleItem | SkippedPage:
    """The item `encode_item` wrote.

    Raises:
        ValueError: not such a line.
    """
    try:
        data = json.loads(text)
        cls = _KINDS[data["kind"]]
        values = dict(data["item"])
    except (KeyError, TypeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not a crawl item: {exc}") from None
    for name in _TIMES:
        if values.get(name) is not None:
            values[name] = datetime.fromisoformat(values[name])
    known = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in values.items() if k in known})


def ledger_to_json(ledger: CrawlLedger) -> str:
    """A ledger as JSON (the form `CrawlLedger.save` writes)."""
    data = asdict(ledger)
    data["errors_by_reason"] = dict(ledger.errors_by_reason)
    return json.dumps(data)


def ledger_from_json(text: str | bytes) -> CrawlLedger:
    """The ledger `ledger_to_json` wrote."""
    data = json.loads(text)
    ledger = CrawlLedger()
    for name, value in data.items():
        if name == "errors":
            ledger.errors = [CrawlError(**e) for e in value or []]
        elif name == "errors_by_reason":
            ledger.errors_by_reason.update(value or {})
        elif hasattr(ledger, name):
            setattr(ledger, name, value)
    return ledger


def merge_ledgers(into: CrawlLedger, other: CrawlLedger) -> CrawlLedger:
    """Add `other`'s counts and errors to `into` (the spider's and the store's halves of one
    source's tally); returns `into`."""
    for name in (
        "pages_fetched",
        "discovery_pages",
        "new_articles",
        "irrelevant",
        "duplicates",
        "empty_bodies",
        "missing_dates",
        "already_seen",
        "too_old",
    ):
        setattr(into, name, getattr(into, name) + getattr(other, name))
    into.errors_by_reason.update(other.errors_by_reason)
    into.errors.extend(other.errors[: max(MAX_ERRORS_KEPT - len(into.errors), 0)])
    return into
