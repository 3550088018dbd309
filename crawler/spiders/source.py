"""The config-driven spider: one source's feeds, sitemaps and listing pages, then articles."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from core.config import Config, Source
from core.vocabulary import LOCAL_TZ
from crawler.discovery import Entry, parse_listing, parse_sitemap, read_feed
from crawler.extract import Extracted, ExtractionFailed, extract_or_fail
from crawler.failures import classify_failure
from crawler.items import ArticleItem, SkippedPage
from crawler.ledger import CrawlLedger
from crawler.pdf import extract_pdf, is_pdf
from crawler.urlpolicy import (
    Refusal,
    accept_canonical,
    check_on_sites,
    check_scheme,
    source_sites,
)
from crawler.urls import canonical_url

logger = logging.getLogger(__name__)

MAX_SITEMAPS = 50  # child sitemaps followed from a sitemap index, per source and crawl
SKIP_EXTRACTION_REASONS = frozenset({"empty_body", "paywall_stub"})  # pages that won't change
_HTML_TYPES = ("text/html", "application/xhtml", "text/plain", "application/xml", "text/xml")
_UNTRUSTED_DATE_SOURCES = (None, "url", "text")  # a feed's date beats these


def _refines(page: datetime | None, feed: datetime) -> bool:
    """True when the page gave only a date (local midnight) and the feed has a time that day."""
    if page is None:
        return True
    local = page.astimezone(LOCAL_TZ)
    return (local.hour, local.minute, local.second) == (0, 0, 0) and (
        feed.astimezone(LOCAL_TZ).date() == local.date()
    )


class SourceSpider(scrapy.Spider):
    """Crawls one configured source. Discovery and parsing are pure functions elsewhere; this
    class only turns their output into requests and items and records what went wrong."""

    name = "source"

    def __init__(
        self,
        cfg: Config,
        source: Source,
        ledger: CrawlLedger,
        seen: set[str] | frozenset[str] = frozenset(),
        since: datetime | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.cfg = cfg
        self.source = source
        self.ledger = ledger
        self.seen = set(seen)
        self.since = since
        self._queued: set[str] = set()
        self._sitemaps = 0
        self._budget_logged = False
        # Links found on listing pages must stay on these registrable domains.
        self.sites = source_sites([*source.feeds, *source.sitemaps, *source.start_urls])

    def _refuse(self, url: str, refusal: Refusal, found_on: str) -> None:
        """Record a URL the policy refused (crawler/urlpolicy.py) without fetching it."""
        logger.warning(
            "%s: refused %s found on %s: %s, %s",
            self.source.name,
            url[:200],
            found_on,
            refusal.reason,
            refusal.detail,
        )
        self.ledger.error(url, refusal.reason, refusal.detail)

    # -- discovery -------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Request]:
        for url in self.source.feeds:
            yield Request(url, callback=self.parse_feed, errback=self.on_error, dont_filter=True)
        for url in self.source.sitemaps:
            yield Request(url, callback=self.parse_sitemap, errback=self.on_error, dont_filter=True)
        for url in self.source.start_urls:
            yield Request(
                url,
                callback=self.parse_listing,
                errback=self.on_error,
                dont_filter=True,
                meta={"pcm_depth": 0},
            )

    def _not_discovery(self, response: Response, reason: str, expected: str) -> None:
        """Record a feed or sitemap URL that answered with something else (an HTML page where
        the RSS used to be): the source's articles can no longer be found there."""
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1") or "none"
        detail = f"not {expected}: Content-Type {content_type[:80]}, starts {response.body[:60]!r}"
        logger.warning("%s: %s %s", self.source.name, response.url, detail)
        self.ledger.error(response.url, reason, detail)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        """Requests for the feed's new entries."""
        self.ledger.pages_fetched += 1
        entries = read_feed(response.body, response.url)
        if entries is None:
            self._not_discovery(response, "bad_feed", "an RSS or Atom feed")
            return
        self.ledger.discovery_pages += 1
        if not entries:
            logger.info("%s: the feed %s has no items", self.source.name, response.url)
        for entry in entries:
            request = self._article_request(entry, response.url)
            if request:
                yield request

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        """Requests for a sitemap's new entries and its child sitemaps."""
        self.ledger.pages_fetched += 1
        page = parse_sitemap(response.body, response.url)
        if not page.is_sitemap:
            self._not_discovery(response, "bad_sitemap", "a sitemap (<urlset> or <sitemapindex>)")
            return
        self.ledger.discovery_pages += 1
        for url in page.sitemaps:
            if self._sitemaps >= MAX_SITEMAPS:
                break
            refusal = check_scheme(url)
            if refusal:
                self._refuse(url, refusal, response.url)
                continue
            self._sitemaps += 1
            yield Request(url, callback=self.parse_sitemap, errback=self.on_error)
        for entry in page.entries:
            request = self._article_request(entry, response.url)
            if request:
                yield request

    def parse_listing(self, response: Response) -> Iterator[Request]:
        """Requests for a listing page's article links and, within max_depth, its next pages."""
        self.ledger.pages_fetched += 1
        self.ledger.discovery_pages += 1
        page = parse_listing(response.body, response.url, self.source.article_patterns)
        depth = response.meta.get("pcm_depth", 0)
        for url in page.articles:
            request = self._site_request(url, response.url)
            if request:
                yield request
        if depth < self.cfg.crawl.max_depth:
            for url in page.listings:
                refusal = check_on_sites(url, self.sites)
                if refusal:
                    self._refuse(url, refusal, response.url)
                    continue
                yield Request(
                    url,
                    callback=self.parse_listing,
                    errback=self.on_error,
                    meta={"pcm_depth": depth + 1},
                )

    def _site_request(self, url: str, found_on: str) -> Request | None:
        """An article request for a link on a page, if it stays on the source's sites."""
        refusal = check_on_sites(url, self.sites)
        if refusal:
            self._refuse(url, refusal, found_on)
            return None
        return self._article_request(Entry(url), found_on)

    def _article_request(self, entry: Entry, found_on: str) -> Request | None:
        refusal = check_scheme(entry.url)
        if refusal:
            self._refuse(entry.url, refusal, found_on)
            return None
        url = canonical_url(entry.url)
        if url in self.seen:
            self.ledger.already_seen += 1
            return None
        if self.since and entry.published_at and entry.published_at < self.since:
            self.ledger.too_old += 1
            return None
        if url in self._queued:
            return None
        if len(self._queued) >= self.cfg.crawl.max_articles_per_source:
            if not self._budget_logged:
                logger.info(
                    "%s: max_articles_per_source (%d) reached",
                    self.source.name,
                    self.cfg.crawl.max_articles_per_source,
                )
                self._budget_logged = True
            return None
        self._queued.add(url)
        # Articles are de-duplicated by canonical URL above; Scrapy's own filter would
        # silently drop the second hop of a redirect loop instead of reporting it.
        return Request(
            entry.url,
            callback=self.parse_article,
            errback=self.on_error,
            meta={"pcm_entry": entry},
            dont_filter=True,
        )

    # -- articles --------------------------------------------------------------------------
    def parse_article(self, response: Response) -> Iterator[ArticleItem | SkippedPage]:
        """One article page (HTML or PDF) -> an ArticleItem, a SkippedPage, or an error."""
        self.ledger.pages_fetched += 1
        entry: Entry = response.meta.get("pcm_entry") or Entry(response.url)
        requested = canonical_url(entry.url)
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        try:
            extracted = self._extract(response, content_type)
        except ExtractionFailed as exc:
            if exc.reason in SKIP_EXTRACTION_REASONS:
                yield SkippedPage(requested, entry.url, self.source.name, exc.reason, exc.detail)
            else:
                self.ledger.error(entry.url, exc.reason, exc.detail)
            return
        published, date_source = extracted.published_at, extracted.date_source
        if entry.published_at and (
            date_source in _UNTRUSTED_DATE_SOURCES or _refines(published, entry.published_at)
        ):
            published, date_source = entry.published_at, "feed"
        if self.since and published and published < self.since:
            self.ledger.too_old += 1
            return
        if not is_pdf(response.body, content_type):
            yield from self._linked_reports(response)
        yield ArticleItem(
            url=self._canonical(extracted.canonical_url, response.url, entry.url),
            request_url=requested,
            source=self.source.name,
            source_kind=self.source.kind,
            title=extracted.title or entry.title,
            text=extracted.text,
            published_at=published,
            fetched_at=datetime.now(UTC),
            author=extracted.author,
            language=extracted.language,
            date_source=date_source,
        )

    def _linked_reports(self, response: Response) -> Iterator[Request]:
        """PDF reports linked from an article page (an inspectorate's summary page links the
        full report) when they match the source's article_patterns."""
        if not self.source.article_patterns:
            return
        links = parse_listing(response.body, response.url, self.source.article_patterns).articles
        for url in links:
            if urlsplit(url).path.lower().endswith(".pdf"):
                request = self._site_request(url, response.url)
                if request:
                    yield request

    def _extract(self, response: Response, content_type: str) -> Extracted:
        body = response.body
        if is_pdf(body, content_type):
            return extract_pdf(body)
        kind = content_type.split(";")[0].strip().lower()
        if kind and not kind.startswith(_HTML_TYPES):
            raise ExtractionFailed("not_html", f"Content-Type {kind}")
        return extract_or_fail(body, response.url, content_type)

    def _canonical(self, declared: str | None, fetched: str, requested: str) -> str:
        """rel=canonical, unless it points at a site's home page (a common CMS mistake), is
        not http(s) or is on another domain than the page (one outlet cannot claim another's
        story); a refused one is recorded against the requested URL."""
        accepted, refusal = accept_canonical(declared, fetched)
        if refusal:
            claim = Refusal(refusal.reason, f"rel=canonical {declared!r:.200}: {refusal.detail}")
            self._refuse(requested, claim, fetched)
        if accepted and not (
            urlsplit(accepted).path in ("", "/") and urlsplit(fetched).path not in ("", "/")
        ):
            return canonical_url(accepted)
        return canonical_url(fetched)

    def on_error(self, failure: Failure) -> None:
        """Record a failed request with its reason code."""
        reason, detail = classify_failure(failure)
        request = failure.request
        first = (request.meta.get("redirect_urls") or [request.url])[0]  # before any redirect
        self.ledger.error(first, reason, detail)
