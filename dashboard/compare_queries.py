"""The Compare page's query: forces side by side per topic (warehouse/views/17_force_topic_
comparison.sql), run in memory over the snapshot's rows of every force.

As on the Coverage page, the views' SQL comes from the warehouse and runs over the snapshot rows
the sidebar's filters keep (dates, topics, outlets, source kinds); the snapshot holds each
force's rows with its `force_id`, so the story views count each force's stories apart.
"""

from __future__ import annotations

import logging

import pandas as pd

from dashboard.cache import cached, mem_articles
from dashboard.filters import Filters
from dashboard.snapshot import split

logger = logging.getLogger(__name__)

COMPARE_VIEWS = ("force_topic_comparison",)
COLUMNS = [
    "force_id",
    "topic",
    "stories",
    "outlets",
    "negative",
    "positive",
    "net_score",
    "negative_share",
    "negative_low",
    "negative_high",
    "positive_share",
    "positive_low",
    "positive_high",
    "enough",
]


@cached
def force_topics(db_path: str, version: str, f: Filters, min_stories: int) -> pd.DataFrame:
    """Every force's stories per topic over the filters' dates, as the comparison view counts
    them: negative and positive shares with 95% Wilson intervals, and whether there are enough
    stories to compare.

    Args:
        db_path: the warehouse file.
        version: the data version (a force's scoped version is widened to every force).
        f: the filters (dates, topics, outlets, source kinds; the toggle picks the voices).
        min_stories: the config's alerts.min_stories (the change rule's N).

    Returns:
        Columns `COLUMNS`, one row per force and topic with a story, most stories first.
    """
    every_force = split(version)[0]
    return mem_articles(
        db_path,
        every_force,
        f.where(voices=False),
        f"""
        SELECT {", ".join(COLUMNS)}
        FROM force_topic_comparison
        WHERE voices = $voices
        ORDER BY topic, stories DESC, force_id
    """,
        {"voices": "external" if f.external_only else "all"},
        COMPARE_VIEWS,
        {"pcm_min_stories": int(min_stories), "pcm_start": f.start, "pcm_end": f.end},
    )
