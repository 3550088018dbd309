"""Articles, their passages and the crawl's "seen" marks: idempotent upserts by canonical URL."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb

from core.vocabulary import SOURCE_KINDS, VOICES
from warehouse.writing import check_aware, check_one_of, insert_rows, transaction, utc_now

SEEN_OUTCOMES = ("irrelevant", "duplicate", "empty")  # "stored" is written by store_article
ARTICLE_URL_SCHEMES = ("http://", "https://")  # the only URLs stored as an article


@dataclass(frozen=True)
class ArticleRecord:
    """One article as the crawler stores it (the body itself is never stored, only passages)."""

    url: str  # canonical URL, the key
    source: str
    source_kind: str
    title: str | None
    author: str | None
    published_at: datetime | None  # timezone-aware
    fetched_at: datetime  # timezone-aware
    language: str | None = None
    content_hash: str | None = None
    fingerprint: int | None = None  # 64-bit simhash, 0 <= f < 2**64
    duplicate_of: int | None = None  # id of the article this one copies
    passages_dropped: int = 0  # passages over crawl.max_passages_per_article, not stored


@dataclass(frozen=True)
class PassageRecord:
    """One passage of an article: a sentence or a few, never across a paragraph."""

    position: int  # 0-based order in the article
    paragraph: int  # 0-based paragraph index
    text: str
    voice: str  # one of core.config.VOICES
    speaker: str | None = None


def _check_article(article: ArticleRecord, passages: Sequence[PassageRecord]) -> None:
    if not article.url:
        raise ValueError("article url is empty")
    if not article.url.lower().startswith(ARTICLE_URL_SCHEMES):
        # javascript:, file:, data: ... would become live links on the dashboard and digest
        raise ValueError(f"article url {article.url[:80]!r} is not an http(s) URL")
    check_one_of(article.source_kind, SOURCE_KINDS, f"source_kind of {article.url}")
    check_aware(article.published_at, f"published_at of {article.url}")
    check_aware(article.fetched_at, f"fetched_at of {article.url}")
    if article.fetched_at is None:
        raise ValueError(f"fetched_at of {article.url} is missing")
    if article.passages_dropped < 0:
        raise ValueError(f"passages_dropped of {article.url} is negative")
    if article.fingerprint is not None and not 0 <= article.fingerprint < 2**64:
        raise ValueError(f"fingerprint of {article.url} is not an unsigned 64-bit integer")
    positions = [p.position for p in passages]
    if len(set(positions)) != len(positions):
        raise ValueError(f"passages of {article.url} repeat a position")
    for p in passages:
        check_one_of(p.voice, VOICES, f"voice of passage {p.position} of {article.url}")


_ARTICLE_COLUMNS = (
    "url", "source", "source_kind", "title", "author", "published_at", "fetched_at", "language",
    "content_hash", "fingerprint", "duplicate_of", "passages_dropped",
)  # fmt: skip
_SEEN_COLUMNS = ("url", "source", "outcome", "article_id", "first_seen_at")


def _store_batch(
    con: duckdb.DuckDBPyConnection,
    batch: Sequence[tuple[ArticleRecord, Sequence[PassageRecord]]],
    now: datetime,
) -> list[int]:
    """The body of `store_articles`: four statements per batch, not per article."""
    urls = list(dict.fromkeys(article.url for article, _ in batch))
    ids = dict(
        con.execute(
            "SELECT url, id FROM articles WHERE url IN (SELECT unnest(?::VARCHAR[]))", [urls]
        ).fetchall()
    )
    existing = set(ids)
    new: dict[str, tuple[ArticleRecord, Sequence[PassageRecord]]] = {}
    for article, passages in batch:
        if article.url not in existing and article.url not in new:
            new[article.url] = (article, passages)  # the first copy of a URL in a batch wins
    if new:
        values = [[getattr(a, c) for c in _ARTICLE_COLUMNS] for a, _ in new.values()]
        ids.update(insert_rows(con, "articles", _ARTICLE_COLUMNS, values, "RETURNING url, id"))
        insert_rows(
            con,
            "passages",
            ("article_id", "position", "paragraph", "text", "voice", "speaker"),
            [
                (ids[url], p.position, p.paragraph, p.text, p.voice, p.speaker)
                for url, (_, passages) in new.items()
                for p in passages
            ],
        )
        # The "seen" mark goes in with the article, never before it: a crash leaves neither.
        insert_rows(
            con,
            "seen_urls",
            _SEEN_COLUMNS,
            [(url, a.source, "stored", ids[url], now) for url, (a, _) in new.items()],
            "ON CONFLICT (url) DO UPDATE SET outcome = 'stored', article_id = excluded.article_id",
        )
    if existing:
        sources = {a.url: a.source for a, _ in batch}
        insert_rows(
            con,
            "seen_urls",
            _SEEN_COLUMNS,
            [(url, sources[url], "stored", ids[url], now) for url in sorted(existing)],
            "ON CONFLICT DO NOTHING",
        )
    return [ids[article.url] for article, _ in batch]


def store_articles(
    con: duckdb.DuckDBPyConnection,
    items: Iterable[tuple[ArticleRecord, Sequence[PassageRecord]]],
    now: datetime | None = None,
) -> list[int]:
    """Store a batch of articles with their passages and "seen" marks in ONE transaction.

    Idempotent by canonical URL: an article whose URL is already stored (in the warehouse or
    earlier in the same batch) is left as it is and its existing id returned.

    Args:
        con: a read-write connection with no open transaction.
        items: (article, passages) pairs.
        now: the time written to `seen_urls.first_seen_at` (default: now, UTC).

    Returns:
        The article id of each item, in order.

    Raises:
        ValueError: a record is invalid (unknown voice or source kind, naive datetime, repeated
            passage position); nothing of the batch is stored.
    """
    batch = list(items)
    for article, passages in batch:
        _check_article(article, passages)
    when = utc_now(now)
    with transaction(con):
        return _store_batch(con, batch, when) if batch else []


def store_article(
    con: duckdb.DuckDBPyConnection,
    article: ArticleRecord,
    passages: Sequence[PassageRecord],
    now: datetime | None = None,
) -> int:
    """Store one article, its passages and its `seen_urls` row in one transaction.

    Args:
        con: a read-write connection with no open transaction.
        article: the article; `url` is the canonical URL and the key.
        passages: its passages.
        now: the time written to `seen_urls.first_seen_at` (default: now, UTC).

    Returns:
        The article id (the existing one when the URL was stored before; nothing changes then).
    """
    return store_articles(con, [(article, passages)], now=now)[0]


def record_seen(
    con: duckdb.DuckDBPyConnection, url: str, source: str, outcome: str, now: datetime | None = None
) -> None:
    """Mark a URL as dealt with for good without storing an article (first outcome wins).

    Args:
        con: a read-write connection.
        url: the canonical URL.
        source: the config source name.
        outcome: irrelevant, duplicate or empty.
        now: the time recorded (default: now, UTC).
    """
    check_one_of(outcome, SEEN_OUTCOMES, "outcome")
    con.execute(
        "INSERT INTO seen_urls (url, source, outcome, article_id, first_seen_at) "
        "VALUES (?, ?, ?, NULL, ?) ON CONFLICT DO NOTHING",
        [url, source, outcome, utc_now(now)],
    )


def seen_urls(con: duckdb.DuckDBPyConnection, source: str | None = None) -> set[str]:
    """The canonical URLs already dealt with (stored or skipped for good).

    Args:
        con: any connection.
        source: only this source's URLs (default: all).

    Returns:
        A set of URLs.
    """
    if source is None:
        rows = con.execute("SELECT url FROM seen_urls").fetchall()
    else:
        rows = con.execute("SELECT url FROM seen_urls WHERE source = ?", [source]).fetchall()
    return {row[0] for row in rows}
