"""Retention: passage text goes after N days (by publication, else fetch date); scores stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from warehouse.articles import ArticleRecord, PassageRecord, store_article
from warehouse.connection import writer
from warehouse.retention import plan_purge, purge_text
from warehouse.scores import pending_passages, register_model, store_scores

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def con(tmp_config, scored):
    score = scored("general", "negative", -0.5)
    ages = {  # url: (published days ago or None, fetched days ago)
        "https://a.example/old": (401, 2),  # old by publication date, fetched recently
        "https://a.example/new": (399, 399),
        "https://a.example/undated-old": (None, 450),  # no date: the fetch date counts
        "https://a.example/undated-new": (None, 10),
    }
    with writer(tmp_config) as con:
        register_model(con, "v1", "m")
        for url, (published, fetched) in ages.items():
            article = ArticleRecord(
                url,
                "A",
                "local_news",
                url.rsplit("/", 1)[1],
                None,
                None if published is None else NOW - timedelta(days=published),
                NOW - timedelta(days=fetched),
            )
            article_id = store_article(
                con,
                article,
                [PassageRecord(0, 0, "One.", "force"), PassageRecord(1, 0, "Two.", "public")],
            )
            store_scores(con, [(2 * article_id - 1, score), (2 * article_id, score)], "v1")
        yield con


def texts(con):
    return con.execute(
        "SELECT a.title, count(p.text), a.text_purged_at FROM articles AS a "
        "JOIN passages AS p ON p.article_id = a.id GROUP BY ALL ORDER BY 1"
    ).fetchall()


def test_purge_removes_old_text_and_keeps_scores_and_links(con):
    plan = plan_purge(con, NOW, 400)
    assert (plan.articles, plan.passages, plan.cutoff) == (2, 4, NOW - timedelta(days=400))
    assert purge_text(con, NOW, 400) == 4
    assert texts(con) == [
        ("new", 2, None),
        ("old", 0, NOW),
        ("undated-new", 2, None),
        ("undated-old", 0, NOW),
    ]
    assert con.execute("SELECT count(*) FROM passages").fetchone()[0] == 8
    assert con.execute("SELECT count(*) FROM scores").fetchone()[0] == 8
    assert con.execute("SELECT count(*) FROM passage_scores").fetchone()[0] == 8
    assert con.execute("SELECT count(*) FROM articles WHERE url IS NOT NULL").fetchone()[0] == 4
    assert pending_passages(con, "v2") == [(3, "One."), (4, "Two."), (7, "One."), (8, "Two.")]


def test_purge_twice_removes_nothing_more(con):
    assert purge_text(con, NOW, 400) == 4
    assert purge_text(con, NOW + timedelta(hours=1), 400) == 0
    assert plan_purge(con, NOW, 400).articles == 0
    assert {row[2] for row in texts(con)} == {None, NOW}  # first purge time kept


def test_later_clock_purges_more(con):
    assert purge_text(con, NOW, 400) == 4
    assert purge_text(con, NOW + timedelta(days=2), 400) == 2  # "new" passes 400 days


def test_plan_changes_nothing(con):
    before = texts(con)
    plan_purge(con, NOW, 1)
    assert texts(con) == before


@pytest.mark.parametrize(
    ("now", "days", "message"),
    [(datetime(2026, 6, 1), 400, "timezone-aware"), (NOW, 0, "positive")],
)
def test_bad_arguments_are_refused(con, now, days, message):
    with pytest.raises(ValueError, match=message):
        purge_text(con, now, days)
