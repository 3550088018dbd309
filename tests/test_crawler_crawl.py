"""Real crawls of the loopback sample site into a real DuckDB file, each source in a child."""

from __future__ import annotations

import re
import signal
import subprocess
import time
from collections import Counter
from datetime import timedelta

import duckdb
import pytest
import yaml

from crawler.dedup import jaccard, shingles
from demo.site import articles, config_for
from demo.site.server import serve_sample_site
from pcm.cli import main
from pcm.crawling import child_command, crawl_all, load_seen

GAZETTE = "Wexmoor Gazette"
PCC = "Office of the Wexmoor Police and Crime Commissioner"
# Page date forms that carry no time of day: only the date can be checked.
DATE_ONLY_FORMS = {"text", "url", "none", "time_date", "dc_date"}


def _cfg(base, db, sources=None, **crawl):
    cfg = config_for(base, str(db))
    cfg.crawl.max_depth = 5  # every listing page of the sample site
    cfg.crawl.retry_after_cap_s = 5
    for key, value in crawl.items():
        setattr(cfg.crawl, key, value)
    if sources is not None:
        cfg.sources = [s for s in cfg.sources if s.name in sources]
    return cfg


def _rows(db, sql, params=()):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3] if url.count("/") >= 3 else "/"


def _article_requests(site, prefix):
    return [
        p
        for p in site.requests
        if p.startswith(prefix)
        and "/page/" not in p
        and not p.endswith((".rss", ".atom", ".xml"))
        and p.rstrip("/") != prefix.rstrip("/")
    ]


@pytest.fixture(scope="module")
def full_crawl(tmp_path_factory):
    """Every sample source crawled once, then crawled again."""
    db = tmp_path_factory.mktemp("full") / "pcm.duckdb"
    with serve_sample_site() as site:
        cfg = _cfg(site, db)
        first = crawl_all(cfg)
        first_requests = list(site.requests)
        site.log.clear()
        # again, with one source of each discovery kind: feed, news sitemap, listing pages
        second = crawl_all(cfg, sources=[GAZETTE, "Sedgebury Echo", "Ravensey Herald", PCC])
        yield {
            "db": db,
            "site": site,
            "first": first,
            "second": second,
            "first_requests": first_requests,
            "second_requests": list(site.requests),
            "truth": articles(site.today),
        }


def test_every_source_kind_is_discovered_and_recorded(full_crawl):
    first, db = full_crawl["first"], full_crawl["db"]
    assert first.ok, [(s.source, s.status, s.message) for s in first.sources]
    by_source = {s.source: s for s in first.sources}
    # feeds (Gazette RSS, Ledger Atom, force RSS), a news sitemap (Echo), listing pages
    # (Herald, PCC) and HTML+PDF reports (inspectorate) all produced articles
    for name, stats in by_source.items():
        assert stats.new_articles > 0, name
        assert stats.status == "ok", (name, stats.errors_by_reason)
    rows = _rows(
        db,
        "SELECT source, status, pages_fetched, new_articles FROM crawl_stats ORDER BY started_at",
    )
    second = [s.source for s in full_crawl["second"].sources]
    assert [r[0] for r in rows] == [s.source for s in first.sources] + second
    assert _rows(db, "SELECT count(*) FROM articles WHERE url LIKE '%.pdf'") == [(1,)]
    # the crawl identified itself
    requests = full_crawl["site"].log.records()
    assert {r.user_agent for r in requests} == {
        "PublicConfidenceMonitor/0.1 (+https://example.org/pcm-crawler)"
    }


def test_warehouse_matches_the_sample_ground_truth(full_crawl):
    db, truth = full_crawl["db"], full_crawl["truth"]
    stored = {
        _path(url): (aid, source, title, published, dup)
        for aid, url, source, title, published, dup in _rows(
            db, "SELECT id, url, source, title, published_at, duplicate_of FROM articles"
        )
    }
    by_id = {v[0]: k for k, v in stored.items()}
    paras: dict[int, dict[int, str]] = {}
    for aid, paragraph, text in _rows(
        db, "SELECT article_id, paragraph, text FROM passages ORDER BY article_id, position"
    ):
        para = paras.setdefault(aid, {})
        para[paragraph] = f"{para[paragraph]} {text}" if paragraph in para else text
    # the inspectorate's table of grades is content that the ground truth leaves out
    paras = {aid: [t for t in p.values() if not t.startswith("|")] for aid, p in paras.items()}
    texts = {aid: " ".join(p) for aid, p in paras.items()}
    paragraphs = {aid: len(p) for aid, p in paras.items()}
    relevant = [a for a in truth if a.is_relevant]
    for a in truth:
        key = a.path.rstrip("/") or "/"
        if not a.is_relevant:
            assert key not in stored, a.path
            continue
        assert key in stored, a.path
        aid, source, title, published, dup = stored[key]
        assert source == a.outlet
        if a.content_type == "text/html":
            assert title == a.title, a.path
        if a.date_form == "none":  # the page states no date at all
            assert published is None, a.path
            continue
        assert published is not None, a.path
        local = published.astimezone(a.published.tzinfo)
        if a.date_form in DATE_ONLY_FORMS or (local.hour, local.minute) == (0, 0):
            assert local.date() == a.published.date(), a.path  # the page gave a date only
        else:
            assert published == a.published, (a.path, a.date_form)
        if a.duplicate_of:
            assert dup is not None, a.path
            assert by_id[dup] == a.duplicate_of.rstrip("/"), a.path
        elif dup is None:
            body = re.sub(r"\s+", " ", texts[aid])
            assert body == re.sub(r"\s+", " ", " ".join(a.paragraphs)), a.path
            assert paragraphs[aid] == len(a.paragraphs), a.path
        else:  # marked as a copy: must really be one (same text, published within two days)
            original = next(t for t in truth if t.path.rstrip("/") == by_id[dup])
            assert jaccard(shingles(a.text), shingles(original.text)) >= 0.6, a.path
            assert abs(a.published - original.published) <= timedelta(days=2), a.path
    originals = [a for a in relevant if not a.duplicate_of]
    counted = _rows(db, "SELECT count(*) FROM articles WHERE duplicate_of IS NULL")[0][0]
    assert counted >= len(originals) - 8  # a few same-day copies of one story are merged


def test_force_voice_in_its_own_statements(full_crawl):
    voices = dict(
        _rows(
            full_crawl["db"],
            "SELECT p.voice, count(*) FROM passages p JOIN articles a "
            "ON a.id = p.article_id WHERE a.source_kind = 'force_statement' GROUP BY 1",
        )
    )
    assert "media" not in voices
    assert voices["force"] > 0


def test_second_crawl_fetches_nothing_already_stored(full_crawl):
    stored = {_path(u) for (u,) in _rows(full_crawl["db"], "SELECT url FROM seen_urls")}
    second = full_crawl["second_requests"]
    assert second, "the second crawl fetched its feeds, sitemaps and listings"
    refetched = [p for p in second if p.split("?")[0].rstrip("/") in stored]
    assert refetched == []
    assert full_crawl["second"].new_articles == 0
    assert full_crawl["second"].ok


def _test_routes_cfg(site, db):
    cfg = _cfg(site, db, sources=[GAZETTE], timeout_s=1.0)
    source = cfg.sources[0]
    source.name, source.feeds = "Test routes", [f"{site}/_test/feed.rss"]
    return cfg


def test_bad_input_pages_each_recorded_with_a_reason(tmp_path):
    db = tmp_path / "pcm.duckdb"
    with serve_sample_site() as site:
        started = time.monotonic()
        summary = crawl_all(_test_routes_cfg(site, db))
        took = time.monotonic() - started
        log = site.log
    assert summary.sources[0].status == "partial"
    reasons = {
        (_path(url), reason) for url, reason in _rows(db, "SELECT url, reason FROM crawl_errors")
    }
    assert reasons == {
        ("/_test/not-found/", "http_404"),
        ("/_test/server-error/", "http_500"),
        ("/_test/slow/", "timeout"),
        ("/_test/redirect-loop/", "redirect_loop"),
        ("/_test/huge/", "too_large"),
        ("/_test/image/", "not_html"),
        ("/_test/empty/", "empty_body"),
        ("/_test/empty-article/", "empty_body"),
        ("/_test/paywall/", "paywall_stub"),
        ("/_test/private/", "robots_disallowed"),
    }
    assert log.count("/_test/private/") == 0
    stats = _rows(db, "SELECT errors, empty_bodies, errors_by_reason FROM crawl_stats")[0]
    assert stats[0] == 10
    assert stats[1] == 3
    stored = {_path(u) for (u,) in _rows(db, "SELECT url FROM articles")}
    assert {"/_test/ok", "/_test/malformed", "/_test/retry-after"} <= stored
    # Retry-After: the 429 was retried once, after the 2 seconds it asked for
    assert log.count("/_test/retry-after/") == 2
    assert took > 2
    seen = dict(
        _rows(
            db,
            "SELECT url, outcome FROM seen_urls WHERE url LIKE '%empty%' OR url LIKE '%paywall%'",
        )
    )
    assert sorted(seen.values()) == ["empty", "empty", "empty"]


def test_time_budget_cuts_a_source_short(tmp_path):
    db = tmp_path / "pcm.duckdb"
    with serve_sample_site() as site:
        cfg = _test_routes_cfg(site, db)
        cfg.crawl.timeout_s, cfg.crawl.source_time_budget_s = 30, 1.5
        summary = crawl_all(cfg)
    stats = summary.sources[0]
    assert stats.status == "partial"
    assert stats.message == "time budget of 1.5 s reached"


def test_cp1252_page_without_a_charset_is_decoded(full_crawl):
    db = full_crawl["db"]
    cp = next(a for a in full_crawl["truth"] if a.encoding == "cp1252")
    rows = _rows(
        db,
        "SELECT string_agg(p.text, ' ' ORDER BY position) FROM passages p "
        "JOIN articles a ON a.id = p.article_id WHERE a.url LIKE ?",
        [f"%{cp.path.rstrip('/')}"],
    )
    assert rows
    assert rows[0][0] == re.sub(r"\s+", " ", " ".join(cp.paragraphs))
    assert "\ufffd" not in rows[0][0]
    assert "â€" not in rows[0][0]


@pytest.mark.parametrize(
    ("robots", "reason"), [("disallow_all", "robots_disallowed"), ("503", "robots_unavailable")]
)
def test_robots_disallow_and_unavailable_fetch_nothing(tmp_path, robots, reason):
    db = tmp_path / "pcm.duckdb"
    with serve_sample_site(robots=robots) as site:
        summary = crawl_all(_cfg(site, db, sources=[GAZETTE]))
        paths = set(site.requests)
    assert paths == {"/robots.txt"}
    assert summary.failed_sources == [GAZETTE]
    reasons = Counter(r for (r,) in _rows(db, "SELECT reason FROM crawl_errors"))
    assert set(reasons) == {reason}
    assert _rows(db, "SELECT count(*) FROM articles") == [(0,)]


def test_one_source_failing_does_not_stop_the_others(tmp_path, capsys):
    db = tmp_path / "pcm.duckdb"
    with serve_sample_site() as site:
        cfg = _cfg(site, db, sources=[PCC])
        broken = cfg.sources[0].model_copy(
            update={"name": "Broken", "start_urls": [], "feeds": ["http://127.0.0.1:9/feed.rss"]}
        )
        cfg.sources = [broken, *cfg.sources]
        config = tmp_path / "config.yaml"
        config.write_text(yaml.safe_dump(cfg.model_dump(exclude={"db_path", "config_path"})))
        assert main(["init", "--config", str(config), "--db", str(db)]) == 0
        capsys.readouterr()
        code = main(["crawl", "--config", str(config), "--db", str(db)])
    out, err = capsys.readouterr()
    assert code == 1
    assert err.strip().splitlines()[-1] == (
        "pcm crawl: 1 of 2 sources failed: Broken; see crawl_errors (pcm sql) for the reasons"
    )
    assert "Broken: failed; 0 pages" in out
    assert "robots_unavailable 1" in out
    assert f"{PCC}: ok" in out
    assert _rows(db, "SELECT count(*) FROM articles WHERE source = ?", [PCC])[0][0] > 5


def test_listing_pages_are_followed_to_max_depth_only(tmp_path):
    db = tmp_path / "pcm.duckdb"
    with serve_sample_site() as site:
        crawl_all(_cfg(site, db, sources=["Ravensey Herald"], max_depth=1))
        listings = sorted({p for p in site.requests if p.startswith("/herald/news/")})
        articles_fetched = _article_requests(site, "/herald/20") + _article_requests(
            site, "/herald/story/"
        )
    assert listings == ["/herald/news/", "/herald/news/page/2/"]
    assert len(articles_fetched) == 20  # ten teasers a page


def test_since_bounds_a_backfill(tmp_path):
    db = tmp_path / "pcm.duckdb"
    with serve_sample_site() as site:
        truth = [a for a in articles(site.today) if a.outlet == GAZETTE]
        since = max(a.published for a in truth) - timedelta(days=30)
        crawl_all(_cfg(site, db, sources=[GAZETTE]), since=since.date().isoformat())
        fetched = {p.split("?")[0] for p in _article_requests(site, "/gazette/")}
    recent = {a.path for a in truth if a.published.date() >= since.date()}
    assert recent
    assert fetched == recent


def test_failed_write_is_fetched_again_next_run(tmp_path, fail_store):
    db = tmp_path / "pcm.duckdb"
    with serve_sample_site() as site:
        cfg = _cfg(site, db, sources=[PCC])
        victim = next(a for a in articles(site.today) if a.outlet == PCC and a.is_relevant)
        with fail_store(f"{site}{victim.path}"):
            first = crawl_all(cfg)
        assert first.sources[0].errors_by_reason == {"store_failed": 1}
        assert _rows(
            db, "SELECT count(*) FROM articles WHERE url LIKE ?", [f"%{victim.path.rstrip('/')}"]
        ) == [(0,)]
        site.log.clear()
        second = crawl_all(cfg)
        fetched = _article_requests(site, "/pcc/news/")
    assert fetched == [victim.path]
    assert second.new_articles == 1
    assert _rows(
        db, "SELECT count(*) FROM articles WHERE url LIKE ?", [f"%{victim.path.rstrip('/')}"]
    ) == [(1,)]
    assert _rows(db, "SELECT reason FROM crawl_errors") == [("store_failed",)]


def test_killed_crawl_loses_nothing_and_duplicates_nothing(tmp_path):
    db = tmp_path / "pcm.duckdb"
    with serve_sample_site() as site:
        slow = _cfg(site, db, sources=[GAZETTE], download_delay=0.25, autothrottle=False)
        load_seen(slow)  # creates the warehouse
        config_json = tmp_path / "config.json"
        config_json.write_text(slow.model_dump_json())
        child = subprocess.Popen(child_command(config_json, GAZETTE, tmp_path / "ledger.json"))
        deadline = time.monotonic() + 60
        while len(_article_requests(site, "/gazette/news/")) < 25 and time.monotonic() < deadline:
            time.sleep(0.1)
        child.send_signal(signal.SIGKILL)
        assert child.wait(10) == -signal.SIGKILL
        killed_at = len(_article_requests(site, "/gazette/news/"))
        stored_before = _rows(db, "SELECT count(*) FROM articles")[0][0]
        crawl_all(_cfg(site, db, sources=[GAZETTE]))
        truth = [a for a in articles(site.today) if a.outlet == GAZETTE]
    assert 0 < stored_before < len(truth)
    assert killed_at < len(truth)
    urls = [_path(u) for (u,) in _rows(db, "SELECT url FROM articles")]
    assert len(urls) == len(set(urls))
    assert set(urls) == {a.path.rstrip("/") for a in truth if a.is_relevant}
    per_article = _rows(
        db, "SELECT article_id, count(*), count(DISTINCT position) FROM passages GROUP BY 1"
    )
    assert all(n == distinct for _, n, distinct in per_article)
