"""Article metadata from a parsed page: JSON-LD, meta tags, `<time>`, the URL and the text."""

from __future__ import annotations

import json
import logging
import re
from datetime import datetime
from urllib.parse import urljoin

from lxml import html as lxml_html

from crawler.dates import date_from_url, find_date_in_text, parse_datetime

logger = logging.getLogger(__name__)

ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "blogposting",
        "opinionnewsarticle",
        "report",
        "pressrelease",
        "socialmediaposting",
        "liveblogposting",
        "backgroundnewsarticle",
        "webpage",
    }
)
# Meta tags that carry the publication time, most specific first.
DATE_META = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "publishdate",
    "publish-date",
    "publish_date",
    "pubdate",
    "article.published",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.created",
    "dc.date.created",
    "date",
    "cxenseparse:recs:publishtime",
)
AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator")
MIN_TITLE_CHARS = 12  # a heading shorter than this ("News") is no headline
AUTHOR_MAX_WORDS = 6  # an "author" element with more words is a bio, not a name
_SITE_SUFFIX = re.compile(r"\s+(?:\||-|–|—|::|»)\s+[^|–—»]{1,60}$")
_BYLINE = re.compile(r"^\s*(?:by|written by|posted by)\s+(.{3,80}?)\s*$", re.I)
_LANG = re.compile(r"^[a-z]{2,3}")


def parse_html(text: str) -> lxml_html.HtmlElement | None:
    """Parse HTML leniently; None when there is nothing to parse."""
    try:
        return lxml_html.document_fromstring(text)
    except (ValueError, lxml_html.etree.ParserError) as exc:
        logger.debug("unparseable HTML: %s", exc)
        return None


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = re.sub(r"\s+", " ", value).strip()
    return value or None


def jsonld_objects(doc: lxml_html.HtmlElement) -> list[dict]:
    """Every JSON-LD object on the page, `@graph` members flattened, article types first."""
    found: list[dict] = []
    for script in doc.xpath('//script[@type="application/ld+json"]'):
        raw = script.text_content().strip()
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            # Some CMSs emit raw newlines inside JSON strings; json with strict=False accepts them.
            try:
                data = json.loads(raw, strict=False)
            except ValueError:
                continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                found.append(item)
                for key in ("@graph", "mainEntity", "mainEntityOfPage"):
                    if isinstance(item.get(key), list | dict):
                        stack.append(item[key])

    def is_article(obj: dict) -> bool:
        kinds = obj.get("@type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        return any(isinstance(k, str) and k.lower() in ARTICLE_TYPES - {"webpage"} for k in kinds)

    return sorted(found, key=lambda obj: not is_article(obj))


def _meta(doc: lxml_html.HtmlElement, names: tuple[str, ...]) -> list[str]:
    wanted = {n.lower(): i for i, n in enumerate(names)}
    hits: list[tuple[int, str]] = []
    for tag in doc.xpath("//meta[@content]"):
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").lower()
        if key in wanted and tag.get("content", "").strip():
            hits.append((wanted[key], tag.get("content").strip()))
    return [value for _, value in sorted(hits, key=lambda h: h[0])]


def _names(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return []


def find_title(doc: lxml_html.HtmlElement, ld: list[dict]) -> str | None:
    """Headline: JSON-LD, then og:title, then the `<h1>`/`<h2>` that the `<title>` repeats (a
    site's name is often the page's only `<h1>`), then `<title>` less its site suffix, then
    the first `<h1>`."""
    for obj in ld:
        title = _clean(obj.get("headline")) or None
        if title:
            return title
    for value in _meta(doc, ("og:title", "twitter:title")):
        if _clean(value):
            return _SITE_SUFFIX.sub("", _clean(value))
    titles = doc.xpath("//title")
    page_title = _clean(titles[0].text_content()) if titles else None
    headings = [_clean(h.text_content()) for h in doc.xpath("//h1 | //h2")]
    headings = [h for h in headings if h]
    if page_title:
        folded = page_title.casefold()
        inside = [h for h in headings if len(h) >= MIN_TITLE_CHARS and h.casefold() in folded]
        if inside:
            return max(inside, key=len)  # the headline, not the site name beside it
        return _SITE_SUFFIX.sub("", page_title) or page_title
    h1 = [_clean(h.text_content()) for h in doc.xpath("//h1")]
    return next((h for h in h1 if h), None)


def find_author(doc: lxml_html.HtmlElement, ld: list[dict]) -> str | None:
    """Author names: JSON-LD, meta tags, rel=author, then a "By ..." byline."""
    for obj in ld:
        names = [_clean(n) for n in _names(obj.get("author"))]
        names = [n for n in names if n and not n.startswith("http")]
        if names:
            return ", ".join(dict.fromkeys(names))
    for value in _meta(doc, AUTHOR_META):
        if _clean(value) and not value.startswith("http"):
            return _clean(value)
    for link in doc.xpath('//a[@rel="author"] | //*[@itemprop="author"]'):
        name = _clean(link.text_content())
        if name and len(name) < 80:
            return _BYLINE.sub(r"\1", name)
    nodes = doc.xpath(
        '//*[(contains(@class, "byline") or contains(@class, "author"))'
        ' and not(contains(@class, "comment")) and not(ancestor::*[contains(@class, "comment")])]'
    )
    for node in nodes:
        text = _clean(node.text_content()) or ""
        match = _BYLINE.match(text)
        if match:
            return match.group(1)
        if "author" in (node.get("class") or "") and 0 < len(text.split()) <= AUTHOR_MAX_WORDS:
            return text
    return None


def find_canonical(doc: lxml_html.HtmlElement, url: str | None) -> str | None:
    """The page's rel=canonical (or og:url), absolute."""
    for href in doc.xpath('//link[@rel="canonical"]/@href') + _meta(doc, ("og:url",)):
        href = href.strip()
        if href and not href.startswith(("javascript:", "#")):
            return urljoin(url or "", href)
    return None


def find_language(doc: lxml_html.HtmlElement, ld: list[dict]) -> str | None:
    """Primary language subtag ("en") from `<html lang>`, meta tags or JSON-LD."""
    candidates = [doc.get("lang"), doc.get("xml:lang")]
    candidates += _meta(doc, ("og:locale", "content-language", "language", "dc.language"))
    candidates += doc.xpath(
        '//meta[@http-equiv="content-language" or @http-equiv="Content-Language"]/@content'
    )
    candidates += [obj.get("inLanguage") for obj in ld if isinstance(obj.get("inLanguage"), str)]
    for value in candidates:
        match = _LANG.match((value or "").strip().lower())
        if match:
            return match.group(0)
    return None


def find_published(
    doc: lxml_html.HtmlElement, ld: list[dict], url: str | None, text: str | None
) -> tuple[datetime | None, str | None]:
    """Publication time, in order of trust: JSON-LD, meta tags, `<time>`, URL, text.

    Returns:
        (aware datetime or None, where it came from: jsonld, meta, time, url, text or None).
    """
    for obj in ld:
        for key in ("datePublished", "dateCreated", "uploadDate"):
            moment = parse_datetime(obj.get(key)) if isinstance(obj.get(key), str) else None
            if moment:
                return moment, "jsonld"
    for value in _meta(doc, DATE_META):
        moment = parse_datetime(value)
        if moment:
            return moment, "meta"
    times = doc.xpath(
        '//time[@itemprop="datePublished" or @pubdate or contains(@class, "publish")]'
        " | //article//time | //time"
    )
    for node in times:
        moment = parse_datetime(node.get("datetime")) or parse_datetime(node.text_content())
        if moment:
            return moment, "time"
    moment = date_from_url(url)
    if moment:
        return moment, "url"
    for chunk in (_header_text(doc), (text or "")[:2000]):
        moment = find_date_in_text(chunk) if chunk else None
        if moment:
            return moment, "text"
    return None, None


def _header_text(doc: lxml_html.HtmlElement) -> str:
    """Visible text near the headline, where "Published 3 May 2025" usually sits."""
    parts = []
    for node in doc.xpath(
        '//*[contains(@class, "date") or contains(@class, "meta") or contains(@class, "byline")'
        ' or contains(@class, "published")]'
    )[:20]:
        parts.append(node.text_content())
    return " \n".join(parts)[:3000]


def jsonld_body(ld: list[dict]) -> str | None:
    """The longest JSON-LD `articleBody`, if any."""
    bodies = [obj["articleBody"] for obj in ld if isinstance(obj.get("articleBody"), str)]
    return max(bodies, key=len) if bodies else None
