"""Finding article URLs: RSS/Atom feeds, sitemaps and news sitemaps, listing pages."""

from __future__ import annotations

import gzip
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin, urlsplit

import feedparser
from lxml import etree
from lxml import html as lxml_html

from crawler.dates import parse_datetime
from crawler.encoding import bom_encoding, decode_body
from crawler.urls import same_site

logger = logging.getLogger(__name__)

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit, uncompressed
# Without article_patterns, a link is taken for an article when its last path segment is a
# slug of at least this many words ("man-charged-after-crash").
SLUG_MIN_WORDS = 3
_NEXT_PAGE = re.compile(r"([?&](page|p|pg)=\d+|/page/\d+/?$)", re.I)
_NEXT_TEXT = re.compile(r"^\s*(next|older|more)\b", re.I)
_SKIP_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "#")
_XML_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?)\s+encoding\s*=\s*["'][^"']*["']""")
_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, recover=True, huge_tree=False
)


@dataclass(frozen=True)
class Entry:
    """One discovered article URL, with its date when the feed or sitemap gave one."""

    url: str
    published_at: datetime | None = None
    title: str | None = None


@dataclass(frozen=True)
class SitemapPage:
    """A parsed sitemap: article entries and nested sitemaps (from a sitemap index)."""

    entries: list[Entry]
    sitemaps: list[str]
    is_sitemap: bool = True  # False: the bytes were no sitemap (an HTML page, broken XML)


@dataclass(frozen=True)
class ListingPage:
    """Links on a listing page: articles to fetch and further listing pages."""

    articles: list[str]
    listings: list[str]


def looks_like_feed(body: bytes) -> bool:
    """True when the bytes start like RSS, Atom or RDF (UTF-16 with a byte order mark too)."""
    head = body[:2048]
    encoding = bom_encoding(head)
    if encoding and encoding != "utf-8":
        head = head.decode(encoding, "replace").encode("utf-8")
    head = head[:1024].lstrip().lower()
    return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head


def read_feed(body: bytes, url: str) -> list[Entry] | None:
    """Article entries of an RSS or Atom feed, or None when the bytes are not a feed.

    A feed with no items gives [] (a quiet feed is not an error); an HTML page where the feed
    used to be, or XML that no feed parser can read, gives None.

    Args:
        body: the feed bytes.
        url: the feed URL (resolves relative links).

    Returns:
        Entries with absolute URLs, in feed order; None when the bytes are no feed (logged).
    """
    if not looks_like_feed(body):
        logger.info("not a feed: %s (starts %r)", url, body[:60])
        return None
    parsed = feedparser.parse(_utf8_xml(body))
    if parsed.bozo and not parsed.entries:
        logger.info("not a readable feed: %s (%s)", url, parsed.get("bozo_exception"))
        return None
    return _feed_entries(parsed, url)


def _utf8_xml(body: bytes) -> bytes:
    """UTF-16 or UTF-32 XML (with a byte order mark) as UTF-8: feedparser reads those only
    when the XML declaration names the encoding too."""
    encoding = bom_encoding(body)
    if encoding in (None, "utf-8"):
        return body
    text = body.decode(encoding, "replace")
    return _XML_ENCODING.sub(r"\1", text, count=1).encode("utf-8")


def parse_feed(body: bytes, url: str) -> list[Entry]:
    """Article entries of an RSS or Atom feed, in feed order.

    Args:
        body: the feed bytes.
        url: the feed URL (resolves relative links).

    Returns:
        Entries with absolute URLs; [] when the bytes are no feed (logged).
    """
    return read_feed(body, url) or []


def _feed_entries(parsed, url: str) -> list[Entry]:
    entries = []
    for item in parsed.entries:
        link = item.get("link") or next(
            (link.get("href") for link in item.get("links", []) if link.get("href")), None
        )
        if not link:
            continue
        published = None
        for key in ("published", "updated", "created"):
            published = parse_datetime(item.get(key))
            if published:
                break
        entries.append(Entry(urljoin(url, link.strip()), published, item.get("title")))
    return entries


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def parse_sitemap(body: bytes, url: str) -> SitemapPage:
    """Entries of a sitemap or news sitemap, and the children of a sitemap index.

    Args:
        body: the sitemap bytes, gzipped or not.
        url: the sitemap URL.

    Returns:
        A `SitemapPage`; empty when the bytes are no sitemap (logged).
    """
    if body[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=__import__("io").BytesIO(body)) as handle:
                body = handle.read(MAX_SITEMAP_BYTES + 1)
        except (OSError, EOFError) as exc:
            logger.info("bad gzip sitemap %s: %s", url, exc)
            return SitemapPage([], [], is_sitemap=False)
        if len(body) > MAX_SITEMAP_BYTES:
            logger.info("sitemap %s is over %d bytes uncompressed: ignored", url, MAX_SITEMAP_BYTES)
            return SitemapPage([], [], is_sitemap=False)
    try:
        root = etree.fromstring(body, parser=_XML_PARSER)
    except etree.XMLSyntaxError as exc:
        logger.info("not a readable sitemap: %s (%s)", url, exc)
        return SitemapPage([], [], is_sitemap=False)
    if root is None:
        return SitemapPage([], [], is_sitemap=False)
    entries: list[Entry] = []
    sitemaps: list[str] = []
    is_index = _local(root.tag) == "sitemapindex"
    for node in root:
        if _local(node.tag) not in ("url", "sitemap"):
            continue
        loc = lastmod = published = title = None
        for child in node.iter():
            name = _local(child.tag)
            text = (child.text or "").strip()
            if name == "loc" and loc is None:
                loc = text
            elif name == "lastmod":
                lastmod = parse_datetime(text)
            elif name == "publication_date":
                published = parse_datetime(text)
            elif name == "title" and title is None:
                title = text or None
        if not loc:
            continue
        loc = urljoin(url, loc)
        if is_index or _local(node.tag) == "sitemap":
            sitemaps.append(loc)
        else:
            entries.append(Entry(loc, published or lastmod, title))
    is_sitemap = _local(root.tag) in ("urlset", "sitemapindex") or bool(entries or sitemaps)
    return SitemapPage(entries, sitemaps, is_sitemap)


def _is_article_link(link: str, patterns: list[re.Pattern[str]]) -> bool:
    if patterns:
        return any(p.search(link) for p in patterns)
    segment = urlsplit(link).path.rstrip("/").rsplit("/", 1)[-1]
    return len([w for w in re.split(r"[-_]", segment) if w]) >= SLUG_MIN_WORDS


def is_article_url(url: str, article_patterns: list[str]) -> bool:
    """Whether a listing page would follow `url` as an article: it matches one of
    `article_patterns` (searched in the absolute URL), or, without patterns, its last path
    segment is a slug of `SLUG_MIN_WORDS` or more words. `pcm backfill` judges archived pages
    by the same rule."""
    return _is_article_link(url, [re.compile(p) for p in article_patterns])


def parse_listing(body: bytes | str, url: str, article_patterns: list[str]) -> ListingPage:
    """Article links (same site, matching one of `article_patterns`) and pagination links.

    Links marked rel=next (`<link>` or `<a>`) are returned wherever they point: the spider
    refuses and records those that leave the source's sites (crawler.urlpolicy).

    Args:
        body: the listing page HTML.
        url: its URL.
        article_patterns: regexes searched in absolute link URLs; when empty, links whose last
            path segment is a slug of three or more words count as articles.

    Returns:
        A `ListingPage` with absolute URLs, each once, in page order.
    """
    text = decode_body(body)[0] if isinstance(body, bytes) else body
    try:
        doc = lxml_html.document_fromstring(text)
    except (ValueError, etree.ParserError) as exc:
        logger.info("unparseable listing page %s: %s", url, exc)
        return ListingPage([], [])
    patterns = [re.compile(p) for p in article_patterns]
    articles: dict[str, None] = {}
    listings: dict[str, None] = {}
    for anchor in doc.xpath("//a[@href]"):
        href = anchor.get("href", "").strip()
        if not href or href.startswith(_SKIP_SCHEMES):
            continue
        link = urljoin(url, href).split("#", 1)[0]
        is_next = "next" in (anchor.get("rel") or "").lower().split()
        if is_next and link != url:
            listings[link] = None  # kept wherever it points: the spider's URL policy judges it
            continue
        if not link.startswith(("http://", "https://")) or not same_site(link, url) or link == url:
            continue
        is_article = _is_article_link(link, patterns)
        paging = _NEXT_TEXT.match(anchor.text_content() or "") or _NEXT_PAGE.search(link)
        if paging and not is_article:
            listings[link] = None
        elif is_article:
            articles[link] = None
    for link in doc.xpath('//link[@rel="next"]/@href'):
        listings[urljoin(url, link.strip())] = None
    return ListingPage(list(articles), [u for u in listings if u not in articles])
