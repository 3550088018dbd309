"""The Trends page's queries: the busiest topics, and each day's volume and rolling net score."""

from __future__ import annotations

import logging
from datetime import timedelta

import pandas as pd

from dashboard.cache import cached, mem, named, numbered
from dashboard.filters import Filters
from dashboard.overview_queries import WEEK_DAYS

logger = logging.getLogger(__name__)

# How the Trends page can split each topic's line: a SQL expression per choice (constants).
SPLITS = {"none": "'all'", "voice": "voice", "source kind": "source_kind"}


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
