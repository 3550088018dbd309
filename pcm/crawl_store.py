"""The warehouse pipeline: relevance, near-duplicate check, passages, one transaction each."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime

import duckdb

from crawler.dedup import (
    SIMHASH_MAX_DISTANCE,
    SYNDICATION_WINDOW,
    content_hash,
    credits_source,
    hamming,
    is_near_duplicate,
    simhash,
)
from crawler.failures import PASSAGES_CAPPED
from crawler.items import ArticleItem, SkippedPage
from crawler.ledger import CrawlLedger
from crawler.relevance import RelevanceFilter
from passages.segment import segment_article
from warehouse.articles import ArticleRecord, PassageRecord, record_seen, store_article
from warehouse.connection import writer

logger = logging.getLogger(__name__)

WRITE_BATCH = 10  # articles per writer session


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
        self.relevance = RelevanceFilter(self.cfg.forces)  # any force
        # with many forces, an article must be about one of the forces its source covers
        self._relevance = {
            s.name: RelevanceFilter(self.cfg.source_forces(s.name)) for s in self.cfg.sources
        }
        self.aliases = self.cfg.force.names

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

    def _passages(self, item: ArticleItem) -> tuple[list[PassageRecord], int]:
        """The article's passages, at most `crawl.max_passages_per_article` of them (the first
        ones), and how many were dropped. On a statement page the narration is the publisher's
        voice (sentiment applies it from the source kind)."""
        segments = segment_article(
            item.text, self.cfg.force.people, self.aliases, source_kind=item.source_kind
        )
        cap = self.cfg.crawl.max_passages_per_article
        dropped = max(len(segments) - cap, 0)
        if dropped:
            logger.warning(
                "%s: %d passages, only the first %d kept (crawl.max_passages_per_article)",
                item.url,
                len(segments),
                cap,
            )
            self.ledger.error(
                item.request_url,
                PASSAGES_CAPPED,
                f"kept {cap} of {len(segments)} passages (crawl.max_passages_per_article)",
            )
        passages = [
            PassageRecord(seg.position, seg.paragraph, seg.text, seg.voice, seg.speaker)
            for seg in segments[:cap]
        ]
        return passages, dropped

    def _store(self, con, item: ArticleItem) -> None:
        relevance = self._relevance.get(item.source, self.relevance)
        if not relevance.is_relevant(item.text, item.title, item.source_kind):
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
        replaces = match.id if match and is_original(item.text, item.source, match) else None
        duplicate_of = match.id if match and not replaces else None
        passages, dropped = ([], 0) if duplicate_of else self._passages(item)
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
            passages_dropped=dropped,
        )
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
    source: str = ""  # its configured source


def is_original(text: str, source: str, match: Match) -> bool:
    """Whether a newcomer from `source` takes the original's place from the stored `match`.

    Never because of the dates it claims (a copy can claim any date): the stored article stays
    the original unless it is from another source and itself credits the newcomer's source as
    where the story first appeared ("first published by the Sedgebury Echo"), and the newcomer
    does not credit the stored article's source back. Only the stored article's own publisher
    can say that it is a copy.

    Args:
        text: the newcomer's body.
        source: the newcomer's configured source name.
        match: the stored original it copies (or is copied by).

    Returns:
        True when the newcomer becomes the original and the stored article its duplicate.
    """
    if not match.source or match.source == source:
        return False
    return credits_source(match.text, source) and not credits_source(text, match.source)


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
        f"SELECT id, coalesce(published_at, fetched_at), source FROM articles WHERE {recent} "
        "AND content_hash = ? ORDER BY id LIMIT 1",
        [*window, digest],
    ).fetchone()
    if row:
        return Match(row[0], row[1], "", row[2])
    if fingerprint is None:
        return None
    candidates = con.execute(
        "SELECT id, fingerprint, coalesce(published_at, fetched_at), source FROM articles "
        f"WHERE {recent} AND fingerprint IS NOT NULL ORDER BY id",
        window,
    ).fetchall()
    for article_id, other, published, source in candidates:
        if hamming(int(other), fingerprint) > SIMHASH_MAX_DISTANCE:
            continue
        stored = con.execute(
            "SELECT string_agg(text, ' ' ORDER BY position) FROM passages WHERE article_id = ?",
            [article_id],
        ).fetchone()[0]
        if stored and is_near_duplicate(text, stored):
            logger.info("%s is a near-duplicate of article %d", url, article_id)
            return Match(article_id, published, stored, source)
    return None
