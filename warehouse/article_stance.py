"""Article stance for one document outside the warehouse, by the warehouse's own definition.

`pcm analyse` has no database, but its article-level stances must be the ones the dashboard,
the digest and analysts read. So it loads its passages into an in-memory DuckDB table shaped
like `passage_scores` and runs the view file that defines article stance
(`views/05_article_topic_voices.sql`) over them: one rule, one place.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import lru_cache

import duckdb

from warehouse.migrate import VIEWS_DIR

logger = logging.getLogger(__name__)

VIEW_FILE = VIEWS_DIR / "05_article_topic_voices.sql"
# The columns of `passage_scores` that the view reads; the rest of an article's row is
# irrelevant to one document and stays NULL.
_TABLE = """
    CREATE TEMP TABLE passage_scores (
        article_id BIGINT, topic VARCHAR, voice VARCHAR, score DOUBLE, label VARCHAR,
        title VARCHAR, url VARCHAR, source VARCHAR, source_kind VARCHAR,
        published_at TIMESTAMPTZ, day DATE
    )
"""


@lru_cache(maxsize=1)
def _view_sql() -> str:
    return VIEW_FILE.read_text(encoding="utf-8")


def article_stances(
    passages: Iterable[tuple[str, str, float, str]],
) -> dict[tuple[str, str], tuple[int, float, str]]:
    """Each topic's article-level stance over one document's passages.

    Args:
        passages: (topic, voice, score, label) for each passage-topic pair that counts for
            the configured force (an abstained stance: score 0, label "neutral").

    Returns:
        {(voices, topic): (passages, net_score, stance)} with voices "all" or "external"
        (every voice but the force's own), as the `article_topic_voices` view gives them.
    """
    rows = [(1, topic, voice, float(score), label) for topic, voice, score, label in passages]
    if not rows:
        return {}
    con = duckdb.connect(":memory:")
    try:
        con.execute(_TABLE)
        con.executemany(
            "INSERT INTO passage_scores (article_id, topic, voice, score, label) "
            "VALUES (?, ?, ?, ?, ?)",
            rows,
        )
        con.execute(_view_sql().replace("CREATE OR REPLACE VIEW", "CREATE TEMP VIEW", 1))
        found = con.execute(
            "SELECT voices, topic, passages, net_score, stance FROM article_topic_voices"
        ).fetchall()
    finally:
        con.close()
    return {(v, t): (int(n), float(mean), stance) for v, t, n, mean, stance in found}
