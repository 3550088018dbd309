"""Reason codes for failed requests (the `crawl_errors.reason` column)."""

from __future__ import annotations

import logging

from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.urlpolicy import OFFSITE_CANONICAL, Refusal

logger = logging.getLogger(__name__)

# Which reasons are content and discovery failures rather than fetch failures: core.vocabulary,
# so that the dashboard tells them apart without importing the crawler.
PASSAGES_CAPPED = "passages_capped"  # an article over crawl.max_passages_per_article
# Recorded, but the page itself was fetched and stored: not a failure of the source.
NOTICE_REASONS = frozenset({OFFSITE_CANONICAL, PASSAGES_CAPPED})
_BY_EXCEPTION = {
    "DownloadTimeoutError": "timeout",
    "TimeoutError": "timeout",
    "TCPTimedOutError": "timeout",
    "UserTimeoutError": "timeout",
    "DownloadConnectionRefusedError": "connection_refused",
    "ConnectionRefusedError": "connection_refused",
    "CannotResolveHostError": "dns",
    "DNSLookupError": "dns",
    "DownloadCancelledError": "too_large",
    "ResponseDataLossError": "truncated",
    "ResponseNeverReceived": "connection_lost",
    "ConnectionLost": "connection_lost",
    "ConnectionDone": "connection_lost",
    "DownloadFailedError": "download_failed",
    "UnsupportedURLSchemeError": "bad_url",
}


def classify_failure(failure: Failure) -> tuple[str, str]:
    """A short reason code and a detail line for a failed request.

    Args:
        failure: what the errback received.

    Returns:
        (reason, detail), e.g. ("http_404", "Not Found"), ("robots_disallowed", ...),
        ("redirect_loop", ...), ("timeout", ...), ("too_large", ...).
    """
    exc = failure.value
    detail = f"{type(exc).__name__}: {exc}"[:500]
    if isinstance(exc, HttpError):
        return f"http_{exc.response.status}", detail
    refusal = getattr(exc, "refusal", None)  # crawler.guard.UrlRefusedError
    if isinstance(exc, IgnoreRequest) and isinstance(refusal, Refusal):
        return refusal.reason, detail
    if isinstance(exc, IgnoreRequest):
        text = str(exc).lower()
        if "robots.txt unavailable" in text:
            return "robots_unavailable", detail
        if "robots.txt" in text:
            return "robots_disallowed", detail
        if "redirect" in text:
            return "redirect_loop", detail
        return "ignored", detail
    return classify_exception(exc), detail


def classify_exception(exc: BaseException) -> str:
    """The reason code of a download exception (timeout, dns, too_large, ...)."""
    name = type(exc).__name__
    if name in _BY_EXCEPTION:
        return _BY_EXCEPTION[name]
    if "maxsize" in str(exc).lower() or "max size" in str(exc).lower():
        return "too_large"
    return "fetch_error"
