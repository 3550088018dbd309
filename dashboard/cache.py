"""Cache and connection plumbing of the dashboard's queries: short-lived read-only connections,
the data version results are keyed on, and the in-memory snapshot pages aggregate.

`passage_scores` (the view that applies analysts' corrections) is read once per *data version*
into an in-memory Arrow snapshot (dashboard/snapshot.py), from its materialized copy
`dashboard_passage_scores` when that is current, else from the view (one full scan of about a
million rows), and each page aggregates that snapshot with an in-memory DuckDB connection (tens
of milliseconds). The data version is a cheap fingerprint of the tables the
nightly job and the Review page write. Small tables (runs, alerts, crawl stats) are read straight
from the file. Cached results are keyed by the snapshot version they were computed from.

Every read goes to the snapshot the nightly job publishes (warehouse/published.py), so the
dashboard never blocks the writer; without one it reads the warehouse file itself. A reader that
meets the nightly job's write lock there retries briefly (warehouse.connection.reader) and raises
`WarehouseLockedError`; `data_version` then falls back to the last version read, so
pages keep showing the last data with a "refreshing" notice. Exceptions are never cached.
"""

from __future__ import annotations

import logging
import threading

import duckdb
import pandas as pd
import streamlit as st

from core.errors import WarehouseLockedError
from dashboard import snapshot
from warehouse.connection import reader
from warehouse.migrate import statistics_sql

logger = logging.getLogger(__name__)

TTL_S = 900  # a cached result is read again after this, whatever the data version says
VERSION_TTL_S = 30  # how often the data version is checked (one tiny query)
MAX_ENTRIES = 64  # per function: enough for a few people's filter combinations
DISPLAY_TZ = "Europe/London"  # timestamps are shown in the force's local time

# The warehouse's article- and story-level views, in the order they build on each other: the
# one definition of an article's stance on a topic (warehouse/views/05_article_topic_voices.sql),
# stories with their outlets (08) and each topic's weekly share of negative stories (09).
ARTICLE_VIEWS = ("article_topic_voices", "article_topics", "story_topics", "topic_weekly")
# What those views read of `passage_scores` beyond the snapshot's columns, from `articles`.
_SCOPED_PASSAGE_SCORES = """
    CREATE TEMP VIEW passage_scores AS
    SELECT s.*, a.title, a.url, a.published_at
    FROM scoped_passage_scores AS s JOIN articles AS a ON a.id = s.article_id
"""

cached = st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
_last_version: dict[str, str] = {}  # db path -> the newest version read (fallback when locked)
_last_version_lock = threading.Lock()


def frame(
    db_path: str, sql: str, params: list | dict | None = None, force: str | None = None
) -> pd.DataFrame:
    """Run one query on a short-lived read-only connection to the warehouse file.

    Args:
        db_path: the warehouse file.
        sql: the query; values only as bound parameters.
        params: the bound values.
        force: the force whose readings the views give (`pcm_force`); None: the default one.

    Returns:
        The result as a DataFrame (timestamps in Europe/London).

    Raises:
        WarehouseLockedError: a writer held the file for longer than the reader's retry.
        WarehouseMissingError: there is no warehouse file.
    """
    with reader(db_path, published=True) as con:
        con.execute(f"SET TimeZone = '{DISPLAY_TZ}'")  # a constant; ICU is built into duckdb
        if force:
            con.execute("SET VARIABLE pcm_force = ?", [force])
        return con.execute(sql, params or []).df()


@st.cache_data(ttl=VERSION_TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def _read_version(db_path: str) -> str:
    row = (
        frame(
            db_path,
            """
        SELECT (SELECT count(*) FROM scores), (SELECT max(scored_at) FROM scores),
               (SELECT count(*) FROM scored_passages), (SELECT count(*) FROM models),
               (SELECT count(*) FROM feedback), (SELECT max(id) FROM feedback),
               (SELECT count(*) FROM articles), (SELECT count(duplicate_of) FROM articles),
               (SELECT count(*) FROM passages), (SELECT max(id) FROM runs),
               (SELECT max(coalesce(finished_at, started_at)) FROM runs),
               (SELECT max(id) FROM alerts), (SELECT count(*) FROM crawl_stats)
    """,
        )
        .iloc[0]
        .tolist()
    )
    return "|".join(str(v) for v in row)


def data_version(db_path: str) -> tuple[str, bool]:
    """A fingerprint of the warehouse's contents, and whether it is stale.

    Args:
        db_path: the warehouse file.

    Returns:
        (version, stale): stale is True when the file is locked by a writer right now and the
        last version read in this process is returned instead.

    Raises:
        WarehouseLockedError: the file is locked and nothing was read from it before.
    """
    try:
        version = _read_version(db_path)
    except WarehouseLockedError:
        with _last_version_lock:
            last = _last_version.get(db_path)
        if last is None:
            raise
        return last, True
    with _last_version_lock:
        _last_version[db_path] = version
    return version, False


def _snapshot_connection(
    db_path: str, version: str, passage_scores: str
) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with the snapshot's tables registered (`passage_scores` under the
    given name) and the display time zone set."""
    con = duckdb.connect()
    try:
        con.execute(f"SET TimeZone = '{DISPLAY_TZ}'")
        for name, table in snapshot.tables(db_path, version).items():
            con.register(passage_scores if name == "passage_scores" else name, table)
    except BaseException:
        con.close()
        raise
    return con


def mem(db_path: str, version: str, sql: str, params: list | dict | None = None) -> pd.DataFrame:
    """Run a query over the snapshot (tables `passage_scores` and `articles`) in memory.

    Args:
        db_path: the warehouse file.
        version: the snapshot version (from `snapshot.current`).
        sql: the query; values only as bound parameters.
        params: the bound values.

    Returns:
        The result as a DataFrame.
    """
    con = _snapshot_connection(db_path, version, "passage_scores")
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


@cached
def view_sql(db_path: str, version: str, names: tuple[str, ...]) -> list[str]:
    """The `CREATE VIEW` statements of the named views as the warehouse defines them, in the
    order given.

    A view the warehouse lacks is left out: the query that reads it then raises
    `duckdb.CatalogException`, which app.py answers with "run `pcm init`".
    """
    found = dict(
        frame(
            db_path,
            "SELECT view_name, sql FROM duckdb_views() "
            "WHERE NOT internal AND list_contains($names, view_name)",
            {"names": list(names)},
        ).itertuples(index=False)
    )
    return [found[name] for name in names if name in found]


def article_view_sql(db_path: str, version: str) -> list[str]:
    """The `CREATE VIEW` statements of `ARTICLE_VIEWS` as the warehouse defines them, in order."""
    return view_sql(db_path, version, ARTICLE_VIEWS)


def mem_articles(
    db_path: str,
    version: str,
    scope: tuple[str, list],
    sql: str,
    params: list | dict | None = None,
    more_views: tuple[str, ...] = (),
    variables: dict | None = None,
) -> pd.DataFrame:
    """Run a query over the snapshot rows in `scope`, with the warehouse's article views.

    The views `article_topic_voices` and `article_topics` are created in memory from the
    warehouse's own definitions (`article_view_sql`) over `passage_scores` restricted to `scope`,
    so a page reads an article's stance as the views define it without scanning the views in
    the file (a full pass of window functions). Restricting first is exact only when `scope`
    keeps or drops whole (article, topic) groups: conditions on the article (day, source,
    source kind) and on the topic, never on the passage (voice).

    Args:
        db_path: the warehouse file.
        version: the snapshot version.
        scope: (condition over `passage_scores` columns, its bound parameters).
        sql: the query; reads `passage_scores` (the rows in scope), `articles` and the views.
        params: its bound values.
        more_views: further views to create after the article views (e.g. the Coverage
            page's), also from the warehouse's own definitions.
        variables: DuckDB session variables the views read (e.g. pcm_as_of); the names are
            the callers' constants.

    Returns:
        The result as a DataFrame.
    """
    views = article_view_sql(db_path, version) + view_sql(db_path, version, more_views)
    con = _snapshot_connection(db_path, version, "snapshot_passage_scores")
    try:
        cond, cond_params = scope
        con.execute(
            f"CREATE TEMP TABLE scoped_passage_scores AS "
            f"SELECT * FROM snapshot_passage_scores WHERE {cond}",
            cond_params,
        )
        con.execute(_SCOPED_PASSAGE_SCORES)
        con.execute(statistics_sql())  # the macros the views call
        for statement in views:
            con.execute(statement)
        for name, value in (variables or {}).items():
            con.execute(f"SET VARIABLE {name} = ?", [value])
        return con.execute(sql, params or []).df()
    finally:
        con.close()


def numbered(cond: str, n: int) -> str:
    """Turn the filter's `?` placeholders into $p1..$pn so they mix with named parameters."""
    parts = cond.split("?")
    out = [parts[0]]
    for i, part in enumerate(parts[1:]):
        out.append(f"$p{i + 1}" if i < n else "?")
        out.append(part)
    return "".join(out)


def named(params: list, **values) -> dict:
    """Parameters for a query that uses $p1.. for the filter and $name for the rest."""
    return {**{f"p{i + 1}": v for i, v in enumerate(params)}, **values}


def lock_free(db_path: str) -> bool:
    """Whether a reader can open the warehouse right now (no retry): the writer has finished."""
    try:
        with reader(db_path, retry_s=0, published=True):
            return True
    except WarehouseLockedError:
        return False


def clear(db_path: str | None = None) -> None:
    """Forget cached results and the snapshot (after a write, so every page shows it at once).

    Args:
        db_path: the warehouse written to (its snapshot is dropped); None drops every snapshot.
    """
    st.cache_data.clear()
    snapshot.clear(db_path)


def clear_version() -> None:
    """Check the data version again on the next run (the writer has just let go)."""
    _read_version.clear()
