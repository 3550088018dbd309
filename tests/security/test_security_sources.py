"""Sources that fail must not show ok; wrong charset labels; folders left by killed crawls."""

from __future__ import annotations

import codecs
import html
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pytest
import yaml
from hostile import HTML, Route, article_page, rss

from core.config import Source
from demo.site import config_for
from pcm.crawling import OWNER_FILE, WORKDIR_PREFIX, clean_stale_workdirs, crawl_all
from warehouse.connection import writer

pytestmark = pytest.mark.slow

FEED_NOW_HTML = "Feed now HTML"
HALF_BROKEN = "Half broken"
QUIET = "Quiet feed"
SITEMAP_NOW_HTML = "Sitemap now HTML"
CHARSETS = "Charsets"
RSS_TYPE = "application/rss+xml"
XML_TYPE = "application/xml"
# One distinct story per charset case (near-copies would be stored as duplicates).
STORIES = {
    "mislabelled-header": (
        "Café owner praises quick response",
        "Zoë Brontë, who runs the café on Market Street, said Wexmoor Constabulary were "
        "“brilliant” – officers arrived within minutes of her call.",
    ),
    "mislabelled-meta": (
        "Crêpe stall thefts solved",
        "Wexmoor Constabulary charged two men after thefts from the crêpe stall at the "
        "fête; the owner said: “I’m relieved – it’s over.”",
    ),
    "utf16-le": (
        "Naïve scam warning for pensioners",
        "Wexmoor Constabulary warned pensioners about a naïve-sounding phone scam costing "
        "victims £2,000 on average — officers ask people to hang up.",
    ),
    "utf16-be": (
        "Façade damage at police station",
        "Vandals damaged the façade of Wexmoor Constabulary’s Lowmarsh station overnight; "
        "repairs will cost about €3,500, the force said.",
    ),
    "true-cp1252": (
        "Résumé of the week in Wexmoor",
        "Wexmoor Constabulary’s weekly résumé lists 14 arrests and a “very quiet” weekend "
        "in Ravensey – the best for a year.",
    ),
}


def _rows(db, sql, params=()):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _page(slug: str, charset_meta: str = "utf-8") -> str:
    title, text = STORIES[slug]
    more = (
        f"Residents in {slug.replace('-', ' ')} were told to report anything suspicious.",
        "The force thanked everyone who came forward with information.",
    )
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in (text, *more))
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="{charset_meta}">'
        f"<title>{html.escape(title)}</title>"
        '<meta property="article:published_time" content="2025-06-03T09:30:00+01:00"></head>'
        f"<body><article><h1>{html.escape(title)}</h1>{paragraphs}</article></body></html>"
    )


def _sitemap(urls: list[str]) -> bytes:
    locs = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
    ).encode()


@pytest.fixture(scope="module")
def crawled(hostile_pair, tmp_path_factory):
    site, _ = hostile_pair
    base = site.base
    homepage = article_page("Our new website").replace(b"<article>", b"<nav>")
    charset = f"{base}/charset/news"
    site.routes.update(
        {
            # a feed and a sitemap whose URLs now answer with the site's HTML home page
            "/gone/feed.rss": Route(body=homepage, content_type=HTML),
            "/gone/sitemap.xml": Route(body=homepage, content_type=HTML),
            "/ok/sitemap.xml": Route(
                body=_sitemap([f"{base}/ok/news/station-opens"]), content_type=XML_TYPE
            ),
            "/ok/news/station-opens": Route(body=article_page("Station opens")),
            "/quiet/feed.rss": Route(body=rss([]), content_type=RSS_TYPE),
            "/charset/feed.rss": Route(
                body=rss([f"{charset}/{slug}" for slug in STORIES]), content_type=RSS_TYPE
            ),
            # UTF-8 bytes under a Latin label: read as labelled, "é" would be stored as "Ã©"
            "/charset/news/mislabelled-header": Route(
                body=_page("mislabelled-header", "iso-8859-1").encode("utf-8"),
                content_type="text/html; charset=ISO-8859-1",
            ),
            "/charset/news/mislabelled-meta": Route(
                body=_page("mislabelled-meta", "windows-1252").encode("utf-8"),
                content_type="text/html",
            ),
            "/charset/news/utf16-le": Route(
                body=codecs.BOM_UTF16_LE + _page("utf16-le", "utf-16").encode("utf-16-le"),
                content_type="text/html",
            ),
            "/charset/news/utf16-be": Route(
                body=codecs.BOM_UTF16_BE + _page("utf16-be", "utf-16").encode("utf-16-be"),
                content_type="text/html; charset=UTF-16",
            ),
            "/charset/news/true-cp1252": Route(
                body=_page("true-cp1252", "windows-1252").encode("cp1252"),
                content_type="text/html; charset=windows-1252",
            ),
        }
    )
    db = tmp_path_factory.mktemp("sources") / "pcm.duckdb"
    cfg = config_for(base, str(db))
    cfg.crawl.timeout_s = 5
    cfg.sources = [
        Source(name=FEED_NOW_HTML, kind="local_news", feeds=[f"{base}/gone/feed.rss"]),
        Source(
            name=HALF_BROKEN,
            kind="local_news",
            feeds=[f"{base}/gone/feed.rss"],
            sitemaps=[f"{base}/ok/sitemap.xml"],
        ),
        Source(name=QUIET, kind="local_news", feeds=[f"{base}/quiet/feed.rss"]),
        Source(name=SITEMAP_NOW_HTML, kind="local_news", sitemaps=[f"{base}/gone/sitemap.xml"]),
        Source(name=CHARSETS, kind="local_news", feeds=[f"{base}/charset/feed.rss"]),
    ]
    summary = crawl_all(cfg)
    return {
        "db": db,
        "base": base,
        "summary": summary,
        "stats": {s.source: s for s in summary.sources},
        "errors": _rows(db, "SELECT source, url, reason, detail FROM crawl_errors"),
    }


def test_a_feed_that_now_returns_html_fails_the_source(crawled):
    stats = crawled["stats"][FEED_NOW_HTML]
    assert stats.status == "failed"
    assert stats.errors_by_reason == {"bad_feed": 1}
    assert "feeds, sitemaps or listing pages could be read" in stats.message
    [(url, detail)] = [(u, d) for s, u, r, d in crawled["errors"] if s == FEED_NOW_HTML]
    assert url == f"{crawled['base']}/gone/feed.rss"
    assert "not an RSS or Atom feed" in detail
    assert "text/html" in detail
    assert FEED_NOW_HTML in crawled["summary"].failed_sources


def test_a_bad_feed_beside_a_working_sitemap_makes_the_source_partial(crawled):
    stats = crawled["stats"][HALF_BROKEN]
    assert (stats.status, stats.new_articles) == ("partial", 1)
    assert stats.errors_by_reason == {"bad_feed": 1}


def test_a_feed_with_no_items_is_not_an_error(crawled):
    stats = crawled["stats"][QUIET]
    assert (stats.status, stats.errors) == ("ok", 0)


def test_a_sitemap_that_now_returns_html_fails_the_source(crawled):
    stats = crawled["stats"][SITEMAP_NOW_HTML]
    assert stats.status == "failed"
    assert stats.errors_by_reason == {"bad_sitemap": 1}


def test_wrong_charset_labels_and_utf16_are_decoded(crawled):
    db = crawled["db"]
    stats = crawled["stats"][CHARSETS]
    assert (stats.status, stats.new_articles, stats.errors) == ("ok", len(STORIES), 0)
    for slug, (title, text) in STORIES.items():
        rows = _rows(
            db,
            "SELECT a.title, string_agg(p.text, ' ' ORDER BY p.position) FROM articles a "
            "JOIN passages p ON p.article_id = a.id WHERE a.url LIKE ? GROUP BY a.title",
            [f"%/charset/news/{slug}"],
        )
        assert rows, slug
        stored_title, body = rows[0]
        assert stored_title == title, slug
        assert text in body, slug
        for broken in ("Ã", "â€", "\ufffd"):  # mojibake and replacement characters
            assert broken not in body, slug


def _crawl_folders(root: Path) -> list[Path]:
    return sorted(root.glob(f"{WORKDIR_PREFIX}*"))


def test_folders_of_killed_crawls_are_removed_on_the_next_start(hostile_pair, tmp_path):
    site, _ = hostile_pair
    base = site.base
    site.routes.update(
        {
            "/kill/feed.rss": Route(
                body=rss([f"{base}/kill/news/slow-story"]), content_type=RSS_TYPE
            ),
            "/kill/news/slow-story": Route(body=article_page("Slow story"), delay_s=30),
        }
    )
    root = tmp_path / "tmp"
    root.mkdir()
    cfg = config_for(base, str(tmp_path / "pcm.duckdb"))
    cfg.sources = [Source(name="Killed", kind="local_news", feeds=[f"{base}/kill/feed.rss"])]
    config = tmp_path / "pcm.yaml"
    config.write_text(yaml.safe_dump(cfg.model_dump(exclude={"db_path", "config_path"})))
    with writer(cfg):
        pass  # `pcm crawl` needs the warehouse to exist
    # `pcm crawl` killed with its whole process group (as systemd or the scheduler kill it)
    pcm = [sys.executable, "-c", "import sys; from pcm.cli import main; sys.exit(main())"]
    crawl = subprocess.Popen(
        [*pcm, "crawl", "--config", str(config), "--db", cfg.db_path],
        env={**os.environ, "TMPDIR": str(root)},
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while site.log.count("/kill/news/slow-story") == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert site.log.count("/kill/news/slow-story") == 1, "the crawl never started"
    finally:
        os.killpg(crawl.pid, signal.SIGKILL)
        crawl.wait(10)
    [left] = _crawl_folders(root)
    assert (left / "config.json").is_file()  # the config, with every setting, left behind
    # a folder whose crawl is alive (this process) and a day-old one that records no owner
    live = root / f"{WORKDIR_PREFIX}live"
    live.mkdir()
    (live / OWNER_FILE).write_text(json.dumps({"pid": os.getpid(), "host": os.uname().nodename}))
    old = root / f"{WORKDIR_PREFIX}old"
    old.mkdir()
    (old / "config.json").write_text("{}")
    os.utime(old, (time.time() - 2 * 86400,) * 2)

    original = tempfile.tempdir
    tempfile.tempdir = str(root)
    try:
        cfg.sources = [Source(name="Quick", kind="local_news", feeds=[f"{base}/quiet/feed.rss"])]
        site.routes["/quiet/feed.rss"] = Route(body=rss([]), content_type=RSS_TYPE)
        summary = crawl_all(cfg)
    finally:
        tempfile.tempdir = original
    assert summary.ok
    assert _crawl_folders(root) == [live]  # killed and stale gone, live kept, its own removed
    assert clean_stale_workdirs(root) == []
