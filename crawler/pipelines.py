"""The warehouse pipeline: relevance, near-duplicate check, passages, one transaction each."""

from __future__ import annotations

import contextlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime

import duckdb

from crawler.dates import LOCAL_TZ
from crawler.dedup import (
    SIMHASH_MAX_DISTANCE,
    SYNDICATION_WINDOW,
    content_hash,
    hamming,
    is_near_duplicate,
    simhash,
)
from crawler.items import ArticleItem, SkippedPage
from crawler.ledger import CrawlLedger
from crawler.relevance import RelevanceFilter
from sentiment.segment import segment_article
from warehouse.connection import writer
from warehouse.load import ArticleRecord, PassageRecord, record_seen, store_article

logger = logging.getLogger(__name__)

# In a source's own publications the unattributed narration is the source speaking: a force
# press release is the force's voice, not the media's.
# How a syndicated copy credits the outlet it took the story from.
_CREDIT = re.compile(r"\b(?:first|originally)\s+(?:published|appeared|reported)\b", re.I)
WRITE_BATCH = 10  # articles per writer session
NARRATOR_VOICE = {
    "force_statement": "force",
    "pcc_statement": "pcc",
    "inspectorate": "inspectorate",
}


class StoreFailedError(RuntimeError):
    """Raised by the test hook `fail_store_urls` to simulate a failed warehouse write."""


class WarehousePipeline:
    """Stores relevant articles with their passages; marks skipped URLs as seen.

    Items are written in small batches, one writer session per batch (opening DuckDB costs
    about 0.1 s) and one transaction per article: the article, its passages and its
    `seen_urls` row. A killed crawl loses at most the batch in hand, and those URLs were never
    marked seen, so the next run fetches them again.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.batch_size = crawler.settings.getint("PCM_WRITE_BATCH", WRITE_BATCH)
        self._pending: list[ArticleItem | SkippedPage] = []

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self, spider=None) -> None:
        spider = spider or self.crawler.spider
        self.cfg = spider.cfg
        self.ledger: CrawlLedger = spider.ledger
        self.fail_store_urls = spider.fail_store_urls
        self.relevance = RelevanceFilter(self.cfg.force)
        self.aliases = [self.cfg.force.name, *self.cfg.force.aliases]

    def process_item(self, item):
        if isinstance(item, ArticleItem | SkippedPage):
            self._pending.append(item)
            if len(self._pending) >= self.batch_size:
                self.flush()
        return item

    def close_spider(self, spider=None) -> None:
        self.flush()

    def flush(self) -> None:
        """Write the pending items, one transaction each, in one writer session."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        try:
            with writer(self.cfg) as con:
                for item in pending:
                    self._write_one(con, item)
        except Exception as exc:  # the warehouse could not be opened: nothing was written
            logger.error("warehouse write failed: %s", exc)
            for item in pending:
                url = item.request_url if isinstance(item, ArticleItem) else item.url
                self.ledger.error(url, "store_failed", f"{type(exc).__name__}: {exc}")

    def _write_one(self, con, item: ArticleItem | SkippedPage) -> None:
        try:
            if isinstance(item, SkippedPage):
                self.ledger.empty_bodies += 1
                self.ledger.error(item.page_url, item.reason, item.detail)
                record_seen(con, item.url, item.source, "empty")
            else:
                self._store(con, item)
        except Exception as exc:  # one article's failure must not stop the others
            logger.warning("storing %s failed: %s", getattr(item, "url", "?"), exc)
            with contextlib.suppress(duckdb.Error):
                con.rollback()
            url = item.request_url if isinstance(item, ArticleItem) else item.url
            self.ledger.error(url, "store_failed", f"{type(exc).__name__}: {exc}")

    def _passages(self, item: ArticleItem) -> list[PassageRecord]:
        narrator = NARRATOR_VOICE.get(item.source_kind)
        passages = []
        for seg in segment_article(item.text, self.cfg.force.people, self.aliases):
            voice, speaker = seg.voice, seg.speaker
            if narrator and voice == "media" and speaker is None:
                voice = narrator
            passages.append(PassageRecord(seg.position, seg.paragraph, seg.text, voice, speaker))
        return passages

    def _store(self, con, item: ArticleItem) -> None:
        if not self.relevance.is_relevant(item.text, item.title, item.source_kind):
            self.ledger.irrelevant += 1
            record_seen(con, item.request_url, item.source, "irrelevant")
            return
        existing = con.execute("SELECT id FROM articles WHERE url = ?", [item.url]).fetchone()
        if existing:
            # Reached under another URL (rel=canonical): a copy of what we have.
            self.ledger.duplicates += 1
            if item.request_url != item.url:
                record_seen(con, item.request_url, item.source, "duplicate")
            return
        fingerprint = simhash(item.text)
        digest = content_hash(item.text)
        when = item.published_at or item.fetched_at
        match = find_duplicate(con, item.url, item.text, digest, fingerprint, when)
        replaces = match.id if match and is_original(item.text, when, match) else None
        duplicate_of = match.id if match and not replaces else None
        passages = [] if duplicate_of else self._passages(item)
        record = ArticleRecord(
            url=item.url,
            source=item.source,
            source_kind=item.source_kind,
            title=item.title,
            author=item.author,
            published_at=item.published_at,
            fetched_at=item.fetched_at,
            language=item.language,
            content_hash=digest,
            fingerprint=fingerprint,
            duplicate_of=duplicate_of,
        )
        if item.url in self.fail_store_urls or item.request_url in self.fail_store_urls:
            raise StoreFailedError(f"test hook: refusing to store {item.url}")
        article_id = store_article(con, record, passages)
        if replaces:
            logger.info("%s is the original of article %d", item.url, replaces)
            con.execute(
                "UPDATE articles SET duplicate_of = ? WHERE id = ? OR duplicate_of = ?",
                [article_id, replaces, replaces],
            )
        if item.request_url != item.url:
            record_seen(con, item.request_url, item.source, "duplicate")  # an alias URL
        if item.published_at is None:
            self.ledger.missing_dates += 1
        if duplicate_of or replaces:
            self.ledger.duplicates += 1
        else:
            self.ledger.new_articles += 1


@dataclass(frozen=True)
class Match:
    """A stored original that a new article copies (or is copied by)."""

    id: int
    when: datetime  # its publication time, else its fetch time
    text: str  # its passages joined ("" for an exact copy, which needs no text)


def published_earlier(one: datetime, other: datetime) -> bool:
    """True when `one` is clearly earlier; a bare date (local midnight) is compared by day."""
    a, b = one.astimezone(LOCAL_TZ), other.astimezone(LOCAL_TZ)
    if (a.hour, a.minute, a.second) == (0, 0, 0) or (b.hour, b.minute, b.second) == (0, 0, 0):
        return a.date() < b.date()
    return a < b


def is_original(text: str, when: datetime, match: Match) -> bool:
    """Whether the new article is the original of the stored match: it was published first
    (whichever outlet happened to be crawled first), or on the same day while the stored one
    credits another outlet ("first published by") and the new one does not."""
    if published_earlier(when, match.when):
        return True
    if published_earlier(match.when, when):
        return False
    return bool(_CREDIT.search(match.text)) and not _CREDIT.search(text)


def find_duplicate(
    con, url: str, text: str, digest: str, fingerprint: int | None, when: datetime
) -> Match | None:
    """The stored original article this text copies, or None.

    Only originals (not themselves duplicates) published (else fetched) within
    `SYNDICATION_WINDOW` of `when` are compared. Exact copies match on `content_hash`; near
    copies are candidates when their simhash is within `SIMHASH_MAX_DISTANCE` bits and are
    confirmed by word-shingle Jaccard (`is_near_duplicate`).

    Args:
        con: a warehouse connection.
        url: this article's canonical URL (never its own duplicate).
        text: this article's body.
        digest: `content_hash(text)`.
        fingerprint: `simhash(text)`.
        when: this article's publication time (else fetch time), aware.
    """
    window = [url, when - SYNDICATION_WINDOW, when + SYNDICATION_WINDOW]
    recent = (
        "duplicate_of IS NULL AND url <> ? AND coalesce(published_at, fetched_at) BETWEEN ? AND ?"
    )
    row = con.execute(
        f"SELECT id, coalesce(published_at, fetched_at) FROM articles WHERE {recent} "
        "AND content_hash = ? ORDER BY id LIMIT 1",
        [*window, digest],
    ).fetchone()
    if row:
        return Match(row[0], row[1], "")
    if fingerprint is None:
        return None
    candidates = con.execute(
        f"SELECT id, fingerprint, coalesce(published_at, fetched_at) FROM articles WHERE {recent} "
        "AND fingerprint IS NOT NULL "
        "ORDER BY id",
        window,
    ).fetchall()
    for article_id, other, published in candidates:
        if hamming(int(other), fingerprint) > SIMHASH_MAX_DISTANCE:
            continue
        stored = con.execute(
            "SELECT string_agg(text, ' ' ORDER BY position) FROM passages WHERE article_id = ?",
            [article_id],
        ).fetchone()[0]
        if stored and is_near_duplicate(text, stored):
            logger.info("%s is a near-duplicate of article %d", url, article_id)
            return Match(article_id, published, stored)
    return None
