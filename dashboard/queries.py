"""The dashboard's cached read queries, as the router and the pages call them (`queries.X`).

Each page's queries live in their own module, the plumbing they share in another; this module
only gathers their names:
  dashboard/cache.py            connections, the data version, the in-memory snapshot, clearing
  dashboard/sidebar_queries.py  freshness, the runs journal, day bounds and outlets (every page)
  dashboard/overview_queries.py each topic's week against the weeks before, and its verdict
  dashboard/trends_queries.py   the busiest topics, daily volume and rolling net score
  dashboard/alerts_queries.py   alerts with their stories
  dashboard/coverage_queries.py share of voice, and each topic against earlier periods
  dashboard/compare_queries.py  forces side by side per topic
  dashboard/stories_queries.py  the stories behind the filter, one article and its passages
  dashboard/review_queries.py   passages worth a second look, one passage to correct
  dashboard/sources_queries.py  crawl health per source, crawl errors
"""

from __future__ import annotations

from dashboard.alerts_queries import alerts
from dashboard.cache import (
    DISPLAY_TZ,
    MAX_ENTRIES,
    TTL_S,
    VERSION_TTL_S,
    clear,
    clear_version,
    data_version,
    frame,
    lock_free,
    mem,
)
from dashboard.compare_queries import force_topics
from dashboard.coverage_queries import period_comparison, share_of_voice
from dashboard.overview_queries import (
    BASELINE_WEEKS,
    STEADY,
    WEEK_DAYS,
    failed_sources,
    last_run,
    new_stories,
    overview,
    topic_changes,
)
from dashboard.review_queries import passage, review_candidates
from dashboard.sidebar_queries import day_bounds, freshness, outlets, with_journal
from dashboard.sources_queries import crawl_errors, source_health
from dashboard.stories_queries import STORY_SORTS, article, article_passages, stories
from dashboard.trends_queries import SPLITS, busiest_topics, daily, weekly

__all__ = [
    "BASELINE_WEEKS",
    "DISPLAY_TZ",
    "MAX_ENTRIES",
    "SPLITS",
    "STEADY",
    "STORY_SORTS",
    "TTL_S",
    "VERSION_TTL_S",
    "WEEK_DAYS",
    "alerts",
    "article",
    "article_passages",
    "busiest_topics",
    "clear",
    "clear_version",
    "crawl_errors",
    "daily",
    "data_version",
    "day_bounds",
    "failed_sources",
    "force_topics",
    "frame",
    "freshness",
    "last_run",
    "lock_free",
    "mem",
    "new_stories",
    "outlets",
    "overview",
    "passage",
    "period_comparison",
    "review_candidates",
    "share_of_voice",
    "source_health",
    "stories",
    "topic_changes",
    "weekly",
    "with_journal",
]
