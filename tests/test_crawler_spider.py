"""Spider callbacks on responses built from saved bytes (no network, no reactor)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request, TextResponse

from crawler.discovery import Entry
from crawler.items import ArticleItem, SkippedPage
from crawler.ledger import CrawlLedger
from crawler.spiders.source import SourceSpider

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Crime</title>
<item><title>Old</title><link>https://news.test/crime/old-story-here</link>
<pubDate>Mon, 06 Jan 2025 09:00:00 GMT</pubDate></item>
<item><title>Seen</title><link>https://news.test/crime/seen-story?utm_source=rss</link>
<pubDate>Mon, 02 Jun 2025 09:00:00 GMT</pubDate></item>
<item><title>New</title><link>https://news.test/crime/new-story?utm_source=rss</link>
<pubDate>Tue, 03 Jun 2025 09:00:00 GMT</pubDate></item>
<item><title>New again</title><link>https://news.test/crime/new-story</link></item>
</channel></rss>"""


@pytest.fixture
def make_spider(make_config):
    """`make_spider(**spider_arguments)`: a spider for one local news feed."""
    cfg = make_config(
        force={"name": "Norfolk Constabulary", "area": ["Norwich"]},
        sources=[{"name": "EDP", "kind": "local_news", "feeds": ["https://news.test/rss"]}],
    )
    return lambda **kw: SourceSpider(cfg=cfg, source=cfg.sources[0], ledger=CrawlLedger(), **kw)


def test_feed_callback_requests_only_new_entries_once(make_spider):
    spider = make_spider(
        seen={"https://news.test/crime/seen-story"}, since=datetime(2025, 3, 1, tzinfo=UTC)
    )
    response = TextResponse("https://news.test/rss", body=FEED)
    requests = list(spider.parse_feed(response))
    assert [(r.url, r.callback.__name__, r.meta["pcm_entry"].title) for r in requests] == [
        ("https://news.test/crime/new-story?utm_source=rss", "parse_article", "New")
    ]
    ledger = spider.ledger
    assert (ledger.pages_fetched, ledger.already_seen, ledger.too_old) == (1, 1, 1)


def test_article_callback_builds_the_item(make_spider):
    spider = make_spider()
    entry = Entry("https://www.broadland-courier.example/news/crime/x?utm_source=rss", None, "X")
    request = Request(entry.url, meta={"pcm_entry": entry})
    body = (FIXTURES / "local_news_jsonld.html").read_bytes()
    response = HtmlResponse(
        entry.url, body=body, request=request, headers={"Content-Type": "text/html; charset=utf-8"}
    )
    [item] = list(spider.parse_article(response))
    fixed = datetime(2025, 3, 15, tzinfo=UTC)
    assert dataclasses.replace(item, fetched_at=fixed, text="") == ArticleItem(
        url="https://www.broadland-courier.example/news/crime/police-appeal-dereham-burglaries-1234567",
        request_url="https://www.broadland-courier.example/news/crime/x",
        source="EDP",
        source_kind="local_news",
        title="Police appeal after string of burglaries in Dereham",
        text="",
        published_at=datetime(2025, 3, 14, 8, 30, tzinfo=UTC),
        fetched_at=fixed,
        author="Hannah Crowe",
        language="en",
        date_source="jsonld",
    )
    assert item.text.startswith("Police are appealing for information")


def test_article_callback_skips_stubs_and_records_non_html(make_spider):
    spider = make_spider()
    stub = (FIXTURES / "paywall_stub.html").read_bytes()
    url = "https://news.test/control-room"
    response = HtmlResponse(url, body=stub, request=Request(url))
    assert list(spider.parse_article(response)) == [
        SkippedPage(url, url, "EDP", "paywall_stub", "38 words and a paywall/cookie notice")
    ]
    image = TextResponse(
        url, body=b"\x89PNG\r\n", headers={"Content-Type": "image/png"}, request=Request(url)
    )
    assert list(spider.parse_article(image)) == []
    assert dict(spider.ledger.errors_by_reason) == {"not_html": 1}
