"""One huge page cannot eat the night: a passage cap per article, time budgets per stage."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import duckdb
import pytest
from hostile import Route, article_page, rss

import pcm.nightly
from core.config import Config, Force, Source, load_config
from core.errors import ConfigError
from demo.site import config_for
from pcm.crawling import crawl_all
from pcm.nightly import run_nightly
from warehouse.articles import ArticleRecord, PassageRecord, store_article
from warehouse.connection import writer
from warehouse.scores import pending_passages

pytestmark = pytest.mark.slow

CAP = 20
NOW = datetime(2025, 6, 3, 9, tzinfo=UTC)


def _rows(db, sql, params=()):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _huge_paragraphs(n: int) -> tuple[str, ...]:
    return tuple(
        f"Witness number {i} told Wexmoor Constabulary that the van turned left at junction {i}. "
        f"Officers then searched street {i} and spoke to {i + 2} neighbours about it."
        for i in range(n)
    )


def test_an_article_over_the_passage_cap_keeps_the_first_passages_and_says_so(
    hostile_pair, tmp_path, capfd
):
    site, _ = hostile_pair
    base = site.base
    site.routes.update(
        {
            "/cap/feed.rss": Route(
                body=rss([f"{base}/cap/news/huge-witness-appeal", f"{base}/cap/news/normal"]),
                content_type="application/rss+xml",
            ),
            "/cap/news/huge-witness-appeal": Route(
                body=article_page("Huge witness appeal", paragraphs=_huge_paragraphs(150))
            ),
            "/cap/news/normal": Route(body=article_page("Station opens")),
        }
    )
    db = tmp_path / "pcm.duckdb"
    cfg = config_for(base, str(db))
    cfg.crawl.max_passages_per_article = CAP
    cfg.sources = [Source(name="Huge pages", kind="local_news", feeds=[f"{base}/cap/feed.rss"])]
    summary = crawl_all(cfg)
    stored = dict(
        _rows(
            db,
            "SELECT a.url, (SELECT count(*) FROM passages p WHERE p.article_id = a.id) "
            "FROM articles a",
        )
    )
    dropped = dict(_rows(db, "SELECT url, passages_dropped FROM articles"))
    huge, normal = f"{base}/cap/news/huge-witness-appeal", f"{base}/cap/news/normal"
    assert stored[huge] == CAP
    assert dropped[huge] >= 150  # at least one passage per witness paragraph beyond the cap
    assert stored[normal] < CAP
    assert dropped[normal] == 0
    kept = _rows(
        db,
        "SELECT p.text FROM passages p JOIN articles a ON a.id = p.article_id "
        "WHERE a.url = ? ORDER BY p.position",
        [huge],
    )
    assert kept[1][0].startswith("Witness number 0 ")  # the first passages, after the headline
    [(url, detail)] = _rows(
        db, "SELECT url, detail FROM crawl_errors WHERE reason = 'passages_capped'"
    )
    assert url == huge
    assert detail.startswith(f"kept {CAP} of {CAP + dropped[huge]} passages")
    assert summary.sources[0].status == "ok"  # a capped article is a note, not a failure
    assert f"only the first {CAP} kept (crawl.max_passages_per_article)" in capfd.readouterr().err


def test_the_crawl_stage_budget_cuts_a_slow_source_and_skips_the_rest(hostile_pair, tmp_path):
    site, _ = hostile_pair
    base = site.base
    site.routes.update(
        {
            "/slow/feed.rss": Route(
                body=rss([f"{base}/slow/news/a-page-that-takes-forever"]),
                content_type="application/rss+xml",
            ),
            "/slow/news/a-page-that-takes-forever": Route(
                body=article_page("Slow page"), delay_s=25
            ),
            "/later/feed.rss": Route(body=rss([]), content_type="application/rss+xml"),
        }
    )
    db = tmp_path / "pcm.duckdb"
    cfg = config_for(base, str(db))
    cfg.crawl.timeout_s = 60
    # long enough that a loaded machine still starts the first source within it
    cfg.crawl.stage_budget_s = 8
    cfg.sources = [
        Source(name="Slow", kind="local_news", feeds=[f"{base}/slow/feed.rss"]),
        Source(name="Later", kind="local_news", feeds=[f"{base}/later/feed.rss"]),
    ]
    summary = crawl_all(cfg)
    slow, later = summary.sources
    assert slow.status == "partial"
    assert "reached (what was left of crawl.stage_budget_s)" in slow.message
    assert later.status == "failed"
    assert later.message.startswith("not crawled: crawl.stage_budget_s (8 s)")
    assert site.log.count("/later/feed.rss") == 0
    rows = _rows(db, "SELECT source, status, message FROM crawl_stats ORDER BY started_at")
    assert [(r[0], r[1]) for r in rows] == [("Slow", "partial"), ("Later", "failed")]


def test_stage_budgets_must_fit_in_the_run_limit(tmp_path):
    path = tmp_path / "pcm.yaml"
    path.write_text(
        "force:\n  name: Test Constabulary\ncrawl:\n  stage_budget_s: 3000\n"
        "schedule:\n  run_timeout_s: 3600\n  score_budget_s: 1200\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"must be less than schedule.run_timeout_s \(3600\)"):
        load_config(path, environ={})
    cfg = Config(force=Force(name="Test Constabulary"))
    assert cfg.crawl.max_passages_per_article == 400
    assert cfg.crawl.stage_budget_s + cfg.schedule.score_budget_s < cfg.schedule.run_timeout_s


def test_the_scoring_budget_stops_the_stage_and_the_run_says_so(tmp_path, monkeypatch):
    cfg = Config(force=Force(name="Test Constabulary"), db_path=str(tmp_path / "w.duckdb"))
    cfg.digest.out_dir = str(tmp_path / "reports")
    cfg.schedule.score_budget_s = 0.001
    with writer(cfg) as con:
        for n in range(3):
            store_article(
                con,
                ArticleRecord(f"https://a.example/{n}", "A", "local_news", f"T{n}", None, NOW, NOW),
                [
                    PassageRecord(
                        i, i, f"Story {n}: Test Constabulary officers helped {i}.", "media"
                    )
                    for i in range(4)
                ],
            )
    monkeypatch.setattr(pcm.nightly, "SCORE_SLICE", 4)
    result = run_nightly(cfg, clock=lambda: NOW)
    assert result.status == "partial"
    assert result.exit_code == 3
    assert result.counts["score"]["passages"] == 4
    assert result.counts["score"]["budget_spent"]
    [(status, error, counts)] = _rows(cfg.db_path, "SELECT status, error, counts FROM runs")
    assert status == "partial"
    assert "schedule.score_budget_s (0.001 s)" in error
    assert json.loads(counts)["score"]["budget_spent"] is True
    from sentiment.confidence_model import load_model  # torch: only this (slow) test

    version = load_model(cfg.model).version
    with writer(cfg) as con:
        assert len(pending_passages(con, version)) == 8  # left for the next run
