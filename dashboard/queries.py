"""Cached read queries: short-lived read-only connections, aggregation in DuckDB, nothing held open.

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
from datetime import UTC, date, datetime, timedelta

import duckdb
import pandas as pd
import streamlit as st

from dashboard import snapshot
from dashboard.filters import Filters
from pcm import runjournal
from pcm.config import TOPICS, Alerts
from pcm.errors import WarehouseLockedError
from warehouse import change_rule
from warehouse.connection import reader

logger = logging.getLogger(__name__)

TTL_S = 900  # a cached result is read again after this, whatever the data version says
VERSION_TTL_S = 30  # how often the data version is checked (one tiny query)
MAX_ENTRIES = 64  # per function: enough for a few people's filter combinations
WEEK_DAYS = 7
BASELINE_WEEKS = 4
STEADY = 0.05  # a change in net score smaller than this is shown as "steady"
DISPLAY_TZ = "Europe/London"  # timestamps are shown in the force's local time

_cache = st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
_last_version: dict[str, str] = {}  # db path -> the newest version read (fallback when locked)
_last_version_lock = threading.Lock()

# Article-level stance per topic, exactly as warehouse/views/05_article_topic_voices.sql (and
# INTERFACES.md) define it; repeated here so the Stories page needs no second scan.
# tests/test_dashboard_pages.py checks that both agree.
_STANCE = """
    CASE
        WHEN count(*) FILTER (WHERE label = 'positive') > 0
             AND count(*) FILTER (WHERE label = 'negative') > 0
             AND abs(avg(score)) < 0.34 THEN 'mixed'
        WHEN avg(score) >= 0.2 THEN 'positive'
        WHEN avg(score) <= -0.2 THEN 'negative'
        ELSE 'neutral'
    END"""


def frame(db_path: str, sql: str, params: list | dict | None = None) -> pd.DataFrame:
    """Run one query on a short-lived read-only connection to the warehouse file.

    Args:
        db_path: the warehouse file.
        sql: the query; values only as bound parameters.
        params: the bound values.

    Returns:
        The result as a DataFrame (timestamps in Europe/London).

    Raises:
        WarehouseLockedError: a writer held the file for longer than the reader's retry.
        WarehouseMissingError: there is no warehouse file.
    """
    with reader(db_path, published=True) as con:
        con.execute(f"SET TimeZone = '{DISPLAY_TZ}'")  # a constant; ICU is built into duckdb
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
    tables = snapshot.tables(db_path, version)
    con = duckdb.connect()
    try:
        con.execute(f"SET TimeZone = '{DISPLAY_TZ}'")
        for name, table in tables.items():
            con.register(name, table)
        return con.execute(sql, params or []).df()
    finally:
        con.close()


@_cache
def freshness(db_path: str, version: str) -> dict:
    """The newest successful run, the newest run of any status, and the newest article.

    Returns:
        {"last_success": Timestamp|None, "last_success_id", "last_status", "last_run_at",
         "last_error", "newest_fetched": Timestamp|None, "newest_published": Timestamp|None}
    """
    row = (
        frame(
            db_path,
            """
        SELECT (SELECT max(coalesce(finished_at, started_at)) FROM runs
                WHERE status = 'success') AS last_success,
               (SELECT max(id) FROM runs WHERE status = 'success') AS last_success_id,
               (SELECT arg_max(status, started_at) FROM runs) AS last_status,
               (SELECT max(started_at) FROM runs) AS last_run_at,
               (SELECT arg_max(error, started_at) FROM runs) AS last_error,
               (SELECT max(fetched_at) FROM articles) AS newest_fetched,
               (SELECT max(published_at) FROM articles WHERE published_at <= now())
                   AS newest_published
    """,
        )
        .iloc[0]
        .to_dict()
    )
    return {k: (None if pd.isna(v) else v) for k, v in row.items()}


def with_journal(fresh: dict, db_path: str, run_timeout_s: float) -> dict:
    """`freshness` with a failed run that only the runs journal knows about (pcm/runjournal.py).

    A run that could not open or write the warehouse leaves its trace in a journal beside it
    until the next run folds it into `runs`; the journal is read on every page (it is a small
    file), so the warning shows at once.

    Args:
        fresh: what `freshness` returned.
        db_path: the warehouse file (the journal sits beside it).
        run_timeout_s: schedule.run_timeout_s; an unfinished run older than this failed.

    Returns:
        `fresh`, or a copy whose last_status, last_run_at and last_error describe the newer
        failed run.
    """
    failure = runjournal.unrecorded_failure(db_path, datetime.now(UTC), run_timeout_s)
    if failure is None:
        return fresh
    started = pd.Timestamp(failure.started_at).tz_convert(DISPLAY_TZ)
    last = fresh.get("last_run_at")
    if last is not None and pd.Timestamp(last) >= started:
        return fresh
    reason = failure.error or runjournal.NEVER_RECORDED
    return {
        **fresh,
        "last_status": "failed",
        "last_run_at": started,
        "last_error": f"{reason} (from the runs journal: not in the runs table yet)",
    }


@_cache
def day_bounds(db_path: str, version: str) -> tuple[date | None, date | None]:
    """The oldest and newest day (Europe/London date, as `passage_scores.day`) with an article.

    Future-dated articles (a bad date in a feed) are ignored.
    """
    df = mem(
        db_path,
        version,
        """
        SELECT min(day) AS first, max(day) AS last FROM passage_scores
        WHERE day <= CAST(timezone('Europe/London', now()) AS DATE)
    """,
    )
    first, last = df.iloc[0]["first"], df.iloc[0]["last"]
    return (
        None if pd.isna(first) else pd.Timestamp(first).date(),
        None if pd.isna(last) else pd.Timestamp(last).date(),
    )


@_cache
def outlets(db_path: str, version: str) -> list[str]:
    """Every outlet (source name) that has an article."""
    return mem(db_path, version, "SELECT DISTINCT source FROM articles ORDER BY source")[
        "source"
    ].tolist()


def _numbered(cond: str, n: int) -> str:
    """Turn the filter's `?` placeholders into $p1..$pn so they mix with named parameters."""
    parts = cond.split("?")
    out = [parts[0]]
    for i, part in enumerate(parts[1:]):
        out.append(f"$p{i + 1}" if i < n else "?")
        out.append(part)
    return "".join(out)


def _named(params: list, **named) -> dict:
    """Parameters for a query that uses $p1.. for the filter and $name for the rest."""
    return {**{f"p{i + 1}": v for i, v in enumerate(params)}, **named}


@_cache
def overview(db_path: str, version: str, f: Filters) -> pd.DataFrame:
    """One row per topic: this week's net score against the previous four weeks.

    "This week" is the 7 days ending at `f.end`; the baseline the 28 days before it. The date
    filter's start is not used here. Topics with no passages still get a row (NaN scores).

    Returns:
        Columns topic, passages, articles, net, se, negative, baseline, baseline_passages, delta,
        trend (improving|worsening|steady|new|no data), alerts, alert_text; sorted with what needs
        attention first (an alert, then the biggest fall, then the lowest score).
    """
    week_start = f.end - timedelta(days=WEEK_DAYS - 1)
    base_start = week_start - timedelta(days=WEEK_DAYS * BASELINE_WEEKS)
    cond, params = f.where(start=base_start)
    scores = mem(
        db_path,
        version,
        f"""
        WITH s AS (
            SELECT topic,
                   count(*) FILTER (WHERE day >= $week) AS passages,
                   count(DISTINCT article_id) FILTER (WHERE day >= $week) AS articles,
                   avg(score) FILTER (WHERE day >= $week) AS net,
                   stddev_samp(score) FILTER (WHERE day >= $week)
                       / sqrt(count(*) FILTER (WHERE day >= $week)) AS se,
                   count(*) FILTER (WHERE day >= $week AND label = 'negative') AS negative,
                   avg(score) FILTER (WHERE day < $week) AS baseline,
                   count(*) FILTER (WHERE day < $week) AS baseline_passages
            FROM passage_scores
            WHERE {_numbered(cond, len(params))}
            GROUP BY topic
        ), t AS (SELECT unnest($topics::VARCHAR[]) AS topic)
        SELECT t.topic, coalesce(s.passages, 0) AS passages, coalesce(s.articles, 0) AS articles,
               s.net, s.se, coalesce(s.negative, 0) AS negative, s.baseline,
               coalesce(s.baseline_passages, 0) AS baseline_passages,
               s.net - s.baseline AS delta,
               CASE WHEN s.net IS NULL THEN 'no data'
                    WHEN s.baseline IS NULL THEN 'new'
                    WHEN s.net - s.baseline <= -$steady THEN 'worsening'
                    WHEN s.net - s.baseline >= $steady THEN 'improving'
                    ELSE 'steady' END AS trend
        FROM t LEFT JOIN s USING (topic)
    """,
        _named(params, week=week_start, topics=list(f.topics or TOPICS), steady=STEADY),
    )
    week_alerts = alerts(db_path, version, week_start, f.end, f.topics)
    counts = (
        week_alerts.groupby("topic").agg(
            alerts=("id", "size"), alert_text=("explanation", " ".join)
        )
        if not week_alerts.empty
        else pd.DataFrame({"alerts": [], "alert_text": []}, index=pd.Index([], name="topic"))
    )
    out = scores.merge(counts, how="left", left_on="topic", right_index=True)
    out["alerts"] = out["alerts"].fillna(0).astype(int)
    out["attention"] = out["alerts"] > 0
    out = out.sort_values(
        ["attention", "delta", "net", "topic"],
        ascending=[False, True, True, True],
        na_position="last",
    )
    return out.drop(columns="attention").reset_index(drop=True)


@_cache
def topic_changes(
    db_path: str,
    version: str,
    as_of: date,
    external_only: bool,
    min_stories: int,
    baseline_days: int,
) -> pd.DataFrame:
    """Each topic's verdict for the week ending `as_of`, read from the `topic_change` view (the
    rule the digest and the alerts read too; warehouse/change_rule.py).

    Args:
        db_path: the warehouse file.
        version: the data version (the cache key).
        as_of: the week's last day.
        external_only: voices outside the force only, else every voice.
        min_stories: the config's alerts.min_stories.
        baseline_days: the config's alerts.baseline_days.

    Returns:
        One row per topic with stories in the week or its baseline; the columns of
        `change_rule.TopicChange`.
    """
    settings = Alerts(min_stories=min_stories, baseline_days=baseline_days)
    with reader(db_path, published=True) as con:
        found = change_rule.topic_changes(
            con, settings, as_of, "external" if external_only else "all"
        )
    columns = list(change_rule.TopicChange.__dataclass_fields__)
    return pd.DataFrame([vars(c) for c in found.values()], columns=columns)


@_cache
def busiest_topics(db_path: str, version: str, f: Filters, n: int) -> list[str]:
    """The `n` topics with the most matching passages in the date range, busiest first."""
    cond, params = f.where()
    return mem(
        db_path,
        version,
        f"""
        SELECT topic FROM passage_scores WHERE {cond}
        GROUP BY topic ORDER BY count(*) DESC, topic LIMIT ?
    """,
        [*params, int(n)],
    )["topic"].tolist()


SPLITS = {"none": "'all'", "voice": "voice", "source kind": "source_kind"}


@_cache
def daily(db_path: str, version: str, f: Filters, split: str = "none") -> pd.DataFrame:
    """Per day, topic (and voice or source kind): volume and a rolling 7-day net score with a band.

    The band is the rolling mean ± 1.96 standard errors of the mean passage score over the 7-day
    window (clipped to [-1, 1]); days before the range's start fill the first windows.

    Args:
        db_path: the warehouse file.
        version: the data version.
        f: the filters.
        split: "none", "voice" or "source kind".

    Returns:
        Columns day, topic, grp, passages, articles, net (that day), rolling_net, low, high,
        rolling_passages; ordered by topic, grp, day.
    """
    group = SPLITS[split]  # a constant from the table above, never user text
    cond, params = f.where(start=f.start - timedelta(days=WEEK_DAYS - 1))
    return mem(
        db_path,
        version,
        f"""
        WITH d AS (
            SELECT day, topic, {group} AS grp, count(*) AS n, sum(score) AS s,
                   sum(score * score) AS s2, count(DISTINCT article_id) AS articles
            FROM passage_scores WHERE {_numbered(cond, len(params))}
            GROUP BY ALL
        ), r AS (
            SELECT *, sum(n) OVER w AS rn, sum(s) OVER w AS rs, sum(s2) OVER w AS rs2
            FROM d
            WINDOW w AS (PARTITION BY topic, grp ORDER BY day
                         RANGE BETWEEN INTERVAL 6 DAYS PRECEDING AND CURRENT ROW)
        ), m AS (
            SELECT day, topic, grp, n AS passages, articles, s / n AS net, rs / rn AS rolling_net,
                   -- no band from fewer than 3 passages: it would only say "anything"
                   CASE WHEN rn >= 3 THEN sqrt(greatest(rs2 - rs * rs / rn, 0) / (rn - 1) / rn)
                        END AS se,
                   rn AS rolling_passages
            FROM r WHERE day >= $start
        )
        SELECT day, topic, grp, passages, articles, net, rolling_net,
               -- greatest() and least() skip NULLs, so test se first
               CASE WHEN se IS NOT NULL THEN greatest(-1, rolling_net - 1.96 * se) END AS low,
               CASE WHEN se IS NOT NULL THEN least(1, rolling_net + 1.96 * se) END AS high,
               rolling_passages
        FROM m ORDER BY topic, grp, day
    """,
        _named(params, start=f.start),
    )


@_cache
def alerts(
    db_path: str, version: str, start: date, end: date, topics: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Alerts in a date range, newest first, each with the stories it names.

    Returns:
        Columns id, day, topic, kind, value, baseline, threshold, explanation, article_ids (list),
        stories (list of {"id", "title", "source", "url"}).
    """
    return frame(
        db_path,
        """
        WITH a AS (
            SELECT * FROM alerts
            WHERE day BETWEEN $start AND $end
              AND (len($topics::VARCHAR[]) = 0 OR list_contains($topics::VARCHAR[], topic))
        ), ids AS (
            SELECT a.id AS alert_id,
                   unnest(from_json(coalesce(a.article_ids, '[]'), '["BIGINT"]')) AS article_id
            FROM a
        ), s AS (
            SELECT ids.alert_id,
                   list({'id': ar.id, 'title': ar.title, 'source': ar.source, 'url': ar.url}
                        ORDER BY ar.id) AS stories
            FROM ids JOIN articles AS ar ON ar.id = ids.article_id
            GROUP BY ids.alert_id
        )
        SELECT a.id, a.day, a.topic, a.kind, a.value, a.baseline, a.threshold, a.explanation,
               from_json(coalesce(a.article_ids, '[]'), '["BIGINT"]') AS article_ids,
               coalesce(s.stories, []) AS stories
        FROM a LEFT JOIN s ON s.alert_id = a.id
        ORDER BY a.day DESC, a.topic, a.kind
    """,
        {"start": start, "end": end, "topics": list(topics)},
    )


STORY_SORTS = {
    "Most negative first": "net ASC NULLS LAST, published DESC",
    "Most positive first": "net DESC NULLS LAST, published DESC",
    "Newest first": "published DESC NULLS LAST, id DESC",
    "Most passages first": "passages DESC, published DESC",
}


@_cache
def stories(
    db_path: str, version: str, f: Filters, sort: str = "Most negative first", limit: int = 500
) -> pd.DataFrame:
    """The articles behind the current filter with their per-topic stances.

    An article is listed when at least one of its scored passages matches every filter. `net`
    and `passages` count only the matching passages; the stance per topic is the article-level
    stance over all its passages on that topic (as the `article_topics` view has it).

    Args:
        db_path: the warehouse file.
        version: the data version.
        f: the filters.
        sort: a key of STORY_SORTS.
        limit: the most rows returned.

    Returns:
        Columns id, title, source, source_kind, published, passages, net, stances, url.
    """
    order = STORY_SORTS[sort]  # a constant from the table above
    cond, params = f.where(voices=False)
    vcond, vparams = f.voice_condition()
    return mem(
        db_path,
        version,
        f"""
        WITH per_topic AS (
            SELECT article_id, topic, {_STANCE} AS stance,
                   count(*) FILTER (WHERE {vcond}) AS n_sel,
                   sum(score) FILTER (WHERE {vcond}) AS s_sel
            FROM passage_scores WHERE {cond}
            GROUP BY article_id, topic
        ), per_article AS (
            SELECT article_id, sum(n_sel) AS passages, sum(s_sel) / sum(n_sel) AS net,
                   string_agg(topic || ': ' || stance, ', ' ORDER BY topic) AS stances
            FROM per_topic GROUP BY article_id HAVING sum(n_sel) > 0
        )
        SELECT a.id, a.title, a.source, a.source_kind,
               coalesce(a.published_at, a.fetched_at) AS published,
               p.passages::BIGINT AS passages, p.net, p.stances, a.url
        FROM per_article AS p JOIN articles AS a ON a.id = p.article_id
        ORDER BY {order}
        LIMIT ?
    """,
        vparams + vparams + params + [int(limit)],
    )


@_cache
def article(db_path: str, version: str, article_id: int) -> dict | None:
    """One article's metadata (None when there is no such id)."""
    df = mem(
        db_path,
        version,
        """
        SELECT id, title, source, source_kind, url, published_at, fetched_at, duplicate_of
        FROM articles WHERE id = ?""",
        [int(article_id)],
    )
    return None if df.empty else df.iloc[0].to_dict()


@_cache
def article_passages(db_path: str, version: str, article_id: int) -> pd.DataFrame:
    """Every passage of an article, with its (corrected) voice and topic stances.

    Returns:
        Columns passage_id, position, paragraph, text, voice, speaker, topics (list of
        {"topic", "label", "score", "corrected"}), in reading order.
    """
    text = frame(
        db_path,
        """
        SELECT p.id AS passage_id, p.position, p.paragraph, p.text,
               coalesce((SELECT arg_max(new_value, created_at) FROM feedback AS f
                         WHERE f.field = 'voice' AND f.passage_id = p.id), p.voice) AS voice,
               p.speaker
        FROM passages AS p WHERE p.article_id = ? ORDER BY p.position
    """,
        [int(article_id)],
    )
    topics = mem(
        db_path,
        version,
        """
        SELECT passage_id,
               list({'topic': topic, 'label': label, 'score': score, 'corrected': corrected}
                    ORDER BY topic) AS topics
        FROM passage_scores WHERE article_id = ? GROUP BY passage_id
    """,
        [int(article_id)],
    )
    out = text.merge(topics, how="left", on="passage_id")
    # DuckDB hands lists over as numpy arrays; a passage with no topic has NaN here.
    out["topics"] = out["topics"].apply(
        lambda t: [] if t is None or isinstance(t, float) else list(t)
    )
    return out


@_cache
def passage(db_path: str, version: str, passage_id: int) -> dict | None:
    """One passage as the views see it (after corrections), for the Review page.

    Returns:
        {"passage_id", "article_id", "title", "url", "text", "voice", "model_voice", "speaker",
         "topics": {topic: label}, "added": [topics only analysts added]}, or None.
    """
    base = frame(
        db_path,
        """
        SELECT p.id AS passage_id, p.article_id, a.title, a.url, p.text, p.voice AS model_voice,
               coalesce((SELECT arg_max(new_value, created_at) FROM feedback
                         WHERE field = 'voice' AND passage_id = p.id), p.voice) AS voice,
               p.speaker
        FROM passages AS p JOIN articles AS a ON a.id = p.article_id WHERE p.id = ?
    """,
        [int(passage_id)],
    )
    if base.empty:
        return None
    out = base.iloc[0].to_dict()
    topics = mem(
        db_path,
        version,
        """
        SELECT topic, label::VARCHAR AS label, added FROM passage_scores
        WHERE passage_id = ? ORDER BY topic""",
        [int(passage_id)],
    )
    out["topics"] = dict(zip(topics["topic"], topics["label"], strict=True))
    out["added"] = topics.loc[topics["added"], "topic"].tolist()
    return out


@_cache
def review_candidates(db_path: str, version: str, f: Filters, limit: int = 200) -> pd.DataFrame:
    """Passages under the filter, most negative first: the ones most worth a second look.

    Returns:
        Columns passage_id, title, voice, topics ("topic: label, ..."), worst, corrected, text.
    """
    cond, params = f.where()
    picked = mem(
        db_path,
        version,
        f"""
        WITH worst AS (
            SELECT passage_id, min(score) AS worst FROM passage_scores WHERE {cond}
            GROUP BY passage_id ORDER BY worst, passage_id LIMIT ?
        )
        SELECT w.passage_id, any_value(a.title) AS title, any_value(s.voice) AS voice,
               string_agg(s.topic || ': ' || s.label, ', ' ORDER BY s.topic) AS topics,
               any_value(w.worst) AS worst, bool_or(s.corrected) AS corrected
        FROM worst AS w JOIN passage_scores AS s USING (passage_id)
        JOIN articles AS a ON a.id = s.article_id
        GROUP BY w.passage_id ORDER BY worst, w.passage_id
    """,
        [*params, int(limit)],
    )
    if picked.empty:
        return picked.assign(text=[])
    text = frame(
        db_path,
        "SELECT id AS passage_id, text FROM passages WHERE list_contains(?::BIGINT[], id)",
        [picked["passage_id"].tolist()],
    )
    return picked.merge(text, how="left", on="passage_id")


@_cache
def source_health(
    db_path: str, version: str, configured: tuple[tuple[str, str], ...], silent_days: int
) -> pd.DataFrame:
    """Crawl health per source: configured ones and any that appear in the warehouse.

    Args:
        db_path: the warehouse file.
        version: the data version.
        configured: (name, kind) of the sources in the config.
        silent_days: a source with no new article for this many days counts as silent.

    Returns:
        Columns source, kind, last_success, last_status, last_message, newest_article,
        new_articles (in the window), errors (in the window), silent (bool).
    """
    return frame(
        db_path,
        """
        WITH cfg AS (
            SELECT unnest($names::VARCHAR[]) AS source, unnest($kinds::VARCHAR[]) AS kind
        ), st AS (
            SELECT source, any_value(source_kind) AS kind,
                   max(finished_at) FILTER (WHERE status = 'ok') AS last_success,
                   arg_max(status, finished_at) AS last_status,
                   arg_max(message, finished_at) AS last_message,
                   sum(errors) FILTER (WHERE finished_at >= now() - to_days($days)) AS errors
            FROM crawl_stats GROUP BY source
        ), ar AS (
            SELECT source, any_value(source_kind) AS kind, max(fetched_at) AS newest_article,
                   count(*) FILTER (WHERE fetched_at >= now() - to_days($days)) AS new_articles
            FROM articles GROUP BY source
        ), names AS (
            SELECT source FROM cfg UNION SELECT source FROM st UNION SELECT source FROM ar
        )
        SELECT n.source, coalesce(cfg.kind, st.kind, ar.kind) AS kind, st.last_success,
               st.last_status, st.last_message, ar.newest_article,
               coalesce(ar.new_articles, 0) AS new_articles,
               coalesce(st.errors, 0)::BIGINT AS errors,
               ar.newest_article IS NULL OR ar.newest_article < now() - to_days($days) AS silent
        FROM names AS n LEFT JOIN cfg USING (source) LEFT JOIN st USING (source)
        LEFT JOIN ar USING (source)
        ORDER BY silent DESC, errors DESC, n.source
    """,
        {
            "names": [n for n, _ in configured],
            "kinds": [k for _, k in configured],
            "days": int(silent_days),
        },
    )


@_cache
def crawl_errors(db_path: str, version: str, days: int) -> pd.DataFrame:
    """Crawl errors of the last `days` days counted per source and reason.

    Returns:
        Columns source, reason, errors, last_at, example_url; most errors first.
    """
    return frame(
        db_path,
        """
        SELECT source, reason, count(*) AS errors, max("at") AS last_at,
               arg_max(url, "at") AS example_url
        FROM crawl_errors WHERE "at" >= now() - to_days(?)
        GROUP BY source, reason ORDER BY errors DESC, source, reason
    """,
        [int(days)],
    )


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
