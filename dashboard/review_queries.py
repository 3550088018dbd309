"""The Review page's queries: the passages most worth a second look, and one passage to correct."""

from __future__ import annotations

import logging

import pandas as pd

from dashboard.cache import cached, frame, mem
from dashboard.filters import Filters
from dashboard.snapshot import split

logger = logging.getLogger(__name__)


@cached
def passage(db_path: str, version: str, passage_id: int) -> dict | None:
    """One passage as the views see it (after corrections), for the Review page.

    Returns:
        {"passage_id", "article_id", "title", "url", "text", "voice", "model_voice", "speaker",
         "topics": {topic: label}, "added": [topics only analysts added]}, or None.
    """
    base = frame(
        db_path,
        """
        SELECT p.id AS passage_id, p.article_id, a.title, a.url, p.text,
               v.rule_voice AS model_voice, v.voice, v.speaker
        FROM passages AS p
        JOIN articles AS a ON a.id = p.article_id
        JOIN passage_voices AS v ON v.passage_id = p.id
        WHERE p.id = ?
    """,
        [int(passage_id)],
        force=split(version)[1],
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


@cached
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
