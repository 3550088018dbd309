"""Article stance for one document outside the warehouse, by the warehouse's own definition.

`pcm analyse` has no database, but its article-level stances must be the ones the dashboard,
the digest and analysts read. So it loads its passages into an in-memory DuckDB table shaped
like `passage_scores` and runs the view file that defines article stance
(`views/05_article_topic_voices.sql`) over them: one rule, one place.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

import duckdb

from warehouse.migrate import VIEWS_DIR

logger = logging.getLogger(__name__)

VIEW_FILE = VIEWS_DIR / "05_article_topic_voices.sql"
# The columns of `passage_scores` that the view reads; the rest of an article's row is
# irrelevant to one document and stays NULL.
_TABLE = """
    CREATE TEMP TABLE passage_scores (
        force_id VARCHAR, article_id BIGINT, topic VARCHAR, voice VARCHAR, score DOUBLE,
        label VARCHAR, title VARCHAR, url VARCHAR, source VARCHAR, source_kind VARCHAR,
        published_at TIMESTAMPTZ, day DATE
    )
"""
_INSERT = """
    INSERT INTO passage_scores (article_id, topic, voice, score, label)
    SELECT 1, unnest($topics), unnest($voices), unnest($scores), unnest($labels)
"""
_READ = "SELECT voices, topic, passages, net_score, stance FROM article_topic_voices"
# One in-memory database with the table and the view, made on first use and reused: a new one
# per document cost about 90 ms. DuckDB connections are not for concurrent use: one at a time.
_LOCK = threading.Lock()
_CON: list[duckdb.DuckDBPyConnection] = []


def _connection() -> duckdb.DuckDBPyConnection:
    if not _CON:
        con = duckdb.connect(":memory:")
        con.execute(_TABLE)
        view = VIEW_FILE.read_text(encoding="utf-8")
        con.execute(view.replace("CREATE OR REPLACE VIEW", "CREATE TEMP VIEW", 1))
        _CON.append(con)
    return _CON[0]


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
    rows = list(passages)
    if not rows:
        return {}
    topics, voices, scores, labels = (list(column) for column in zip(*rows, strict=True))
    with _LOCK:
        con = _connection()
        try:
            con.execute(
                _INSERT,
                {
                    "topics": topics,
                    "voices": voices,
                    "scores": [float(x) for x in scores],
                    "labels": labels,
                },
            )
            found = con.execute(_READ).fetchall()
        finally:
            con.execute("DELETE FROM passage_scores")
    return {(v, t): (int(n), float(mean), stance) for v, t, n, mean, stance in found}
