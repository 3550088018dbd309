"""A copy never demotes the stored original: real crawls of two loopback outlets, in order."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pytest
from hostile import Route, article_page, rss

from core.config import Source
from demo.site import config_for
from demo.site.server import TEST_PARAGRAPHS
from pcm.crawling import crawl_all
from warehouse.connection import writer
from warehouse.scores import pending_passages, register_model, store_scores

pytestmark = pytest.mark.slow

REAL = "Real outlet"
COPYCAT = "Copycat"
TITLE = "New police station opens in Castleford Wick"
NEGATIVE = (
    "Residents said Wexmoor Constabulary had failed them and that officers never came when called."
)
# The copy even claims to be the original: only the stored article's own credit counts.
CLAIM = "This story first appeared in the Copycat."


def _rows(db, sql, params=()):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def crawled(hostile_pair, tmp_path_factory):
    """The real article is crawled and stored first; then another source serves a near-copy
    with negative sentences and an exact copy, both claiming to be a day older."""
    site, _ = hostile_pair
    base = site.base
    copy_paragraphs = (*TEST_PARAGRAPHS[:3], f"{TEST_PARAGRAPHS[3]} {NEGATIVE}", CLAIM)
    earlier = "2025-06-02T08:00:00+01:00"
    site.routes.update(
        {
            "/real/feed.rss": _feed([f"{base}/real/news/station-opens-in-castleford"]),
            "/real/news/station-opens-in-castleford": _html(article_page(TITLE)),
            "/copy/feed.rss": _feed(
                [
                    f"{base}/copy/news/station-opens-near-copy",
                    f"{base}/copy/news/station-opens-exact-copy",
                ],
                "Mon, 02 Jun 2025 08:00:00 +0100",
            ),
            "/copy/news/station-opens-near-copy": _html(
                article_page(TITLE, published=earlier, paragraphs=copy_paragraphs)
            ),
            "/copy/news/station-opens-exact-copy": _html(article_page(TITLE, published=earlier)),
        }
    )
    db = tmp_path_factory.mktemp("dupes") / "pcm.duckdb"
    cfg = config_for(base, str(db))
    cfg.crawl.timeout_s = 5
    cfg.sources = [
        Source(name=REAL, kind="local_news", feeds=[f"{base}/real/feed.rss"]),
        Source(name=COPYCAT, kind="national_news", feeds=[f"{base}/copy/feed.rss"]),
    ]
    summary = crawl_all(cfg)
    ids = {
        url.rsplit("/", 1)[-1]: (article_id, source, published, duplicate_of)
        for article_id, url, source, published, duplicate_of in _rows(
            db, "SELECT id, url, source, published_at, duplicate_of FROM articles"
        )
    }
    return {"cfg": cfg, "db": db, "summary": summary, "ids": ids}


def _feed(links: list[str], published: str = "Tue, 03 Jun 2025 09:30:00 +0100") -> Route:
    return Route(body=rss(links, published), content_type="application/rss+xml")


def _html(body: bytes) -> Route:
    return Route(body=body)


def test_a_near_copy_with_an_earlier_date_is_linked_to_the_stored_original(crawled):
    ids = crawled["ids"]
    real_id, real_source, real_published, real_dup = ids["station-opens-in-castleford"]
    copy_id, copy_source, copy_published, copy_dup = ids["station-opens-near-copy"]
    assert (real_source, copy_source) == (REAL, COPYCAT)
    assert copy_published < real_published  # it did claim to be older
    assert real_dup is None  # the original stays the original
    assert copy_dup == real_id
    # the copy's negative sentences were never stored as passages of anything
    texts = [t for (t,) in _rows(crawled["db"], "SELECT text FROM passages")]
    assert not any("failed them" in t for t in texts)
    assert _rows(
        crawled["db"], "SELECT count(*) FROM passages WHERE article_id = ?", [copy_id]
    ) == [(0,)]


def test_an_exact_copy_with_an_earlier_date_is_linked_to_the_stored_original(crawled):
    ids = crawled["ids"]
    real_id = ids["station-opens-in-castleford"][0]
    assert ids["station-opens-exact-copy"][3] == real_id
    by_source = {s.source: s for s in crawled["summary"].sources}
    assert (by_source[REAL].new_articles, by_source[COPYCAT].duplicates) == (1, 2)


def test_only_the_original_is_scored_and_counted_in_the_views(crawled):
    cfg, real_id = crawled["cfg"], crawled["ids"]["station-opens-in-castleford"][0]
    result = {
        "skipped": None,
        "truncated": False,
        "topics": [
            {
                "topic": "general",
                "label": "positive",
                "score": 0.8,
                "p_positive": 0.85,
                "p_neutral": 0.1,
                "p_negative": 0.05,
                "topic_prob": 0.9,
            }
        ],
    }
    with writer(cfg) as con:
        register_model(con, "security-test", "fixed scores", now=datetime.now(UTC))
        pending = pending_passages(con, "security-test")
        store_scores(con, [(pid, result) for pid, _ in pending], "security-test")
    owners = _rows(
        crawled["db"],
        "SELECT DISTINCT a.id FROM passages p JOIN articles a ON a.id = p.article_id "
        "WHERE p.id IN (SELECT unnest(?::BIGINT[]))",
        [[pid for pid, _ in pending]],
    )
    assert owners == [(real_id,)]
    assert _rows(crawled["db"], "SELECT DISTINCT article_id FROM passage_scores") == [(real_id,)]
    daily = _rows(crawled["db"], "SELECT source_kind, sum(passages) FROM topic_daily GROUP BY 1")
    assert daily == [("local_news", len(pending))]  # the national copy counts nowhere
