"""The loading API: idempotent upserts keyed by canonical URL, crawl state, scores, feedback."""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb

from pcm.config import SOURCE_KINDS, TARGETS, TOPICS, VOICES

logger = logging.getLogger(__name__)

LABELS = ("positive", "neutral", "negative")
SEEN_OUTCOMES = ("irrelevant", "duplicate", "empty")  # "stored" is written by store_article
CRAWL_STATUSES = ("ok", "partial", "failed")
FEEDBACK_FIELDS = ("stance", "topic_add", "topic_remove", "voice")
ARTICLE_URL_SCHEMES = ("http://", "https://")  # the only URLs stored as an article
_CHUNK = 5000  # rows per INSERT: executemany costs ~7 ms a row in DuckDB, this ~0.05 ms


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
    voice: str  # one of pcm.config.VOICES
    speaker: str | None = None


@dataclass(frozen=True)
class CrawlStats:
    """One source's crawl in one run: a row of `crawl_stats`."""

    source: str
    source_kind: str
    started_at: datetime
    finished_at: datetime
    status: str  # ok | partial | failed
    run_id: int | None = None
    pages_fetched: int = 0
    new_articles: int = 0
    irrelevant: int = 0
    duplicates: int = 0
    empty_bodies: int = 0
    missing_dates: int = 0
    errors: int = 0
    errors_by_reason: dict[str, int] | None = None
    message: str | None = None


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN, then COMMIT when the block ends or ROLLBACK when it raises (no nesting)."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _aware(value: datetime | None, what: str) -> None:
    if value is not None and value.tzinfo is None:
        raise ValueError(f"{what} must be a timezone-aware datetime, got naive {value}")


def _one_of(value: Any, allowed: Sequence[str], what: str) -> None:
    if value not in allowed:
        raise ValueError(f"{what} must be one of {', '.join(allowed)}; got {value!r}")


def _insert_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    tail: str = "",
) -> list[tuple]:
    """Bulk INSERT with bound values: one list parameter per column, zipped by unnest().

    Table, columns and `tail` (an ON CONFLICT and/or RETURNING clause) are our own constants;
    the rows that RETURNING gives back are returned.
    """
    select = ", ".join("unnest(?)" for _ in columns)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} {tail}".rstrip()
    returned: list[tuple] = []
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        cursor = con.execute(sql, [list(column) for column in zip(*chunk, strict=True)])
        if "RETURNING" in tail:
            returned.extend(cursor.fetchall())
    return returned


def _check_article(article: ArticleRecord, passages: Sequence[PassageRecord]) -> None:
    if not article.url:
        raise ValueError("article url is empty")
    if not article.url.lower().startswith(ARTICLE_URL_SCHEMES):
        # javascript:, file:, data: ... would become live links on the dashboard and digest
        raise ValueError(f"article url {article.url[:80]!r} is not an http(s) URL")
    _one_of(article.source_kind, SOURCE_KINDS, f"source_kind of {article.url}")
    _aware(article.published_at, f"published_at of {article.url}")
    _aware(article.fetched_at, f"fetched_at of {article.url}")
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
        _one_of(p.voice, VOICES, f"voice of passage {p.position} of {article.url}")


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
        ids.update(_insert_rows(con, "articles", _ARTICLE_COLUMNS, values, "RETURNING url, id"))
        _insert_rows(
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
        _insert_rows(
            con,
            "seen_urls",
            _SEEN_COLUMNS,
            [(url, a.source, "stored", ids[url], now) for url, (a, _) in new.items()],
            "ON CONFLICT (url) DO UPDATE SET outcome = 'stored', article_id = excluded.article_id",
        )
    if existing:
        sources = {a.url: a.source for a, _ in batch}
        _insert_rows(
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
    when = _now(now)
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
    _one_of(outcome, SEEN_OUTCOMES, "outcome")
    con.execute(
        "INSERT INTO seen_urls (url, source, outcome, article_id, first_seen_at) "
        "VALUES (?, ?, ?, NULL, ?) ON CONFLICT DO NOTHING",
        [url, source, outcome, _now(now)],
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


_CRAWL_COLUMNS = tuple(f.name for f in dataclasses.fields(CrawlStats))


def record_crawl_stats(
    con: duckdb.DuckDBPyConnection, stats: CrawlStats | Mapping[str, Any] | Any
) -> None:
    """Write one source's crawl statistics (a row of `crawl_stats`).

    Args:
        con: a read-write connection.
        stats: a `CrawlStats`, or any dataclass or mapping with its field names (other fields
            are ignored). `errors_by_reason` is a dict and is stored as JSON.

    Raises:
        ValueError: a required field is missing or `status` is unknown.
    """
    if dataclasses.is_dataclass(stats) and not isinstance(stats, type):
        values = {f.name: getattr(stats, f.name) for f in dataclasses.fields(stats)}
    else:
        values = dict(stats)
    required = ("source", "source_kind", "started_at", "finished_at", "status")
    missing = [name for name in required if values.get(name) is None]
    if missing:
        raise ValueError(f"crawl stats lack {', '.join(missing)}")
    _one_of(values["status"], CRAWL_STATUSES, "crawl status")
    _aware(values["started_at"], "started_at")
    _aware(values["finished_at"], "finished_at")
    row = CrawlStats(**{k: v for k, v in values.items() if k in _CRAWL_COLUMNS})
    data = dataclasses.asdict(row)
    if data["errors_by_reason"] is not None:
        data["errors_by_reason"] = json.dumps(data["errors_by_reason"], sort_keys=True)
    _insert_rows(con, "crawl_stats", _CRAWL_COLUMNS, [[data[c] for c in _CRAWL_COLUMNS]])


def record_crawl_error(
    con: duckdb.DuckDBPyConnection,
    source: str,
    url: str,
    reason: str,
    detail: str | None = None,
    run_id: int | None = None,
    at: datetime | None = None,
) -> None:
    """Write one failed fetch or parse (a row of `crawl_errors`).

    Args:
        con: a read-write connection.
        source: the config source name.
        url: the URL that failed.
        reason: a short code such as http_404, timeout, robots_disallowed, too_large.
        detail: free text.
        run_id: the nightly run, if any.
        at: when (default: now, UTC).
    """
    con.execute(
        'INSERT INTO crawl_errors (run_id, source, url, reason, detail, "at") '
        "VALUES (?, ?, ?, ?, ?, ?)",
        [run_id, source, url, reason, detail, _now(at)],
    )


def register_model(
    con: duckdb.DuckDBPyConnection,
    model_version: str,
    name: str,
    info: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> bool:
    """Record a model version before it scores (idempotent: an existing row is kept).

    Args:
        con: a read-write connection.
        model_version: the version hash written on every score.
        name: a human name for the model.
        info: anything worth keeping (training data, metrics); stored as JSON.
        now: `created_at` for a new row (default: now, UTC). The newest model is the one the
            views report where it has scored a passage.

    Returns:
        True when the version was new.
    """
    row = con.execute(
        "INSERT INTO models (model_version, name, created_at, info) VALUES (?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING RETURNING model_version",
        [model_version, name, _now(now), json.dumps(dict(info or {}), sort_keys=True, default=str)],
    ).fetchall()
    return bool(row)


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def store_scores(
    con: duckdb.DuckDBPyConnection,
    rows: Iterable[tuple[int, Any]],
    model_version: str,
    now: datetime | None = None,
) -> int:
    """Write a batch of model results in one transaction (re-scoring replaces old rows).

    Every passage gets a `scored_passages` row (so `pending_passages` skips it next time) and
    one `scores` row per topic found. A passage that appears twice in the batch keeps its last
    result.

    Args:
        con: a read-write connection with no open transaction.
        rows: (passage_id, result) pairs; result is a `sentiment` PassageResult or a mapping
            with the same names: skipped (reason or None), truncated (bool), topics (items with
            topic, label, score, p_positive, p_neutral, p_negative, topic_prob, and optionally
            uncertain), and optionally target (force | other_force | national | none).
        model_version: the version that produced them; must be registered with `register_model`.
        now: `scored_at` (default: now, UTC).

    Returns:
        The number of `scores` rows written.

    Raises:
        ValueError: unknown model version, topic or label; nothing is written.
    """
    results: dict[int, Any] = {}
    for passage_id, result in rows:
        results[int(passage_id)] = result  # the last result for a passage wins
    score_rows: list[tuple] = []
    passage_rows: list[tuple] = []
    when = _now(now)
    for passage_id, result in results.items():
        topics = {}
        for item in _get(result, "topics") or []:
            topic, label = _get(item, "topic"), _get(item, "label")
            _one_of(topic, TOPICS, f"topic of passage {passage_id}")
            _one_of(label, LABELS, f"label of passage {passage_id}")
            topics[topic] = (
                passage_id,
                topic,
                label,
                float(_get(item, "score")),
                float(_get(item, "p_positive")),
                float(_get(item, "p_neutral")),
                float(_get(item, "p_negative")),
                _get(item, "topic_prob"),
                model_version,
                when,
                bool(_get(item, "uncertain", False)),
            )
        score_rows.extend(topics.values())
        target = _get(result, "target")
        if target is not None:
            _one_of(target, TARGETS, f"target of passage {passage_id}")
        passage_rows.append(
            (
                passage_id,
                model_version,
                len(topics),
                _get(result, "skipped"),
                bool(_get(result, "truncated", False)),
                when,
                target,
            )
        )
    if not results:
        return 0
    known = con.execute(
        "SELECT count(*) FROM models WHERE model_version = ?", [model_version]
    ).fetchone()[0]
    if not known:
        raise ValueError(
            f"model version {model_version} is not registered; call register_model first"
        )
    ids = list(results)
    with transaction(con):
        for table in ("scores", "scored_passages"):
            con.execute(
                f"DELETE FROM {table} WHERE model_version = ? "
                "AND passage_id IN (SELECT unnest(?::BIGINT[]))",
                [model_version, ids],
            )
        _insert_rows(
            con,
            "scores",
            (
                "passage_id",
                "topic",
                "label",
                "score",
                "p_positive",
                "p_neutral",
                "p_negative",
                "topic_prob",
                "model_version",
                "scored_at",
                "uncertain",
            ),
            score_rows,
        )
        _insert_rows(
            con,
            "scored_passages",
            (
                "passage_id",
                "model_version",
                "topics",
                "skipped",
                "truncated",
                "scored_at",
                "target",
            ),
            passage_rows,
        )
    return len(score_rows)


def pending_passages(
    con: duckdb.DuckDBPyConnection, model_version: str, limit: int | None = None
) -> list[tuple[int, str]]:
    """Passages with text that this model version has not looked at yet.

    Passages of duplicate articles are left out (the views never count them), and so are
    passages whose text retention has purged.

    Args:
        con: any connection.
        model_version: the scoring model's version.
        limit: at most this many (default: all), lowest id first.

    Returns:
        (passage_id, text) pairs.
    """
    sql = (
        "SELECT p.id, p.text FROM passages AS p JOIN articles AS a ON a.id = p.article_id "
        "WHERE p.text IS NOT NULL AND a.duplicate_of IS NULL AND NOT EXISTS ("
        "SELECT 1 FROM scored_passages AS s "
        "WHERE s.passage_id = p.id AND s.model_version = ?) ORDER BY p.id"
    )
    params: list[Any] = [model_version]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return [(row[0], row[1]) for row in con.execute(sql, params).fetchall()]


def add_feedback(
    con: duckdb.DuckDBPyConnection,
    passage_id: int,
    field: str,
    new_value: str | None,
    author: str,
    topic: str | None = None,
    old_value: str | None = None,
    now: datetime | None = None,
) -> int:
    """Record an analyst's correction; the views apply the newest one per passage and field.

    Args:
        con: a read-write connection.
        passage_id: the passage corrected.
        field: stance (needs topic; new_value a label), topic_add (needs topic; new_value the
            label, default neutral), topic_remove (needs topic), voice (new_value a voice).
        new_value: the corrected value.
        author: who made it.
        topic: the topic, for stance and topic changes.
        old_value: what the model said, for the record.
        now: `created_at` (default: now, UTC).

    Returns:
        The feedback id.

    Raises:
        ValueError: an unknown field, topic, label or voice, or a missing passage.
    """
    _one_of(field, FEEDBACK_FIELDS, "feedback field")
    if field == "voice":
        _one_of(new_value, VOICES, "voice")
        topic = None
    else:
        _one_of(topic, TOPICS, "topic")
    if field == "stance":
        _one_of(new_value, LABELS, "stance")
    elif field == "topic_add" and new_value is not None:
        _one_of(new_value, LABELS, "stance of the added topic")
    elif field == "topic_remove":
        new_value = None
    if not author:
        raise ValueError("feedback needs an author")
    found = con.execute("SELECT count(*) FROM passages WHERE id = ?", [passage_id]).fetchone()[0]
    if not found:
        raise ValueError(f"no passage with id {passage_id}")
    return con.execute(
        "INSERT INTO feedback (passage_id, field, topic, old_value, new_value, author, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [passage_id, field, topic, old_value, new_value, author, _now(now)],
    ).fetchone()[0]
