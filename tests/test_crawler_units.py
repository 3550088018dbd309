"""Pure parts of the crawler: URLs, dates, dedup, relevance, discovery, PDFs, Retry-After."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta, timezone

import pytest

from core.config import Force, Person
from core.errors import ConfigError
from crawler.dates import date_from_url, parse_datetime
from crawler.dedup import (
    content_hash,
    credits_source,
    hamming,
    is_near_duplicate,
    jaccard,
    shingles,
    simhash,
)
from crawler.discovery import Entry, parse_feed, parse_listing, parse_sitemap, read_feed
from crawler.ledger import CrawlLedger
from crawler.middlewares import retry_after_seconds
from crawler.pdf import is_pdf, pdf_text
from crawler.relevance import RelevanceFilter
from crawler.urls import canonical_url
from pcm.crawl_store import Match, is_original
from pcm.crawling import CrawlSummary, judge, parse_since
from warehouse.crawl_log import CrawlStats

BST = timezone(timedelta(hours=1))


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "http://WWW.Example.COM:80/News/Story/?utm_source=rss&utm_medium=feed#comments",
            "https://www.example.com/News/Story",
        ),
        (
            "https://example.com:443/a//b/?fbclid=x&gclid=y&id=7&b=2",
            "https://example.com/a/b?b=2&id=7",
        ),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/story?ito=1&at_medium=x&mc_cid=1&_ga=2", "https://example.com/story"),
        ("https://example.com:8443/x/", "https://example.com:8443/x"),
        (
            "http://127.0.0.1:8001/gazette/news/x/?utm_campaign=y",
            "http://127.0.0.1:8001/gazette/news/x",
        ),
        ("mailto:press@example.com", "mailto:press@example.com"),
    ],
)
def test_canonical_url(url, canonical):
    assert canonical_url(url) == canonical


def test_canonical_url_resolves_relative_links():
    assert canonical_url("../b/?utm_x=1", "https://example.com/a/c/") == "https://example.com/a/b"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-14T08:30:00Z", datetime(2025, 3, 14, 8, 30, tzinfo=UTC)),
        ("2025-06-02T14:15:00+01:00", datetime(2025, 6, 2, 14, 15, tzinfo=BST)),
        ("2025-06-02", datetime(2025, 6, 2, 0, 0, tzinfo=BST)),  # naive: Europe/London
        ("Mon, 02 Jun 2025 14:15:00 GMT", datetime(2025, 6, 2, 14, 15, tzinfo=UTC)),
        ("Posted on 20 November 2024", datetime(2024, 11, 20, tzinfo=UTC)),
        ("Published: 3rd March 2025, 2:05pm", datetime(2025, 3, 3, 14, 5, tzinfo=UTC)),
        ("June 2, 2025", datetime(2025, 6, 2, tzinfo=BST)),
        ("02/06/2025", datetime(2025, 6, 2, tzinfo=BST)),  # UK order
        ("not a date", None),
        ("1066-10-14", None),  # implausible
        ("2999-01-01", None),
        ("", None),
    ],
)
def test_parse_datetime(text, expected):
    got = parse_datetime(text)
    assert got == expected
    if got is not None:
        assert got.tzinfo is not None


def test_date_from_url():
    assert date_from_url("https://x.test/news/2025/06/02/slug/") == datetime(2025, 6, 2, tzinfo=BST)
    assert date_from_url("https://x.test/news/slug-12345") is None


STORY = (
    "Police are appealing for witnesses after a man was seriously injured in an assault outside "
    "a nightclub in Norwich city centre in the early hours of Sunday morning. Officers were "
    "called at about 2am and the man was taken to hospital where he remains in a stable "
    "condition. A 24-year-old man was arrested on suspicion of grievous bodily harm and has "
    "been released on bail while inquiries continue. Anyone with information should call 101."
)


def test_simhash_and_confirm_step():
    copy = (
        STORY.replace("Police are", "Norfolk Police are") + " This story first appeared in the EDP."
    )
    other = (
        "Council tax bills will rise by five per cent next year after councillors approved the "
        "budget at a meeting on Thursday evening, with the money going to adult social care."
    )
    a, b, c = simhash(STORY), simhash(copy), simhash(other)
    assert 0 <= a < 2**64
    assert hamming(a, b) < hamming(a, c)
    assert is_near_duplicate(copy, STORY)
    assert not is_near_duplicate(other, STORY)
    assert jaccard(shingles(STORY), shingles(STORY)) == 1.0
    assert simhash("") is None
    assert content_hash("A  b\nC") == content_hash("a b c")


FORCE = Force(
    name="Norfolk Constabulary",
    aliases=["Norfolk Police"],
    area=["Norwich", "Great Yarmouth"],
    people=[Person(name="Paul Sanford", role="force"), Person(name="Ann Other", role="public")],
)


@pytest.mark.parametrize(
    ("text", "kind", "reason"),
    [
        ("Norfolk Police said the road was closed.", "local_news", "alias"),
        ("norfolk constabulary confirmed the arrest.", "national_news", "alias"),
        ("Chief Constable Paul Sanford said crime fell.", "local_news", "person"),
        ("Police in Great Yarmouth arrested a man.", "local_news", "police_in_area"),
        ("A new bridge opens in Norwich.", "local_news", None),
        ("Police in Leeds arrested a man.", "national_news", None),
        ("Ann Other said the park was lovely.", "local_news", None),  # a public voice alone
        ("Our new recruits start today.", "force_statement", "source_kind"),
        ("The commissioner set the budget.", "pcc_statement", "source_kind"),
        ("We inspected Northmere Police.", "inspectorate", None),  # inspects every force
        ("We inspected Norfolk Constabulary.", "inspectorate", "alias"),
    ],
)
def test_relevance(text, kind, reason):
    assert RelevanceFilter(FORCE).reason(text, None, kind) == reason


RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>One</title><link>https://news.test/a/one?utm_source=rss</link>
<pubDate>Mon, 02 Jun 2025 14:15:00 GMT</pubDate></item>
<item><title>Two</title><link>/a/two</link></item>
<item><title>No link</title></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>T</title><entry><title>Three</title><link href="https://news.test/a/three"/>
<updated>2025-06-03T10:00:00Z</updated></entry></feed>"""


def test_parse_feed_rss_and_atom():
    assert parse_feed(RSS, "https://news.test/feed.rss") == [
        Entry(
            "https://news.test/a/one?utm_source=rss",
            datetime(2025, 6, 2, 14, 15, tzinfo=UTC),
            "One",
        ),
        Entry("https://news.test/a/two", None, "Two"),
    ]
    assert parse_feed(ATOM, "https://news.test/feed.atom") == [
        Entry("https://news.test/a/three", datetime(2025, 6, 3, 10, 0, tzinfo=UTC), "Three")
    ]
    assert parse_feed(b"<html><body>not a feed</body></html>", "https://news.test/x") == []


def test_read_feed_tells_an_empty_feed_from_no_feed():
    assert read_feed(b"<html><body>not a feed</body></html>", "https://news.test/x") is None
    empty = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
    assert read_feed(empty, "https://news.test/feed.rss") == []
    utf16 = RSS.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    assert len(read_feed(utf16.encode("utf-16"), "https://news.test/feed.rss")) == 2


NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://news.test/2025/06/02/a/</loc><news:news><news:publication>
<news:name>Echo</news:name><news:language>en</news:language></news:publication>
<news:publication_date>2025-06-02T09:00:00+01:00</news:publication_date>
<news:title>A story</news:title></news:news></url>
<url><loc>https://news.test/b/</loc><lastmod>2025-06-01</lastmod></url>
</urlset>"""

SITEMAP_INDEX = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://news.test/sitemap-1.xml</loc></sitemap>
<sitemap><loc>https://news.test/sitemap-2.xml.gz</loc></sitemap></sitemapindex>"""


def test_parse_sitemap_news_index_and_gzip():
    page = parse_sitemap(NEWS_SITEMAP, "https://news.test/news-sitemap.xml")
    assert page.sitemaps == []
    assert page.entries == [
        Entry("https://news.test/2025/06/02/a/", datetime(2025, 6, 2, 9, 0, tzinfo=BST), "A story"),
        Entry("https://news.test/b/", datetime(2025, 6, 1, tzinfo=BST), None),
    ]
    assert parse_sitemap(gzip.compress(NEWS_SITEMAP), "https://news.test/s.xml.gz") == page
    index = parse_sitemap(SITEMAP_INDEX, "https://news.test/sitemap.xml")
    assert index.entries == []
    assert index.sitemaps == [
        "https://news.test/sitemap-1.xml",
        "https://news.test/sitemap-2.xml.gz",
    ]
    assert parse_sitemap(b"garbage <<", "https://news.test/x").entries == []
    assert not parse_sitemap(b"<html><body>home</body></html>", "https://news.test/x").is_sitemap
    empty = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>'
    assert parse_sitemap(empty, "https://news.test/s.xml").is_sitemap


LISTING = b"""<html><body>
<nav><a href="/">Home</a> <a href="/news/">News</a> <a href="https://other.test/news/2025/x-y-z">elsewhere</a></nav>
<ul>
<li><a href="/news/2025/06/02/man-charged-after-crash/">Man charged</a></li>
<li><a href="/news/2025/06/02/man-charged-after-crash/#comments">Comments</a></li>
<li><a href="https://news.test/news/2025/06/01/appeal-for-witnesses/">Appeal</a></li>
<li><a href="/news/tag/police/">Police</a></li>
<li><a href="mailto:desk@news.test">Email</a></li>
</ul>
<a rel="next" href="/news/page/2/">Older stories</a>
</body></html>"""


def test_parse_listing_with_patterns_and_pagination():
    page = parse_listing(LISTING, "https://news.test/news/", [r"/news/\d{4}/\d{2}/\d{2}/"])
    assert page.articles == [
        "https://news.test/news/2025/06/02/man-charged-after-crash/",
        "https://news.test/news/2025/06/01/appeal-for-witnesses/",
    ]
    assert page.listings == ["https://news.test/news/page/2/"]


def test_parse_listing_without_patterns_takes_slug_links():
    page = parse_listing(LISTING, "https://news.test/news/", [])
    assert "https://news.test/news/2025/06/02/man-charged-after-crash/" in page.articles
    assert "https://news.test/news/tag/police/" not in page.articles


def test_pdf_text_from_the_sample_report():
    from demo.site.pdfwrite import write_pdf

    created = datetime(2026, 9, 19, 0, 1, tzinfo=BST)
    blocks = [
        ("h", "About this inspection"),
        ("p", "We inspected Wexmoor Constabulary over three weeks and read 120 case files."),
        ("p", "The force is good at preventing crime."),
    ]
    body = write_pdf("PEEL 2025: Wexmoor", blocks, created)
    assert is_pdf(body)
    doc = pdf_text(body)
    assert doc.title == "PEEL 2025: Wexmoor"
    assert doc.created == created
    assert "120 case files" in doc.text
    with pytest.raises(ValueError, match="unreadable PDF"):
        pdf_text(b"%PDF-1.4 broken")


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (b"2", 2.0),
        ("120", 120.0),
        (b"", None),
        (None, None),
        (b"soon", None),
        ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),
        ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),
    ],
)
def test_retry_after_seconds(header, seconds):
    now = datetime(2015, 10, 21, 7, 28, tzinfo=UTC)
    assert retry_after_seconds(header, now=now) == seconds


def _ledger(**kw) -> CrawlLedger:
    ledger = CrawlLedger(**{k: v for k, v in kw.items() if k != "errors"})
    for reason in kw.get("errors", []):
        ledger.error("http://x.test/", reason)
    return ledger


@pytest.mark.parametrize(
    ("ledger", "code", "message", "status"),
    [
        (_ledger(pages_fetched=10, new_articles=3), 0, None, "ok"),
        (_ledger(pages_fetched=10, errors=["empty_body", "paywall_stub"]), 0, None, "ok"),
        (_ledger(pages_fetched=10, errors=["http_404"]), 0, None, "partial"),
        (_ledger(pages_fetched=10, finish_reason="closespider_timeout"), 0, None, "partial"),
        (_ledger(pages_fetched=0, errors=["robots_disallowed"]), 0, None, "failed"),
        (_ledger(pages_fetched=0, errors=["connection_refused"]), 0, None, "failed"),
        (_ledger(pages_fetched=5), -9, "killed", "partial"),
        (_ledger(pages_fetched=10, errors=["passages_capped"]), 0, None, "ok"),
        (_ledger(pages_fetched=1, errors=["bad_feed"]), 0, None, "failed"),
        (_ledger(pages_fetched=6, discovery_pages=1, errors=["bad_feed"]), 0, None, "partial"),
        (_ledger(pages_fetched=1, errors=["bad_sitemap"]), 0, None, "failed"),
        (None, -9, "crawl process exited with status -9", "failed"),
    ],
)
def test_status_is_judged_from_the_tally(ledger, code, message, status):
    assert judge(ledger, code, message) == status


def test_ledger_round_trip(tmp_path):
    ledger = _ledger(pages_fetched=3, new_articles=1, errors=["http_404", "http_404", "timeout"])
    ledger.save(tmp_path / "l.json")
    again = CrawlLedger.load(tmp_path / "l.json")
    assert again == ledger
    assert again.error_count == 3


def test_summary_and_since():
    now = datetime.now(UTC)
    rows = [
        CrawlStats("A", "local_news", now, now, "ok", new_articles=2),
        CrawlStats("B", "local_news", now, now, "failed"),
    ]
    summary = CrawlSummary(rows)
    assert (summary.ok, summary.failed_sources, summary.new_articles) == (False, ["B"], 2)
    assert parse_since("2025-06-02") == datetime(2025, 6, 2, tzinfo=BST)
    with pytest.raises(ConfigError, match="--since"):
        parse_since("last tuesday")


def test_crawl_settings_are_polite_and_follow_the_config(make_config):
    from crawler.settings import crawl_settings

    cfg = make_config(
        force="Norfolk Constabulary",
        crawl={
            "download_delay": 3.0,
            "user_agent": "PCM (+https://x.test/contact)",
            "max_page_bytes": 1000,
            "source_time_budget_s": 60,
            "retry_after_cap_s": 9,
        },
    )
    settings = crawl_settings(cfg)
    assert settings["ROBOTSTXT_OBEY"] is True
    assert settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 1
    assert settings["USER_AGENT"] == "PCM (+https://x.test/contact)"
    assert settings["DOWNLOAD_DELAY"] == 3.0
    assert settings["AUTOTHROTTLE_ENABLED"] is True
    assert settings["DOWNLOAD_MAXSIZE"] == 1000
    assert settings["CLOSESPIDER_TIMEOUT"] == 60
    assert settings["RETRY_AFTER_CAP_S"] == 9
    middlewares = settings["DOWNLOADER_MIDDLEWARES"]
    assert middlewares["scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"] is None
    assert "crawler.middlewares.StrictRobotsTxtMiddleware" in middlewares


def test_norfolk_config_validates_and_marks_its_sources_unverified():
    from pathlib import Path

    from core.config import load_config

    path = Path(__file__).resolve().parents[1] / "config" / "norfolk.yaml"
    cfg = load_config(path, db="unused.duckdb", environ={})
    assert cfg.force.name == "Norfolk Constabulary"
    assert {(p.name, p.role) for p in cfg.force.people} >= {
        ("Paul Sanford", "force"),
        ("Giles Orpen-Smellie", "pcc"),
    }
    assert {"Norwich", "Great Yarmouth", "King's Lynn"} <= set(cfg.force.area)
    assert {s.kind for s in cfg.sources} == {
        "local_news",
        "national_news",
        "force_statement",
        "pcc_statement",
        "inspectorate",
    }
    assert all(s.unverified for s in cfg.sources)
    assert all(s.article_patterns for s in cfg.sources if s.start_urls)


def test_credit_lines_name_the_source_they_credit():
    text = "Officers said so. This story was first published by the Sedgebury Echo."
    assert credits_source(text, "Sedgebury Echo")
    assert not credits_source(text, "Wexmoor Gazette")
    assert not credits_source("The Sedgebury Echo reported it first.", "Sedgebury Echo")
    assert credits_source("It originally appeared in the NATIONAL LEDGER!", "National Ledger")


def test_a_newcomer_never_demotes_a_stored_original_by_its_dates_or_its_own_claims():
    when = datetime(2025, 6, 3, 9, tzinfo=UTC)
    stored = Match(1, when, "Police opened a station. Residents were pleased.", "Gazette")
    claim = "Police opened a station. This story was first published by the Ledger."
    assert not is_original(claim, "Ledger", stored)
    copy = Match(2, when, "Police opened a station. First published by the Echo.", "Gazette")
    assert is_original("Police opened a station.", "Echo", copy)  # the copy says so itself
    assert not is_original("Police opened a station.", "Herald", copy)
    assert not is_original("Police opened a station.", "Gazette", copy)  # same source
