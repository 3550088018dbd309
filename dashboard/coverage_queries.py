"""The Coverage page's queries: share of voice by outlet and by voice, and each topic's week or
month against the one before and the same period last year.

Both read the warehouse's own views (warehouse/views/14_share_of_voice.sql and
15_period_comparison.sql), so the page shows the numbers `pcm sql` gives. As with the article
views (dashboard/cache.py), the views' SQL is taken from the warehouse and run in memory over the
snapshot's rows that the sidebar's filters keep, so the views count only those.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pandas as pd

from dashboard.cache import cached, mem_articles
from dashboard.filters import Filters

logger = logging.getLogger(__name__)

COVERAGE_VIEWS = ("share_of_voice", "period_comparison")
# The days period_comparison reads for the periods ending on day D, as (days before D of the
# first, of the last): this 4 weeks and the 4 before (D - 55 to D), and the same 4 weeks 52
# weeks earlier (D - 364 - 27 to D - 364). The weeks lie inside them.
COMPARISON_READS = ((28 + 27, 0), (364 + 27, 364))
# The snapshot's passage scores, with what the story views read from `articles` beyond them.
_SCOPED_PASSAGE_SCORES = """
    CREATE TEMP VIEW passage_scores AS
    SELECT s.*, a.title, a.url, a.published_at
    FROM scoped_passage_scores AS s JOIN articles AS a ON a.id = s.article_id
"""
SOV_COLUMNS = [
    "period_start",
    "period_end",
    "voices",
    "dimension",
    "member",
    "stories",
    "stories_share",
    "stances",
    "critical",
    "favourable",
    "critical_share",
    "favourable_share",
    "passages",
    "passages_share",
    "labels",
    "passages_critical",
    "passages_favourable",
    "passages_critical_share",
    "passages_favourable_share",
    "carried",
    "all_stories",
    "all_passages",
]
COMPARISON_COLUMNS = [
    "grain",
    "days",
    "compared_with",
    "topic",
    "period_start",
    "period_end",
    "base_start",
    "base_end",
    "stories",
    "negative",
    "outlets",
    "share",
    "share_low",
    "share_high",
    "base_stories",
    "base_negative",
    "base_share",
    "base_low",
    "base_high",
    "change",
    "change_low",
    "change_high",
    "verdict",
    "reason",
]


def _mem_coverage(
    db_path: str,
    version: str,
    scope: tuple[str, list],
    sql: str,
    params: dict,
    variables: dict | None = None,
) -> pd.DataFrame:
    """Run `sql` in memory over the snapshot rows in `scope`, with the story and coverage views.

    `scope` must keep or drop whole (article, topic) groups (dates, topics, outlets, source
    kinds), never single passages, so that each story's stance stays the warehouse's.

    Args:
        db_path: the warehouse file.
        version: the snapshot version.
        scope: (condition over `passage_scores` columns, its bound parameters).
        sql: the query over the views.
        params: its bound values.
        variables: DuckDB session variables the views read (e.g. pcm_as_of).

    Returns:
        The result as a DataFrame.
    """
    return mem_articles(db_path, version, scope, sql, params, COVERAGE_VIEWS, variables)


@cached
def share_of_voice(db_path: str, version: str, f: Filters) -> pd.DataFrame:
    """Share of voice over the filters' date range, as the `share_of_voice` view counts it.

    The view runs over the stories the filters keep (dates, topics, outlets, source kinds), so
    its `period = 'all'` rows are the chosen period. Both sets of voices come back ('all' and
    'external'); the page picks one after the "External voices only" toggle, and reads the
    force's own words apart from the 'all' rows of dimension 'side'.

    Args:
        db_path: the warehouse file.
        version: the data version.
        f: the filters.

    Returns:
        Columns `SOV_COLUMNS`, one row per set of voices, dimension (outlet, voice, side) and
        member, ordered by stories, then passages, most first.
    """
    return _mem_coverage(
        db_path,
        version,
        f.where(voices=False),
        f"""
        SELECT {", ".join(SOV_COLUMNS)}
        FROM share_of_voice
        WHERE period = 'all'
        ORDER BY voices, dimension, stories DESC, passages DESC, carried DESC, member
    """,
        {},
        {"pcm_period": "all"},  # the view counts no weeks or months then
    )


@cached
def period_comparison(db_path: str, version: str, f: Filters, min_stories: int) -> pd.DataFrame:
    """Each topic's week and month ending on the filters' last day, against the period before
    and the same period 52 weeks earlier, as the `period_comparison` view judges them.

    The filters' topics, outlets and source kinds apply; their first day does not (the view
    reads back a year and four weeks). Only the stories of the days the periods are made of
    are read. The voices are 'external' or 'all' after the toggle.

    Args:
        db_path: the warehouse file.
        version: the data version.
        f: the filters.
        min_stories: the config's alerts.min_stories (the change rule's N).

    Returns:
        Columns `COMPARISON_COLUMNS`, one row per grain, comparison ('previous', 'last year')
        and topic with a story in any of its three periods; ordered by grain, topic, comparison.
    """
    cond, params = f.where(dates=False, voices=False)
    windows = " OR ".join(["day BETWEEN ? AND ?"] * len(COMPARISON_READS))
    for first, last in COMPARISON_READS:  # only the days the three periods are made of
        params += [f.end - timedelta(days=first), f.end - timedelta(days=last)]
    return _mem_coverage(
        db_path,
        version,
        (f"{cond} AND ({windows})", params),
        f"""
        SELECT {", ".join(COMPARISON_COLUMNS)}
        FROM period_comparison
        WHERE voices = $voices
        QUALIFY max(stories + base_stories) OVER (PARTITION BY grain, topic) > 0
        ORDER BY grain, topic, compared_with DESC
    """,
        {"voices": "external" if f.external_only else "all"},
        {"pcm_as_of": f.end, "pcm_min_stories": int(min_stories)},
    )
