"""The worked queries in docs/warehouse.md run on a real warehouse and return rows."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.config import Config, Force
from warehouse.analyst import run_query
from warehouse.articles import ArticleRecord, PassageRecord, store_article
from warehouse.connection import writer
from warehouse.crawl_log import CrawlStats, record_crawl_stats
from warehouse.scores import register_model, store_scores

DOC = Path(__file__).resolve().parents[1] / "docs" / "warehouse.md"
QUERIES = re.findall(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)


@pytest.fixture(scope="module")
def db_path(tmp_path_factory, scored) -> str:
    path = str(tmp_path_factory.mktemp("docs") / "w.duckdb")
    cfg = Config(force=Force(name="Test Constabulary"), db_path=path)
    now = datetime.now(UTC)
    with writer(cfg) as con:
        register_model(con, "v1", "test")
        results = []
        for n in range(6):
            day = now - timedelta(days=n)
            article_id = store_article(
                con,
                ArticleRecord(
                    f"https://a.example/{n}",
                    "Eastern Daily Press",
                    "local_news",
                    f"Story {n}",
                    None,
                    day,
                    day,
                ),
                [
                    PassageRecord(0, 0, "Victims were not kept updated.", "public", "A Resident"),
                    PassageRecord(1, 1, "We keep every victim informed.", "force", "Chief"),
                    PassageRecord(2, 1, "Officers called back within a day.", "public"),
                ],
            )
            first = 3 * (article_id - 1)
            results += [
                (first + 1, scored("victim_updates", "negative", -0.8 + n / 10)),
                (first + 2, scored("victim_updates", "positive", 0.7)),
                (first + 3, scored("victim_updates", "negative", -0.3)),
            ]
        store_scores(con, results, "v1")
        record_crawl_stats(
            con, CrawlStats("Eastern Daily Press", "local_news", now, now, "ok", new_articles=6)
        )
    return path


def test_the_doc_has_the_worked_queries():
    assert len(QUERIES) >= 5  # weekly, worst day, what was said, external voices, crawl health
    assert any("voice <> 'force'" in q for q in QUERIES)


@pytest.mark.parametrize("sql", QUERIES, ids=[q.split("\n")[0][:40] for q in QUERIES])
def test_worked_query_runs_and_returns_rows(db_path, sql):
    result = run_query(db_path, sql, timeout_s=20)
    assert result.rows, f"no rows from:\n{sql}"
