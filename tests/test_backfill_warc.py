"""`pcm backfill --warc`: a WARC file written from the sample site gives what a crawl gave.

The sample site is crawled (three sources: an RSS feed, listing pages with a cp1252 story, and
an inspectorate's HTML page and PDF); every page that crawl fetched is fetched again and
written, with its real status and headers, into a WARC file by warcio's own writer, beside
records a backfill must pass over or count as bad. The backfill of that file into an empty
warehouse stores the same articles, and a second backfill stores nothing.
"""

from __future__ import annotations

import gzip
import http.client
import io
import json
import re
from urllib.parse import urlsplit

import duckdb
import pytest
import yaml
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from core.config import Source
from crawler.warc import WarcPage, WarcProblem, read_warc
from demo.site import config_for
from demo.site.server import serve_sample_site
from pcm.backfill import SourceMatcher
from pcm.cli import main
from pcm.crawling import crawl_all

SOURCES = ["Wexmoor Gazette", "Ravensey Herald", "HM Inspectorate of Constabulary"]
ARTICLES_SQL = (
    "SELECT a.url, a.source, a.title, a.duplicate_of IS NOT NULL, "
    "coalesce(string_agg(p.text, ' ' ORDER BY p.position), '') "
    "FROM articles a LEFT JOIN passages p ON p.article_id = a.id GROUP BY ALL ORDER BY 1"
)


def _rows(db, sql):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _fetch(base: str, path: str) -> tuple[int, str, list[tuple[str, str]], bytes]:
    """One raw HTTP exchange (no redirect followed): status, reason, headers, body."""
    parts = urlsplit(base)
    con = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        con.request("GET", path, headers={"User-Agent": "test-warc-writer"})
        response = con.getresponse()
        return response.status, response.reason, response.getheaders(), response.read()
    finally:
        con.close()


def _record(writer, url, status, reason, headers, body):
    http = StatusAndHeaders(f"{status} {reason}", headers, protocol="HTTP/1.0")
    record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http)
    writer.write_record(record)


def _write_archives(site, paths, folder):
    """The crawled pages, and records to pass over; a second file cut off in its last record."""
    good = folder / "sample.warc.gz"
    with good.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for path in paths:
            _record(writer, f"{site}{path}", *_fetch(site, path))
        html = [("Content-Type", "text/html; charset=utf-8")]
        article = b"<html><body><article><p>Wexmoor Police said " + b"words " * 80
        _record(
            writer,
            "http://elsewhere.example/news/a-story-on-another-host",
            200,
            "OK",
            html,
            article + b"</p></article></body></html>",
        )
        png = [("Content-Type", "image/png")]
        _record(
            writer,
            f"{site}/gazette/news/a-picture-not-a-story-9",
            200,
            "OK",
            png,
            b"\x89PNG\r\n\x1a\n" + bytes(200),
        )
        _record(writer, f"{site}/gazette/news/nothing-here-at-all-8", 200, "OK", html, b"")
    small = folder / "small.warc.gz"
    with small.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for path in paths[:8]:
            _record(writer, f"{site}{path}", *_fetch(site, path))
    damaged = folder / "damaged.warc.gz"
    data = small.read_bytes()
    damaged.write_bytes(data[: len(data) - 200])  # the last record loses its end
    return good, small, damaged


@pytest.fixture(scope="module")
def archived(tmp_path_factory):
    folder = tmp_path_factory.mktemp("backfill")
    with serve_sample_site() as site:
        cfg = config_for(site, str(folder / "crawl.duckdb"))
        cfg.crawl.max_depth = 5
        cfg.crawl.max_articles_per_source = 12  # enough of each kind, in less time
        cfg.sources = [s for s in cfg.sources if s.name in SOURCES]
        crawl = crawl_all(cfg)
        paths = list(dict.fromkeys(site.requests))  # each page once, in the crawl's order
        good, small, damaged = _write_archives(site, paths, folder)
    config = folder / "config.yaml"
    data = cfg.model_dump(mode="json", exclude={"db_path", "config_path"})
    config.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return {
        "folder": folder,
        "crawl": crawl,
        "config": config,
        "good": good,
        "small": small,
        "damaged": damaged,
    }


def _backfill(archived, db, *files, capsys):
    code = main(
        ["backfill", "--config", str(archived["config"]), "--db", str(db), "--json", "--warc"]
        + [str(f) for f in files]
    )
    out = capsys.readouterr()
    return code, json.loads(out.out.strip().splitlines()[-1]), out.err


def test_backfill_stores_what_the_crawl_stored_and_a_second_adds_nothing(archived, capsys, caplog):
    assert archived["crawl"].ok
    db = archived["folder"] / "backfill.duckdb"
    assert main(["init", "--config", str(archived["config"]), "--db", str(db)]) == 0
    code, first, err = _backfill(archived, db, archived["good"], capsys=capsys)
    assert code == 0, err
    crawled = _rows(archived["folder"] / "crawl.duckdb", ARTICLES_SQL)
    assert len(crawled) > 20
    backfilled = _rows(db, ARTICLES_SQL)
    assert [r[0] for r in backfilled] == [r[0] for r in crawled]  # the same URLs
    assert backfilled == crawled  # sources, titles, duplicate marks and texts too
    assert any(url.endswith(".pdf") for url, *_ in backfilled)
    assert first["new_articles"] == archived["crawl"].new_articles
    assert first["skipped"]["unknown_host"] == 1
    assert first["skipped"]["feed_or_sitemap"] == 1  # the Gazette's RSS
    assert first["skipped"]["not_article"] > 5  # listing pages, robots.txt
    assert first["bad_records"] == {"empty_body": 1, "not_html": 1}
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any(
        re.search(r"a-picture-not-a-story-9: not_html, Content-Type image/png", w) for w in warnings
    )

    code, second, err = _backfill(archived, db, archived["good"], capsys=capsys)
    assert code == 0, err
    assert second["new_articles"] == 0
    assert second["skipped"]["already_seen"] >= len(crawled)
    assert _rows(db, ARTICLES_SQL) == backfilled


def test_a_damaged_file_is_counted_and_the_run_goes_on(archived, capsys):
    db = archived["folder"] / "damaged.duckdb"
    assert main(["init", "--config", str(archived["config"]), "--db", str(db)]) == 0
    code, summary, err = _backfill(
        archived, db, archived["damaged"], archived["small"], capsys=capsys
    )
    assert code == 1  # the damaged file could not be read to its end ...
    assert re.search(r"pcm backfill: 1 of 2 WARC files could not be read.*truncated", err)
    damaged, small = summary["files"]
    assert damaged["complete"] is False
    assert damaged["pages"] == 7
    assert summary["bad_records"]["truncated"] == 1
    assert small["complete"] is True
    assert small["pages"] == 8
    assert summary["new_articles"] > 0


def test_the_reader_reports_problems_instead_of_raising(tmp_path):
    plain = tmp_path / "short.warc"
    with plain.open("wb") as fh:
        writer = WARCWriter(fh, gzip=False)
        html = [("Content-Type", "text/html")]
        for n in range(3):
            _record(writer, f"http://a.example/story-number-{n}", 200, "OK", html, b"x" * 500)
    data = plain.read_bytes()
    plain.write_bytes(data[:-400])  # the last record is cut short
    found = list(read_warc(plain))
    assert [type(r) for r in found] == [WarcPage, WarcPage, WarcProblem]
    assert found[2].reason == "truncated"
    assert found[2].url.endswith("story-number-2")
    small = list(read_warc(plain, max_bytes=100))
    assert [r.reason for r in small][:2] == ["too_large", "too_large"]
    junk = tmp_path / "junk.warc.gz"
    junk.write_bytes(gzip.compress(b"WARC/1.0\r\n") + b"not gzip at all" * 10)
    [problem] = list(read_warc(junk))
    assert problem.fatal
    assert problem.reason in ("bad_warc", "truncated")
    text = tmp_path / "notes.txt"
    text.write_text("hello", encoding="utf-8")
    [problem] = list(read_warc(text))
    assert problem.reason == "bad_warc"
    assert "not a WARC file" in problem.detail


def test_missing_files_are_refused_before_anything_is_read(archived, tmp_path, capsys):
    db = tmp_path / "pcm.duckdb"
    assert main(["init", "--config", str(archived["config"]), "--db", str(db)]) == 0
    capsys.readouterr()
    code = main(
        ["backfill", "--config", str(archived["config"]), "--db", str(db), "--warc", "nope.warc"]
    )
    assert code == 1
    assert "pcm backfill: no such WARC file: nope.warc" in capsys.readouterr().err


def test_records_are_matched_by_host_then_by_the_longest_shared_path():
    def source(name, *urls):
        return Source(name=name, kind="local_news", start_urls=list(urls))

    matcher = SourceMatcher(
        [
            source("EDP", "https://www.edp24.co.uk/news/crime/"),
            source("Herald", "http://127.0.0.1:8600/herald/news/"),
            source("Gazette", "http://127.0.0.1:8600/gazette/feed.rss"),
            source("Ledger", "http://127.0.0.1:8600/ledger/uk-news/feed.atom"),
        ]
    )
    assert matcher.match("https://edp24.co.uk/news/2025/a-story-here").name == "EDP"
    assert matcher.match("http://127.0.0.1:8600/herald/2025/01/02/x/").name == "Herald"
    assert matcher.match("http://127.0.0.1:8600/gazette/news/x-1").name == "Gazette"
    assert matcher.match("http://127.0.0.1:8600/ledger/uk-news/2025/jan/02/x").name == "Ledger"
    assert matcher.match("http://127.0.0.1:8600/robots.txt").name == "Herald"  # a tie: first
    assert matcher.match("http://127.0.0.1:8601/herald/2025/") is None  # another port
    assert matcher.match("https://www.bbc.co.uk/news/uk-england-norfolk-1") is None
