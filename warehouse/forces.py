"""The `forces` table: the config's forces as the warehouse knows them (migration 008).

Every writer session mirrors the config's list here (`sync`), so views, `pcm sql` and the
dashboard can name each force and find the default one (position 0) without the config.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime

import duckdb

from warehouse.writing import one_row, transaction

logger = logging.getLogger(__name__)

# The default force's id as SQL: what a view reads when the session names no force.
DEFAULT_FORCE_SQL = "(SELECT id FROM forces ORDER BY position LIMIT 1)"


def sync(con: duckdb.DuckDBPyConnection, forces: Sequence) -> bool:
    """Make the `forces` table list exactly these forces, in this order.

    Alerts raised before forces existed (force_id NULL) are given the default force.

    Args:
        con: a read-write connection with no open transaction.
        forces: the config's forces (objects with `id` and `name`).

    Returns:
        True when the table changed.
    """
    wanted = [(f.id, f.name, i) for i, f in enumerate(forces)]
    have = con.execute("SELECT id, name, position FROM forces ORDER BY position").fetchall()
    legacy = one_row(con, "SELECT count(*) FROM alerts WHERE force_id IS NULL")[0]
    if have == wanted and not legacy:
        return False
    with transaction(con):
        now = datetime.now(UTC)
        con.execute("DELETE FROM forces")
        con.executemany(
            "INSERT INTO forces (id, name, position, updated_at) VALUES (?, ?, ?, ?)",
            [(*row, now) for row in wanted],
        )
        if legacy and wanted:
            con.execute("UPDATE alerts SET force_id = ? WHERE force_id IS NULL", [wanted[0][0]])
    if have != wanted:
        logger.info("warehouse forces: %s", ", ".join(i for i, _, _ in wanted))
    return True


def default_force_id(con: duckdb.DuckDBPyConnection) -> str | None:
    """The default force's id (position 0), or None before any writer named the forces."""
    row = con.execute(f"SELECT {DEFAULT_FORCE_SQL}").fetchone()
    return row[0] if row else None
