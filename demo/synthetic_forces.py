"""Many forces in a synthetic warehouse: the 43 territorial forces of England and Wales, each
article of `demo.synthetic` given to one of them (a tenth to two), for tests and the Compare
page's benchmark."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import duckdb

from core.forces import force_id

logger = logging.getLogger(__name__)

SECOND_FORCE_SHARE = 10  # percent of articles about two forces (a shared unit, a neighbour)
# The 43 territorial police forces of England and Wales (Home Office list), by name.
ENGLAND_AND_WALES = (
    "Norfolk Constabulary", "Avon and Somerset Constabulary", "Bedfordshire Police",
    "Cambridgeshire Constabulary", "Cheshire Constabulary", "City of London Police",
    "Cleveland Police", "Cumbria Constabulary", "Derbyshire Constabulary",
    "Devon and Cornwall Police", "Dorset Police", "Durham Constabulary", "Dyfed-Powys Police",
    "Essex Police", "Gloucestershire Constabulary", "Greater Manchester Police", "Gwent Police",
    "Hampshire and Isle of Wight Constabulary", "Hertfordshire Constabulary",
    "Humberside Police", "Kent Police", "Lancashire Constabulary", "Leicestershire Police",
    "Lincolnshire Police", "Merseyside Police", "Metropolitan Police Service",
    "North Wales Police", "North Yorkshire Police", "Northamptonshire Police",
    "Northumbria Police", "Nottinghamshire Police", "South Wales Police",
    "South Yorkshire Police", "Staffordshire Police", "Suffolk Constabulary", "Surrey Police",
    "Sussex Police", "Thames Valley Police", "Warwickshire Police", "West Mercia Police",
    "West Midlands Police", "West Yorkshire Police", "Wiltshire Police",
)  # fmt: skip


def forces(n: int) -> list[tuple[str, str]]:
    """The first `n` forces of `ENGLAND_AND_WALES` as (id, name), Norfolk first."""
    if not 1 <= n <= len(ENGLAND_AND_WALES):
        raise ValueError(f"between 1 and {len(ENGLAND_AND_WALES)} forces, not {n}")
    return [(force_id(name), name) for name in ENGLAND_AND_WALES[:n]]


def add_forces(con: duckdb.DuckDBPyConnection, chosen: list[tuple[str, str]]) -> int:
    """Give every scored passage of the synthetic warehouse to the forces its article is about.

    Each article belongs to one force (a hash of its id), and `SECOND_FORCE_SHARE` per cent also
    to the next one; its passages get a `passage_forces` row per force (target `force`, the
    crawl-time voice). The `forces` table lists `chosen` in order.

    Returns:
        The number of `passage_forces` rows written.
    """
    n = len(chosen)
    con.execute("DELETE FROM forces")
    con.executemany(
        "INSERT INTO forces VALUES (?, ?, ?, ?)",
        [(fid, name, i, datetime.now(UTC)) for i, (fid, name) in enumerate(chosen)],
    )
    con.execute(
        """
        INSERT INTO passage_forces
        WITH picks AS (
            SELECT a.id AS article_id, (hash(a.id, 'force') % $n)::INTEGER AS pick
            FROM articles AS a
            UNION ALL
            SELECT a.id, ((hash(a.id, 'force') + 1) % $n)::INTEGER
            FROM articles AS a
            WHERE $n > 1 AND hash(a.id, 'second force') % 100 < $share
        )
        SELECT sp.passage_id, sp.model_version, f.id, 'force', p.voice, p.speaker
        FROM scored_passages AS sp
        JOIN passages AS p ON p.id = sp.passage_id
        JOIN picks AS k ON k.article_id = p.article_id
        JOIN forces AS f ON f.position = k.pick
        """,
        {"n": n, "share": SECOND_FORCE_SHARE},
    )
    rows = con.execute("SELECT count(*) FROM passage_forces").fetchone()[0]
    logger.info("synthetic forces: %d forces, %d passage_forces rows", n, rows)
    return rows


def forces_yaml(chosen: list[tuple[str, str]]) -> str:
    """The `forces:` section of a config for these forces."""
    lines = ["forces:"]
    lines += [f"  - {{id: {fid}, name: {name}}}" for fid, name in chosen]
    return "\n".join(lines) + "\n"
