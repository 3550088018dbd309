"""`pcm backfill --warc FILE...`: articles from web archives, the way a crawl stores them.

Each archived HTML or PDF response goes through the crawl's own code: the spider's article
step (`SourceSpider.parse_article`: extraction, dates, rel=canonical, the reasons pages are
skipped) and the crawl's warehouse store (`pcm.crawl_store.WarehousePipeline`: relevance, the
near-duplicate check, passages and `seen_urls`, one transaction per article). Nothing is
fetched. A record is matched to a configured source by its host; see docs/crawling.md.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from time import monotonic
from urllib.parse import urlsplit

from scrapy.http import Request, Response
from tqdm import tqdm

from core.config import Config, Source
from crawler.discovery import Entry, is_article_url, parse_sitemap, read_feed
from crawler.items import ArticleItem, SkippedPage
from crawler.ledger import CrawlLedger
from crawler.spiders.source import SourceSpider
from crawler.urls import canonical_url
from crawler.warc import WarcPage, WarcProblem, read_warc
from pcm.crawling import load_seen, parse_since
from pcm.item_store import open_store, site_key

logger = logging.getLogger(__name__)

# Why a record was passed over (not a problem with it); see docs/crawling.md.
UNKNOWN_HOST = "unknown_host"  # no enabled source on that host
NOT_ARTICLE = "not_article"  # not an article URL by the source's article rule
ALREADY_SEEN = "already_seen"  # in seen_urls, or earlier in this backfill
DISCOVERY = "feed_or_sitemap"  # a feed or sitemap: its entries' dates and titles are used
TOO_OLD = "too_old"  # published before --since
BAD_RECORD = "bad_record"  # any other failure on one page (the detail names it)
_XMLISH = ("xml", "rss", "atom")


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


class SourceMatcher:
    """Which enabled source an archived URL belongs to.

    By host: the registrable domain (and explicit port) of the source's feeds, sitemaps and
    listing pages. When several sources share a host, the one whose configured URLs share the
    longest leading path with the URL wins (`/herald/2025/...` goes to the source listed at
    `/herald/news/`); a tie goes to the source listed first in the config.
    """

    def __init__(self, sources: Iterable[Source]):
        self._by_site: dict[str, list[tuple[Source, list[list[str]]]]] = {}
        for source in sources:
            urls = [*source.feeds, *source.sitemaps, *source.start_urls]
            for site in dict.fromkeys(site_key(u) for u in urls):
                dirs = [
                    _segments(urlsplit(u).path.rsplit("/", 1)[0])
                    for u in urls
                    if site_key(u) == site
                ]
                self._by_site.setdefault(site, []).append((source, dirs))

    def match(self, url: str) -> Source | None:
        """The source of `url`, or None when no enabled source is on its host."""
        candidates = self._by_site.get(site_key(url))
        if not candidates:
            return None
        if len(candidates) == 1:
            return candidates[0][0]
        path = _segments(urlsplit(url).path)

        def shared(dirs: list[list[str]]) -> int:
            best = 0
            for prefix in dirs:
                n = 0
                while n < min(len(prefix), len(path)) and prefix[n] == path[n]:
                    n += 1
                best = max(best, n)
            return best

        return max(candidates, key=lambda c: shared(c[1]))[0]  # max keeps the first of a tie


@dataclass
class FileTally:
    """What one WARC file gave."""

    path: str
    pages: int = 0  # response and resource records read
    problems: int = 0
    complete: bool = True  # False: a fatal problem stopped reading it
    reason: str | None = None  # that problem


@dataclass
class BackfillSummary:
    """What a backfill did: per file, per source (a crawl's tally) and overall."""

    files: list[FileTally] = field(default_factory=list)
    sources: dict[str, CrawlLedger] = field(default_factory=dict)
    skipped: Counter = field(default_factory=Counter)  # records passed over, by why
    problems: Counter = field(default_factory=Counter)  # bad records, by reason
    seconds: float = 0.0

    @property
    def new_articles(self) -> int:
        return sum(ledger.new_articles for ledger in self.sources.values())

    @property
    def damaged_files(self) -> list[FileTally]:
        return [f for f in self.files if not f.complete]

    def bad_records(self) -> Counter:
        """WARC problems and the pages the crawl's steps refused, by reason."""
        total = Counter(self.problems)
        for ledger in self.sources.values():
            total.update(ledger.errors_by_reason)
        return total

    def as_dict(self) -> dict:
        """The `pcm backfill --json` object."""
        return {
            "files": [vars(f) for f in self.files],
            "pages": sum(f.pages for f in self.files),
            "new_articles": self.new_articles,
            "irrelevant": sum(s.irrelevant for s in self.sources.values()),
            "duplicates": sum(s.duplicates for s in self.sources.values()),
            "empty_bodies": sum(s.empty_bodies for s in self.sources.values()),
            "skipped": dict(sorted(self.skipped.items())),
            "bad_records": dict(sorted(self.bad_records().items())),
            "sources": [
                {
                    "source": name,
                    "pages": s.pages_fetched,
                    "new_articles": s.new_articles,
                    "irrelevant": s.irrelevant,
                    "duplicates": s.duplicates,
                    "empty_bodies": s.empty_bodies,
                    "missing_dates": s.missing_dates,
                    "errors": s.error_count,
                    "errors_by_reason": dict(sorted(s.errors_by_reason.items())),
                }
                for name, s in self.sources.items()
            ],
            "seconds": round(self.seconds, 3),
        }


class Backfill:
    """One backfill run: the spider and store of each source, made when first needed."""

    def __init__(
        self, cfg: Config, seen: set[str], since: datetime | None = None, progress: bool = False
    ):
        self.cfg = cfg
        self.progress = progress
        self.seen = set(seen)
        self.since = since
        self.matcher = SourceMatcher(s for s in cfg.sources if s.enabled)
        self.summary = BackfillSummary()
        self.entries: dict[str, tuple[str, Entry]] = {}  # canonical URL -> (source, entry)
        self._spiders: dict[str, SourceSpider] = {}
        self._stores: dict = {}
        self._discovery = {
            s.name: {canonical_url(u) for u in (*s.feeds, *s.sitemaps)} for s in cfg.sources
        }

    def _spider(self, source: Source) -> SourceSpider:
        spider = self._spiders.get(source.name)
        if spider is None:
            ledger = CrawlLedger()
            self.summary.sources[source.name] = ledger
            spider = SourceSpider(cfg=self.cfg, source=source, ledger=ledger, since=self.since)
            self._spiders[source.name] = spider
            self._stores[source.name] = open_store(self.cfg, ledger)
        return spider

    def run(self, paths: Iterable[str | Path]) -> BackfillSummary:
        """Read every file in turn; bad records are counted and logged, never raised."""
        started = monotonic()
        self._bar = tqdm(unit="record", desc="backfill", disable=not self.progress)
        try:
            for path in paths:
                self._bar.set_postfix_str(Path(path).name)
                self._file(Path(path))
        finally:
            self._bar.close()
            for store in self._stores.values():
                store.close_spider()
            self.summary.seconds = monotonic() - started
        return self.summary

    def _file(self, path: Path) -> None:
        tally = FileTally(str(path))
        self.summary.files.append(tally)
        logger.info("backfilling from %s", path)
        for record in read_warc(path, self.cfg.crawl.max_page_bytes):
            self._bar.update()
            if isinstance(record, WarcProblem):
                tally.problems += 1
                self.summary.problems[record.reason] += 1
                where = f"{path}@{record.offset}" if record.offset is not None else str(path)
                logger.warning(
                    "%s %s: %s, %s", where, record.url or "", record.reason, record.detail
                )
                if record.fatal:
                    tally.complete, tally.reason = False, f"{record.reason}: {record.detail}"
                continue
            tally.pages += 1
            self._page(record)

    def _page(self, page: WarcPage) -> None:
        if page.status != 200:
            self.summary.skipped[f"http_{page.status}"] += 1
            return
        source = self._source_of(page.url)
        if source is None:
            self.summary.skipped[UNKNOWN_HOST] += 1
            return
        spider = self._spider(source)
        url = canonical_url(page.url)
        if self._read_entries(source, page):
            return
        entry = self.entries.get(url, (source.name, Entry(page.url)))[1]
        if not is_article_url(page.url, source.article_patterns) and url not in self.entries:
            self.summary.skipped[NOT_ARTICLE] += 1
            return
        if url in self.seen:
            self.summary.skipped[ALREADY_SEEN] += 1
            spider.ledger.already_seen += 1
            return
        if self.since and entry.published_at and entry.published_at < self.since:
            self.summary.skipped[TOO_OLD] += 1
            spider.ledger.too_old += 1
            return
        self.seen.add(url)
        try:
            self._article(spider, page, entry)
        except Exception as exc:  # one page must never stop a backfill
            detail = f"{type(exc).__name__}: {exc}"[:300]
            logger.warning("%s: %s, %s", page.url, BAD_RECORD, detail)
            spider.ledger.error(page.url, BAD_RECORD, detail)

    def _source_of(self, url: str) -> Source | None:
        """A feed or sitemap in the archive may list articles on another host (BBC feeds):
        those go to the feed's source; anything else is matched by host."""
        listed = self.entries.get(canonical_url(url))
        if listed:
            return next(s for s in self.cfg.sources if s.name == listed[0])
        return self.matcher.match(url)

    def _read_entries(self, source: Source, page: WarcPage) -> bool:
        """Remember a feed's or sitemap's entries (their dates and titles, as a crawl would use
        them); True when the page was one."""
        head = page.body[:1024].lstrip().lower()
        kind = page.content_type.split(";")[0].lower()
        configured = canonical_url(page.url) in self._discovery[source.name]
        if not (configured or any(k in kind for k in _XMLISH) or head.startswith(b"<?xml")):
            return False
        entries = read_feed(page.body, page.url)
        if entries is None:
            sitemap = parse_sitemap(page.body, page.url)
            if not sitemap.is_sitemap and not configured:
                return False  # some other XML: judged as a page
            entries = sitemap.entries
        for entry in entries:
            self.entries.setdefault(canonical_url(entry.url), (source.name, entry))
        self.summary.skipped[DISCOVERY] += 1
        return True

    def _article(self, spider: SourceSpider, page: WarcPage, entry: Entry) -> None:
        """The crawl's article step and store, for one archived page."""
        ledger = spider.ledger
        errors_before = len(ledger.errors)
        request = Request(page.url, meta={"pcm_entry": entry}, dont_filter=True)
        headers = {"Content-Type": page.content_type} if page.content_type else {}
        response = Response(page.url, status=200, headers=headers, body=page.body, request=request)
        store = self._stores[spider.source.name]
        for item in spider.parse_article(response):
            if isinstance(item, Request):
                continue  # a linked PDF: read from the archive if it holds it
            if isinstance(item, ArticleItem) and page.fetched_at is not None:
                item = replace(item, fetched_at=page.fetched_at)
            if isinstance(item, SkippedPage):
                logger.warning("%s: %s, %s", item.page_url, item.reason, item.detail)
            store.process_item(item)
        for error in ledger.errors[errors_before:]:
            logger.warning("%s: %s, %s", error.url, error.reason, error.detail)


def backfill(
    cfg: Config,
    paths: Iterable[str | Path],
    since: str | date | datetime | None = None,
    progress: bool = False,
) -> BackfillSummary:
    """Store the articles of WARC files as a crawl of the same pages would.

    Args:
        cfg: the config (its enabled sources say which hosts are read).
        paths: `.warc` or `.warc.gz` files, read in turn.
        since: skip articles published before this date.
        progress: show a progress bar of the records read (on stderr).

    Returns:
        The `BackfillSummary`. URLs already in `seen_urls` are passed over, so a second
        backfill of the same files stores nothing.
    """
    since_at = parse_since(since)  # a bad date stops the command before anything is read
    return Backfill(cfg, load_seen(cfg), since_at, progress).run(paths)
