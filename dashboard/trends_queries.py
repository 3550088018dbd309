"""The Trends page's queries: the busiest topics, each day's volume and rolling net score, each
week's share of negative stories, one topic's stories, and the event annotations."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, timedelta

import pandas as pd

from core import vocabulary
from dashboard.alerts_queries import has_table
from dashboard.cache import cached, mem, mem_articles, named, numbered
from dashboard.filters import Filters
from dashboard.overview_queries import WEEK_DAYS
from dashboard.snapshot import split
from warehouse import annotations as warehouse_annotations
from warehouse.connection import reader

logger = logging.getLogger(__name__)

# How the Trends page can split each topic's line: a SQL expression per choice (constants).
SPLITS = {"none": "'all'", "voice": "voice", "source kind": "source_kind"}
ANNOTATION_COLUMNS = ["id", "day", "topic", "label", "added_by", "added_at"]


@cached
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


@cached
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
            FROM passage_scores WHERE {numbered(cond, len(params))}
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
        named(params, start=f.start),
    )


@cached
def weekly(db_path: str, version: str, f: Filters, topics: tuple[str, ...]) -> pd.DataFrame:
    """Per week (from Monday) and topic: stories and the share of them that were negative, with
    its Wilson 95% interval, as the warehouse's `topic_weekly` view defines them.

    Stories are the unit, not passages: one article (with its syndicated copies) counts once, so
    a single long article cannot swing a week. The view's voices are "external" (every voice but
    the force's own) or "all", after the sidebar's toggle; its other voice filters do not apply
    to stories. Every week of the range is returned: a week without stories has `stories` 0 and
    no share, and `segment` changes after it, so a line drawn per segment shows the gap.

    Args:
        db_path: the warehouse file.
        version: the data version.
        f: the filters (dates, topics, outlets, source kinds and the external toggle).
        topics: the topics to return.

    Returns:
        Columns week, topic, stories, negative, positive, outlets, share, share_low,
        share_high, net_score, segment; ordered by topic, week.
    """
    scope = f.where(voices=False)
    found = mem_articles(
        db_path,
        version,
        scope,
        """
        SELECT week, topic, stories, negative, positive, outlets, share, share_low, share_high,
               net_score
        FROM topic_weekly
        WHERE voices = $voices AND list_contains($topics, topic) AND week >= $first
        ORDER BY topic, week
    """,
        {
            "voices": "external" if f.external_only else "all",
            "topics": list(topics),
            "first": f.start - timedelta(days=f.start.weekday()),
        },
    )
    return with_gaps(found, topics, f.start, f.end)


def with_gaps(found: pd.DataFrame, topics, start, end) -> pd.DataFrame:
    """Every Monday from `start`'s week to `end`'s for every topic, with the weeks `found` has;
    an empty week gets 0 stories and no share, and starts a new `segment` of the line."""
    first = start - timedelta(days=start.weekday())
    weeks = pd.date_range(first, end, freq="7D")
    grid = pd.MultiIndex.from_product([list(topics), weeks], names=["topic", "week"]).to_frame(
        index=False
    )
    found = found.assign(week=pd.to_datetime(found["week"]))
    out = grid.merge(found, on=["topic", "week"], how="left")
    for column in ("stories", "negative", "positive", "outlets"):
        out[column] = out[column].fillna(0).astype(int)
    empty = out["stories"] == 0
    out["segment"] = empty.groupby(out["topic"]).cumsum()
    return out.sort_values(["topic", "week"]).reset_index(drop=True)


TOPIC_STORY_COLUMNS = ["article_id", "title", "url", "source", "outlets", "day", "stance"]


@cached
def topic_stories(db_path: str, version: str, f: Filters, topic: str) -> pd.DataFrame:
    """The stories on one topic in the date range, with their stance on it, as the warehouse's
    `story_topics` view gives them (the stories the weekly chart counts).

    Args:
        db_path: the warehouse file.
        version: the data version.
        f: the filters (dates, outlets, source kinds and the external toggle; its topics are
            replaced by `topic`).
        topic: the topic id.

    Returns:
        Columns TOPIC_STORY_COLUMNS, one row per story: those carried by the most outlets
        first, then critical before the rest, then the newest.
    """
    scope = replace(f, topics=(topic,)).where(voices=False)
    return mem_articles(
        db_path,
        version,
        scope,
        f"""
        SELECT {", ".join(TOPIC_STORY_COLUMNS)}
        FROM story_topics
        WHERE voices = ? AND topic = ?
        ORDER BY len(outlets) DESC,
                 CASE stance WHEN 'negative' THEN 0 WHEN 'mixed' THEN 1 ELSE 2 END,
                 day DESC, article_id DESC
    """,
        ["external" if f.external_only else "all", topic],
    )


@cached
def annotations(
    db_path: str, version: str, start: date, end: date, topics: tuple[str, ...] = ()
) -> pd.DataFrame:
    """The event annotations of a date range (warehouse/annotations.py), for every time chart.

    Args:
        db_path: the warehouse file.
        version: the data version (the cache key; a page that adds one clears this cache); a
            force's (`snapshot.scoped`): its annotations and those for every force.
        start: the first day.
        end: the last day.
        topics: annotations on these topics and those on every topic (empty: all).

    Returns:
        Columns id, day (datetime), topic (None: every topic), label, added_by, added_at, and
        text (the label, with the topic when it has one); oldest first. Empty on a warehouse
        without the table (before migration 007).
    """
    with reader(db_path, published=True) as con:
        found = (
            warehouse_annotations.list_annotations(con, start, end, topics, split(version)[1])
            if has_table(con, "annotations")
            else []
        )
    df = pd.DataFrame([vars(a) for a in found], columns=ANNOTATION_COLUMNS)
    df["day"] = pd.to_datetime(df["day"])
    df["text"] = [
        label if topic is None else f"{label} ({vocabulary.topic_name(topic)})"
        for label, topic in zip(df["label"], df["topic"], strict=True)
    ]
    return df
