"""The crawl's log: one `crawl_stats` row per source and run, one `crawl_errors` row per failure."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import duckdb

from warehouse.writing import check_aware, check_one_of, insert_rows, utc_now

CRAWL_STATUSES = ("ok", "partial", "failed")


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
        values = dict(cast(Mapping[str, Any], stats))
    required = ("source", "source_kind", "started_at", "finished_at", "status")
    missing = [name for name in required if values.get(name) is None]
    if missing:
        raise ValueError(f"crawl stats lack {', '.join(missing)}")
    check_one_of(values["status"], CRAWL_STATUSES, "crawl status")
    check_aware(values["started_at"], "started_at")
    check_aware(values["finished_at"], "finished_at")
    row = CrawlStats(**{k: v for k, v in values.items() if k in _CRAWL_COLUMNS})
    data = dataclasses.asdict(row)
    if data["errors_by_reason"] is not None:
        data["errors_by_reason"] = json.dumps(data["errors_by_reason"], sort_keys=True)
    insert_rows(con, "crawl_stats", _CRAWL_COLUMNS, [[data[c] for c in _CRAWL_COLUMNS]])


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
        [run_id, source, url, reason, detail, utc_now(at)],
    )
