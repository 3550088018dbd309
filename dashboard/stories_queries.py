"""The Stories page's queries: the articles behind the filter, and one article's passages."""

from __future__ import annotations

import logging

import pandas as pd

from dashboard.cache import cached, frame, mem, mem_articles
from dashboard.filters import Filters
from dashboard.snapshot import split

logger = logging.getLogger(__name__)

STORY_SORTS = {
    "Most negative first": "net ASC NULLS LAST, published DESC",
    "Most positive first": "net DESC NULLS LAST, published DESC",
    "Newest first": "published DESC NULLS LAST, id DESC",
    "Most passages first": "passages DESC, published DESC",
}


@cached
def stories(
    db_path: str,
    version: str,
    f: Filters,
    sort: str = "Most negative first",
    limit: int = 500,
    since: str | None = None,
) -> pd.DataFrame:
    """The articles behind the current filter with their per-topic stances.

    An article is listed when at least one of its scored passages matches every filter. `net`
    and `passages` count only the matching passages; the stance per topic is the article-level
    stance over all its passages on that topic, read from the `article_topics` view (evaluated
    over the snapshot by `cache.mem_articles`: the rule is the view's alone).

    Args:
        db_path: the warehouse file.
        version: the data version.
        f: the filters.
        sort: a key of STORY_SORTS.
        limit: the most rows returned.
        since: only articles fetched after this time (ISO 8601; e.g. the run before last
            finished: the Overview's "Since the last run" links); None for every article.

    Returns:
        Columns id, title, source, source_kind, published, passages, net, stances, url.
    """
    order = STORY_SORTS[sort]  # a constant from the table above
    # Every filter but the voices keeps or drops whole (article, topic) groups (day, outlet and
    # source kind belong to the article): the scope the article views may be restricted to.
    scope = f.where(voices=False)
    vcond, vparams = f.voice_condition()
    return mem_articles(
        db_path,
        version,
        scope,
        f"""
        WITH per_topic AS (
            SELECT article_id, topic,
                   count(*) FILTER (WHERE {vcond}) AS n_sel,
                   sum(score) FILTER (WHERE {vcond}) AS s_sel
            FROM passage_scores
            GROUP BY article_id, topic
        ), per_article AS (
            SELECT p.article_id, sum(p.n_sel) AS passages, sum(p.s_sel) / sum(p.n_sel) AS net,
                   string_agg(p.topic || ': ' || t.stance, ', ' ORDER BY p.topic) AS stances
            FROM per_topic AS p JOIN article_topics AS t USING (article_id, topic)
            GROUP BY p.article_id HAVING sum(p.n_sel) > 0
        )
        SELECT a.id, a.title, a.source, a.source_kind,
               coalesce(a.published_at, a.fetched_at) AS published,
               p.passages::BIGINT AS passages, p.net, p.stances, a.url
        FROM per_article AS p JOIN articles AS a ON a.id = p.article_id
        WHERE ?::TIMESTAMPTZ IS NULL OR a.fetched_at > ?::TIMESTAMPTZ
        ORDER BY {order}
        LIMIT ?
    """,
        vparams + vparams + [since, since, int(limit)],
    )


@cached
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


@cached
def article_passages(db_path: str, version: str, article_id: int) -> pd.DataFrame:
    """Every passage of an article, with its (corrected) voice and topic stances.

    Returns:
        Columns passage_id, position, paragraph, text, voice, speaker, topics (list of
        {"topic", "label", "score", "corrected"}), in reading order.
    """
    text = frame(
        db_path,
        """
        SELECT p.id AS passage_id, p.position, p.paragraph, p.text, v.voice, v.speaker
        FROM passages AS p JOIN passage_voices AS v ON v.passage_id = p.id
        WHERE p.article_id = ? ORDER BY p.position
    """,
        [int(article_id)],
        force=split(version)[1],
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
