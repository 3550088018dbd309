"""Article extraction: body, title, time, author, canonical URL and language from one page."""

from __future__ import annotations

import html as html_lib
import logging
import re
from dataclasses import dataclass
from datetime import datetime

import trafilatura

from crawler.dates import find_date_in_text
from crawler.encoding import decode_body, is_wide
from crawler.metadata import (
    find_author,
    find_canonical,
    find_language,
    find_published,
    find_title,
    jsonld_body,
    jsonld_objects,
    parse_html,
)

logger = logging.getLogger(__name__)

MIN_BODY_WORDS = (
    8  # fewer words than this is no article (an empty template); short appeals are real
)
STUB_MAX_WORDS = 150  # a paywall or cookie wall is short; longer pages merely mention cookies
# favor_precision sometimes drops most of a page; below this share of the default output we
# trust the default instead (measured on the benchmark: see bench/extraction.py).
PRECISION_KEEP_RATIO = 0.5
JSONLD_MIN_WORDS = 50  # a JSON-LD articleBody shorter than this is a teaser, not the body
JSONLD_PREFER_RATIO = 0.6  # use JSON-LD when the extracted body is under 60% of its length
MAX_HTML_CHARS = 8_000_000  # parsing cost grows with size; the downloader caps pages at 10 MB

_STUB_PHRASES = re.compile(
    r"subscribe (?:to|for|now)|subscribers only|for subscribers|already a subscriber"
    r"|keep reading|continue reading|read (?:it )?for free|sign in to (?:continue|read)"
    r"|log in to (?:continue|read)|create a free account|to continue reading|premium content"
    r"|accept (?:all )?cookies to|enable cookies|consent to (?:the use of )?cookies|cookie settings"
    r"|manage (?:your )?cookies|turn off your ad ?blocker|enable javascript",
    re.I,
)
_TAG = re.compile(r"<[^>]+>")
_SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+")
_FURNITURE_SENTENCE = re.compile(
    r"share on (?:facebook|x|twitter|whatsapp|linkedin)|in your inbox|sign up (?:for|to)"
    r"|newsletter|follow us on|download (?:our|the) app",
    re.I,
)
_OPEN_TITLE = re.compile(r"<title\b[^>]*>[^<]*", re.I)
_CLOSE_TITLE = re.compile(r"</title\s*>", re.I)
_BYLINE_LINE = re.compile(r"^(?:by|written by|posted by|words by)\s+\S", re.I)
_DATELINE_WORD = re.compile(r"^(?:published|updated|posted|last updated|first published)\b", re.I)
_TRAILER = re.compile(
    r"^(?:filed under|posted in|tags?\b|tagged\b|categories\b|share\b|leave a comment|comments?\b"
    r"|related\b|read more\b)",
    re.I,
)
_FURNITURE = re.compile(r"^[|\s]*(?:advert|advertisement|sponsored(?: content)?|ad)[|\s]*$", re.I)
INCLUDE_TABLES = True  # tables are content (an inspection's grades); +0.005 F1 on the benchmark
KICKER_MAX_WORDS = 3  # a line this short above the headline is a section label
HEAD_LINES = 4  # the headline is looked for among the body's first lines
DATELINE_MAX_WORDS = 10  # a longer first line is a sentence that happens to hold a date


@dataclass(frozen=True)
class Extracted:
    """One extracted article. `text` is the body, paragraphs separated by a blank line."""

    title: str | None
    text: str
    published_at: datetime | None  # timezone-aware
    author: str | None
    canonical_url: str | None
    language: str | None
    date_source: str | None = None  # jsonld | meta | time | url | text | feed


class ExtractionFailed(Exception):
    """Why a page gave no article; `reason` is a crawl_errors reason code."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def _words(text: str) -> int:
    return len(text.split())


def _content_words(body: str) -> int:
    """Words in sentences that are not sharing, newsletter or follow-us furniture."""
    if _words(body) >= STUB_MAX_WORDS:
        return _words(body)  # only short bodies are worth the check
    sentences = _SENTENCE.split(body)
    return sum(_words(s) for s in sentences if not _FURNITURE_SENTENCE.search(s))


def _is_dateline(line: str) -> bool:
    """A short line that is only a byline or a date ("Published 2 June 2025", "By Jo Bloggs")."""
    if len(line.split()) > DATELINE_MAX_WORDS:
        return False
    return bool(_BYLINE_LINE.match(line) or _DATELINE_WORD.match(line) or find_date_in_text(line))


def _is_trailer(line: str) -> bool:
    """A short closing line of page furniture ("Filed under Police | Leave a comment")."""
    return len(line.split()) <= DATELINE_MAX_WORDS and bool(_TRAILER.match(line))


def _paragraphs(text: str, title: str | None = None, author: str | None = None) -> str:
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.splitlines()]
    lines = [line for line in lines if line and not _FURNITURE.match(line)]
    if title:
        # The headline repeated inside <article>, with page furniture above it ("Policing").
        folded = title.casefold()
        for i, line in enumerate(lines[:HEAD_LINES]):
            if line.casefold() == folded:
                if all(len(above.split()) <= KICKER_MAX_WORDS for above in lines[:i]):
                    lines = lines[i + 1 :]
                break
    byline = author.casefold() if author else None
    while len(lines) > 1 and (_is_dateline(lines[0]) or lines[0].casefold() == byline):
        lines = lines[1:]  # datelines and bylines above the first paragraph
    while len(lines) > 1 and _is_trailer(lines[-1]):
        lines = lines[:-1]  # tags, share and comment links below the last one
    return "\n\n".join(lines)


def _body(text: str, url: str | None, ld: list[dict]) -> str:
    options = {"url": url, "include_comments": False, "include_tables": INCLUDE_TABLES}
    default = trafilatura.extract(text, **options) or ""
    precise = trafilatura.extract(text, favor_precision=True, **options) or ""
    body = precise if _words(precise) >= PRECISION_KEEP_RATIO * _words(default) else default
    from_ld = jsonld_body(ld)
    if from_ld:
        from_ld = html_lib.unescape(_TAG.sub(" ", from_ld))
        if _words(from_ld) >= JSONLD_MIN_WORDS and _words(body) < JSONLD_PREFER_RATIO * _words(
            from_ld
        ):
            body = from_ld
    return body


def extract_or_fail(
    page: bytes | str, url: str | None = None, content_type: str | None = None
) -> Extracted:
    """Extract an article or say why not.

    Args:
        page: the HTML, raw bytes (decoded here) or text.
        url: where it came from (resolves relative links, dates in the URL).
        content_type: the HTTP Content-Type, for its charset.

    Returns:
        The `Extracted` article.

    Raises:
        ExtractionFailed: with a reason code (empty_body, not_html, bad_html, paywall_stub).
    """
    if isinstance(page, bytes):
        if not page.strip():
            raise ExtractionFailed("empty_body", "zero-length response")
        if b"\x00" in page[:2048] and not is_wide(page, content_type):
            raise ExtractionFailed("not_html", "binary content")
        text, _ = decode_body(page, content_type)
    else:
        text = page
    if not text.strip():
        raise ExtractionFailed("empty_body", "blank page")
    if "<" not in text[:4096]:
        raise ExtractionFailed("not_html", "no markup in the first 4 KB")
    if len(text) > MAX_HTML_CHARS:
        text = text[:MAX_HTML_CHARS]
    if _OPEN_TITLE.search(text) and not _CLOSE_TITLE.search(text):
        # An unclosed <title> swallows the whole page (it is raw text up to </title>).
        text = _OPEN_TITLE.sub(lambda m: m.group(0) + "</title>", text, count=1)
    doc = parse_html(text)
    if doc is None:
        raise ExtractionFailed("bad_html", "lxml could not parse the page")
    ld = jsonld_objects(doc)
    title = find_title(doc, ld)
    try:
        raw_body = _body(text, url, ld)
    except Exception as exc:  # trafilatura/lxml internals: a bad page must not stop a crawl
        raise ExtractionFailed("bad_html", f"{type(exc).__name__}: {exc}") from None
    author = find_author(doc, ld)
    body = _paragraphs(raw_body, title, author)
    if _words(body) < STUB_MAX_WORDS:
        page_text = doc.text_content() if _words(body) < MIN_BODY_WORDS else body
        if _STUB_PHRASES.search(page_text or ""):
            raise ExtractionFailed(
                "paywall_stub", f"{_words(body)} words and a paywall/cookie notice"
            )
    if _words(body) < MIN_BODY_WORDS or _content_words(body) < MIN_BODY_WORDS:
        raise ExtractionFailed("empty_body", f"only {_content_words(body)} words of body text")
    published, date_source = find_published(doc, ld, url, body)
    return Extracted(
        title=title,
        text=body,
        published_at=published,
        author=author,
        canonical_url=find_canonical(doc, url),
        language=find_language(doc, ld) or guess_language(body),
        date_source=date_source,
    )


def extract_article(
    page: bytes | str, url: str | None = None, content_type: str | None = None
) -> Extracted | None:
    """Extract an article; never raises on bad input.

    Args:
        page: the HTML, raw bytes (decoded here: declared charset, else UTF-8, else cp1252)
            or text.
        url: where it came from, if known.
        content_type: the HTTP Content-Type header, if known.

    Returns:
        The `Extracted` article, or None (the reason is logged) when the page holds no article.
    """
    try:
        return extract_or_fail(page, url, content_type)
    except ExtractionFailed as exc:
        logger.info("no article in %s: %s", url or "page", exc)
        return None


_ENGLISH = frozenset(
    {
        "the",
        "and",
        "of",
        "to",
        "in",
        "a",
        "is",
        "that",
        "for",
        "on",
        "was",
        "with",
        "as",
        "by",
        "it",
        "at",
        "said",
        "be",
        "from",
    }
)


def guess_language(text: str) -> str | None:
    """Return "en" when common English words make up a tenth of the text, else None."""
    words = re.findall(r"[a-z]+", text.lower()[:5000])
    if len(words) < 20:
        return None
    return "en" if sum(w in _ENGLISH for w in words) / len(words) >= 0.1 else None
