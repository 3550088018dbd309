"""What every loader shares: one transaction, bulk inserts with bound values, value checks."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import duckdb

CHUNK = 5000  # rows per INSERT: executemany costs ~7 ms a row in DuckDB, this ~0.05 ms


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


def utc_now(now: datetime | None) -> datetime:
    """`now`, or the current time in UTC when it is None."""
    return now or datetime.now(UTC)


def check_aware(value: datetime | None, what: str) -> None:
    """Refuse a naive datetime (None passes).

    Raises:
        ValueError: naming `what`.
    """
    if value is not None and value.tzinfo is None:
        raise ValueError(f"{what} must be a timezone-aware datetime, got naive {value}")


def check_one_of(value: Any, allowed: Sequence[str], what: str) -> None:
    """Refuse a value outside `allowed`.

    Raises:
        ValueError: naming `what` and the allowed values.
    """
    if value not in allowed:
        raise ValueError(f"{what} must be one of {', '.join(allowed)}; got {value!r}")


def insert_rows(
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
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        cursor = con.execute(sql, [list(column) for column in zip(*chunk, strict=True)])
        if "RETURNING" in tail:
            returned.extend(cursor.fetchall())
    return returned


def one_row(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | None = None
) -> tuple[Any, ...]:
    """The one row of a query that always returns one (an aggregate, `RETURNING` one row).

    Args:
        con: the connection.
        sql: the query.
        params: its bound parameters.

    Returns:
        The row.

    Raises:
        duckdb.InvalidInputException: when the query returned no row after all.
    """
    row = con.execute(sql, list(params or [])).fetchone()
    if row is None:
        raise duckdb.InvalidInputException(f"expected one row from: {sql.strip()[:80]}")
    return row
