"""The Overview page's queries: each topic's week against the weeks before, and its verdict;
the stories new since the last nightly run; the sources that failed in the latest run."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pandas as pd

from core.vocabulary import TOPICS
from dashboard.alerts_queries import alerts
from dashboard.cache import cached, frame, mem, mem_articles, named, numbered
from dashboard.filters import Filters
from warehouse import change_rule

logger = logging.getLogger(__name__)

WEEK_DAYS = 7
BASELINE_WEEKS = 4
STEADY = 0.05  # a change in net score smaller than this is shown as "steady"


@cached
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
            WHERE {numbered(cond, len(params))}
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
        named(params, week=week_start, topics=list(f.topics or TOPICS), steady=STEADY),
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


@cached
def topic_changes(
    db_path: str,
    version: str,
    as_of: date,
    external_only: bool,
    min_stories: int,
    baseline_days: int,
) -> pd.DataFrame:
    """Each topic's verdict for the week ending `as_of`, from the `topic_change` view (the rule
    the digest and the alerts read too; warehouse/change_rule.py), run in memory over the
    snapshot's stories of the rule's window (the week and its baseline days), so the page reads
    the picked force's rows and never scans the warehouse file's views.

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
    first = as_of - timedelta(days=WEEK_DAYS + baseline_days - 1)  # the rule's whole window
    found = mem_articles(
        db_path,
        version,
        ("day BETWEEN ? AND ?", [first, as_of]),
        f"SELECT {change_rule.COLUMNS} FROM topic_change WHERE as_of = $as_of "
        "AND voices = $voices AND (stories > 0 OR base_stories > 0) ORDER BY topic",
        {"as_of": as_of, "voices": "external" if external_only else "all"},
        ("topic_change",),
        {"pcm_min_stories": int(min_stories), "pcm_baseline_days": int(baseline_days)},
    )
    columns = list(change_rule.TopicChange.__dataclass_fields__)
    return found[columns] if not found.empty else pd.DataFrame(columns=columns)


NEW_STORY_COLUMNS = [
    "topic",
    "article_id",
    "title",
    "source",
    "outlets",
    "day",
    "stance",
    "net_score",
]


@cached
def last_run(db_path: str, version: str) -> dict | None:
    """The newest successful nightly run and the stories new in it (view `run_new_articles`).

    Returns:
        None when no run has succeeded; else {"run_id", "started_at", "finished_at",
        "new_since" (the run before it finished; None for the first run), "new_articles",
        "article_ids" (tuple of the new original articles' ids)}, timestamps in London time.
    """
    df = frame(
        db_path,
        """
        SELECT run_id, started_at, finished_at, new_since, new_articles, article_ids
        FROM run_new_articles
        ORDER BY finished_at DESC, run_id DESC
        LIMIT 1
    """,
    )
    if df.empty:
        return None
    row = df.iloc[0].to_dict()
    row["new_since"] = None if pd.isna(row["new_since"]) else row["new_since"]
    row["article_ids"] = tuple(int(i) for i in row["article_ids"])
    return row


@cached
def new_stories(
    db_path: str, version: str, article_ids: tuple[int, ...], f: Filters
) -> pd.DataFrame:
    """The stance of each new story on each of its topics, from the `story_topics` view.

    Args:
        db_path: the warehouse file.
        version: the data version.
        article_ids: the stories (original articles) to show, e.g. `last_run(...)["article_ids"]`.
        f: the filters: topics, source kinds and outlets restrict the stories; "External voices
            only" picks the view's 'external' rows (else 'all'); dates and voices are not used.

    Returns:
        Columns NEW_STORY_COLUMNS, one row per story and topic: by topic, then critical first.
    """
    if not article_ids:
        return pd.DataFrame(columns=NEW_STORY_COLUMNS)
    cond, params = f.where(dates=False, voices=False)
    scope = (f"({cond}) AND list_contains(?::BIGINT[], article_id)", [*params, list(article_ids)])
    return mem_articles(
        db_path,
        version,
        scope,
        f"""
        SELECT {", ".join(NEW_STORY_COLUMNS)}
        FROM story_topics
        WHERE voices = ?
        ORDER BY topic,
                 CASE stance WHEN 'negative' THEN 0 WHEN 'mixed' THEN 1 WHEN 'positive' THEN 2
                      ELSE 3 END,
                 net_score, article_id
    """,
        ["external" if f.external_only else "all"],
    )


@cached
def failed_sources(db_path: str, version: str) -> list[str]:
    """The sources whose crawl failed in the newest nightly run (whatever its status)."""
    return frame(
        db_path,
        """
        SELECT DISTINCT source FROM crawl_stats
        WHERE status = 'failed' AND run_id = (SELECT max(id) FROM runs)
        ORDER BY source
    """,
    )["source"].tolist()
