"""Downloader middlewares: robots.txt that fails closed, and Retry-After on 429/503."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from time import monotonic

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.task import deferLater

from crawler.failures import classify_exception

logger = logging.getLogger(__name__)

DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"
RETRY_AFTER_STATUSES = (429, 503)


class StrictRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, except that an unreachable robots.txt or a 5xx answer
    means "disallow all" (RFC 9309 section 2.3.1.4); a 4xx still means "allow all".

    Overrides two private hooks of Scrapy 2.19's RobotsTxtMiddleware (pinned in
    requirements.txt); tests/test_crawler_politeness.py fails if a Scrapy upgrade breaks them.
    """

    def __init__(self, crawler):
        super().__init__(crawler)
        self._unavailable: dict[str, str] = {}  # netloc -> why its robots.txt was unusable

    def process_request_2(self, rp, request: Request) -> None:
        why = self._unavailable.get(urlparse_cached(request).netloc)
        if why:
            self._stats.inc_value("robotstxt/forbidden")
            raise IgnoreRequest(f"robots.txt unavailable ({why}): site treated as disallowed")
        super().process_request_2(rp, request)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500 or response.status == 429:
            logger.warning(
                "robots.txt of %s answered %d: treating the site as disallowed",
                netloc,
                response.status,
            )
            self._unavailable[netloc] = f"http_{response.status}"
            self._stats.inc_value("pcm/robots_unavailable")
            response = response.replace(body=DISALLOW_ALL)
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        logger.warning(
            "robots.txt of %s unreachable (%s): treating the site as disallowed", netloc, exc
        )
        self._stats.inc_value("pcm/robots_unavailable")
        self._unavailable[netloc] = classify_exception(exc)
        parser = build_from_crawler(self._parserimpl, self.crawler, DISALLOW_ALL)
        deferred = self._parsers[netloc]
        self._parsers[netloc] = parser
        deferred.callback(parser)


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware:
    """On 429 or 503 with a Retry-After header: pause that site for the time asked (capped by
    RETRY_AFTER_CAP_S), then retry the request (at most RETRY_AFTER_MAX_TIMES times).
    Responses without the header are left to Scrapy's RetryMiddleware."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.cap = crawler.settings.getfloat("RETRY_AFTER_CAP_S", 300.0)
        self.max_times = crawler.settings.getint("RETRY_AFTER_MAX_TIMES", 3)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _pause_slot(self, request: Request, seconds: float) -> None:
        # Push the site's download slot into the future so that no other request to the same
        # site goes out meanwhile (effective when the slot has a download delay).
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        slot = downloader.slots.get(key)
        if slot is not None:
            slot.lastseen = max(slot.lastseen, monotonic() + seconds - slot.download_delay())

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status not in RETRY_AFTER_STATUSES or request.meta.get("dont_obey_robotstxt"):
            return response  # robots.txt itself: a 503 there means "disallow", not "wait"
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if wait is None:
            return response
        tries = request.meta.get("retry_after_times", 0)
        if tries >= self.max_times:
            return response
        wait = min(wait, self.cap)
        logger.info(
            "%d with Retry-After from %s: waiting %.1f s", response.status, request.url, wait
        )
        self.crawler.stats.inc_value("pcm/retry_after")
        self._pause_slot(request, wait)
        from twisted.internet import reactor  # imported late: Scrapy installs the reactor

        await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))
        retry = request.replace(dont_filter=True)
        retry.meta["retry_after_times"] = tries + 1
        retry.priority = request.priority + 1
        return retry
