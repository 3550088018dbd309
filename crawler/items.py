"""What the spider hands to the pipeline: an extracted article, or a page skipped for good."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass
class ArticleItem:
    """An extracted article, not yet checked for relevance or duplicates."""

    url: str  # canonical URL (rel=canonical when the page gave one, normalised)
    request_url: str  # the normalised URL we fetched (may differ from `url`)
    source: str
    source_kind: str
    title: str | None
    text: str  # body, paragraphs separated by a blank line
    published_at: datetime | None  # timezone-aware
    fetched_at: datetime
    author: str | None = None
    language: str | None = None
    date_source: str | None = None


@dataclass
class SkippedPage:
    """A page that holds no article and will not change (an empty body, a paywall stub)."""

    url: str  # normalised URL (the seen_urls key)
    page_url: str  # the URL as requested (the crawl_errors row)
    source: str
    reason: str  # empty_body | paywall_stub
    detail: str = ""
