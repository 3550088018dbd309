"""The offline sample site: ground truth, pages, feeds, the PDF, failure routes and config."""

from __future__ import annotations

import html
import http.client
import io
import re
import time
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

import feedparser
import pypdf
import pytest

from core.config import load_config
from core.errors import ConfigError
from core.vocabulary import SOURCE_KINDS, TOPICS, VOICES
from demo.site import articles, config_for
from demo.site.build import write_site
from demo.site.server import serve_sample_site

TODAY = date(2026, 3, 15)

TOPIC_KEYWORDS = {
    "victim_updates": ("updated", "update on", "kept informed", "kept updated"),
    "stop_and_search": ("stop and search",),
    "value_for_money": ("value for money", "precept"),
    "crime_prevention": ("crime prevention", "prevent crime", "preventing crime"),
    "investigations": ("investigation",),
    "domestic_abuse": ("domestic abuse",),
    "emergency_response": ("999",),
    "officer_conduct": ("misconduct",),
    "fair_treatment": ("fairly", "fairness", "fair treatment", "treated fairly", "unfair"),
    "community_engagement": (
        "community meeting",
        "neighbourhood team",
        "public meeting",
        "beat surgeries",
    ),
    "road_safety": ("speeding", "road safety", "collision"),
    "vulnerable_people": ("missing", "mental health", "vulnerable"),
    "general": ("confidence", "trust"),
}


@pytest.fixture(scope="module")
def truth():
    return articles(TODAY)


@pytest.fixture(scope="module")
def site():
    with serve_sample_site(today=TODAY) as base:
        yield base


def get(base: str, path: str, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    """One GET without following redirects: (status, headers, body)."""
    url = urlsplit(str(base))
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def days_ago(a) -> int:
    return (TODAY - a.published.date()).days


# ---- Ground truth ------------------------------------------------------------------------


def test_volume_relevance_and_copies(truth):
    relevant = [a for a in truth if a.is_relevant and a.duplicate_of is None]
    assert len(relevant) >= 150
    assert len([a for a in truth if not a.is_relevant]) >= 8
    copies = [a for a in truth if a.duplicate_of]
    assert len(copies) >= 6
    by_path = {a.path: a for a in truth}
    assert len(by_path) == len(truth)  # unique paths
    for copy in copies:
        original = by_path[copy.duplicate_of]
        assert copy.outlet != original.outlet
        assert copy.path != original.path
        assert copy.paragraphs != original.paragraphs  # small edits, not byte copies
        shared = set(copy.paragraphs) & set(original.paragraphs)
        assert len(shared) >= len(original.paragraphs) - 3
    assert {a.outlet_key for a in copies} >= {"ledger"}


def test_deterministic_and_relative_to_today(truth):
    assert articles(TODAY) == truth
    later = articles(TODAY + timedelta(days=10))
    assert [a.title for a in later] == [a.title for a in truth]
    assert all(
        b.published - a.published == timedelta(days=10) or b.duplicate_of
        for a, b in zip(truth, later, strict=True)
        if not a.duplicate_of
    )


def test_dates_are_aware_and_within_a_year(truth):
    for a in truth:
        assert a.published.tzinfo is not None
        assert 0 <= days_ago(a) <= 366
        assert a.published <= datetime.combine(
            TODAY, datetime.min.time(), a.published.tzinfo
        ) + timedelta(hours=2)


def test_paragraph_counts(truth):
    for a in truth:
        if a.content_type == "text/html" and a.outlet_key != "hmic":
            assert 4 <= len(a.paragraphs) <= 12, a.path


def test_every_topic_covered_by_keywords(truth):
    text = [a.text.lower() for a in truth if a.is_relevant]
    for topic in TOPICS:
        hits = sum(any(k in t for k in TOPIC_KEYWORDS[topic]) for t in text)
        assert hits >= 5, topic
    assert {t for a in truth for t in a.topics} == set(TOPICS)


def test_every_voice_quoted_with_varied_attribution(truth):
    cfg = load_config(config_for("http://127.0.0.1:1", "x.duckdb").config_path)
    assert {p.role for p in cfg.force.people} == set(VOICES)
    corpus = "\n".join(a.text for a in truth if a.is_relevant)
    for voice in ("force", "pcc", "inspectorate", "government", "public"):
        quoted = [p.name for p in cfg.force.people if p.role == voice and p.name in corpus]
        assert len(quoted) >= 2, voice
    for pattern in (
        r"said Chief Constable",
        r"\b[A-Z]\w+ said: [“\"]",
        r"[Aa]ccording to the commissioner",
        r"spokesperson said",
        r"told (the panel|the meeting|councillors) that",
        r"[”\"],? (he|she) said",
    ):
        assert re.search(pattern, corpus), pattern
    for role in (
        "Chief Constable",
        "Superintendent",
        "Police and Crime Commissioner",
        "HM Inspector",
        "IOPC",
        " MP",
        "Councillor",
        "resident",
        "victim",
        "campaign",
    ):
        assert role in corpus, role


def test_story_arcs_at_the_right_dates(truth):
    arc = Counter()
    for a in truth:
        if a.arc:
            arc[(a.arc, days_ago(a) // 7)] += 1
    report = next(a for a in truth if a.plan == "hmic_report_page")
    assert days_ago(report) == 70
    peel_spike = [a for a in truth if a.arc == "peel_inspection" and 56 <= days_ago(a) <= 70]
    assert len(peel_spike) >= 12
    before = [a for a in truth if "victim_updates" in a.topics and 71 <= days_ago(a) <= 120]
    assert len(peel_spike) > 3 * max(1, len(before))
    ss = [a for a in truth if a.arc == "stop_and_search" and 20 <= days_ago(a) <= 35]
    assert len(ss) >= 10
    ss_text = " ".join(a.text for a in ss)
    assert "body-worn video" in ss_text
    assert "grounds" in ss_text
    precept = Counter(days_ago(a) for a in truth if a.arc == "precept")
    assert sum(n for d, n in precept.items() if 230 <= d <= 250) >= 3
    assert sum(n for d, n in precept.items() if 15 <= d <= 30) >= 3
    praise = {t for a in truth if a.arc == "praise" for t in a.topics}
    assert {"value_for_money", "crime_prevention"} <= praise
    assert len([a for a in truth if days_ago(a) <= 3]) >= 8


def test_fiction_only(truth):
    corpus = " ".join(a.text for a in truth)
    for real in ("Norfolk", "Metropolitan Police", "Roy Wilsher", "Andy Cooke"):
        assert real not in corpus


# ---- Served pages, feeds, sitemap, listings --------------------------------------------


def test_every_article_page_serves_its_text(site, truth):
    for a in truth:
        if a.content_type != "text/html":
            continue
        status, _headers, body = get(site, a.path)
        assert status == 200, a.path
        text = html.unescape(body.decode(a.encoding))
        for para in a.paragraphs:
            assert para in text, (a.path, para[:40])
        assert "cookie" in text.lower()
        assert "footer" in text.lower()


def test_gazette_rss_lists_its_articles(site, truth):
    _, _headers, body = get(site, "/gazette/feed.rss")
    feed = feedparser.parse(body)
    assert not feed.bozo
    links = [e.link for e in feed.entries]
    assert all(link.startswith(str(site)) for link in links)
    assert {urlsplit(link).path for link in links} == {
        a.path for a in truth if a.outlet_key == "gazette"
    }
    assert any("utm_source=" in link for link in links)
    assert all(e.published_parsed for e in feed.entries)


def test_ledger_atom_and_force_rss(site, truth):
    for path, key in (("/ledger/uk-news/feed.atom", "ledger"), ("/force/news/feed.rss", "force")):
        feed = feedparser.parse(get(site, path)[2])
        assert not feed.bozo, path
        assert {urlsplit(e.link).path for e in feed.entries} == {
            a.path for a in truth if a.outlet_key == key
        }
    ledger = feedparser.parse(get(site, "/ledger/uk-news/feed.atom")[2])
    assert ledger.version.startswith("atom")


def test_echo_news_sitemap(site, truth):
    root = ET.fromstring(get(site, "/echo/news-sitemap.xml")[2])
    ns = {
        "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
        "n": "http://www.google.com/schemas/sitemap-news/0.9",
    }
    locs = [u.findtext("s:loc", namespaces=ns) for u in root.findall("s:url", ns)]
    assert {urlsplit(x).path for x in locs} == {a.path for a in truth if a.outlet_key == "echo"}
    dates = root.findall(".//n:publication_date", ns)
    assert all(datetime.fromisoformat(d.text).tzinfo for d in dates)


def _crawl_listing(site, start: str, patterns: list[str]) -> set[str]:
    found, path, pages = set(), start, 0
    while path:
        body = get(site, path)[2].decode()
        pages += 1
        for href in re.findall(r'href="([^"]+)"', body):
            if any(re.search(p, href) for p in patterns):
                found.add(href)
        nxt = re.search(r'<a rel="next"[^>]*href="([^"]+)"', body)
        path = nxt.group(1) if nxt else None
    assert pages >= 2 or start.startswith("/hmic/")
    return found


def test_listing_pages_paginate_to_every_article(site, truth, tmp_path):
    cfg = config_for(str(site), str(tmp_path / "x.duckdb"))
    sources = {s.name: s for s in cfg.sources}
    for name, key in (
        ("Ravensey Herald", "herald"),
        ("Office of the Wexmoor Police and Crime Commissioner", "pcc"),
    ):
        src = sources[name]
        start = urlsplit(src.start_urls[0]).path
        found = _crawl_listing(site, start, src.article_patterns)
        assert found == {a.path for a in truth if a.outlet_key == key}, name
    hmic = sources["HM Inspectorate of Constabulary"]
    found = _crawl_listing(site, "/hmic/publications/", hmic.article_patterns)
    assert len(found) == 2
    page = get(site, next(p for p in found if "wexmoor" in p))[2].decode()
    assert re.search(r'href="[^"]+\.pdf"', page)
    assert 'name="DC.date.issued"' in page


def test_pdf_report_has_a_text_layer(site, truth):
    pdf = next(a for a in truth if a.content_type == "application/pdf")
    status, headers, body = get(site, pdf.path)
    assert status == 200
    assert headers["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(body))
    text = " ".join(p.extract_text() for p in reader.pages)
    text = " ".join(text.split())
    assert "Victims told us they often had to chase the police for news" in text
    assert "requires improvement" in text
    assert reader.metadata.title == pdf.title


def test_cp1252_page_has_no_charset(site, truth):
    page = next(a for a in truth if a.encoding == "cp1252")
    for path in (page.path, "/_test/cp1252/"):
        status, headers, body = get(site, path)
        assert status == 200
        assert "charset" not in headers["Content-Type"].lower()
        assert b"charset" not in body.lower()
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")
        text = body.decode("cp1252")
        assert "£" in text
        assert "’" in text


def test_date_forms_vary(site, truth):
    forms = Counter(a.date_form for a in truth)
    assert {"jsonld", "meta", "time", "text", "url", "none"} <= set(forms)
    undated = next(a for a in truth if a.date_form == "none")
    body = get(site, undated.path)[2].decode()
    assert str(undated.published.year) not in body.split("<footer")[0].split('class="entry"')[0]
    assert not re.search(r"\d{4}/\d{2}/\d{2}", undated.path)


def test_robots_and_unknown_paths(site):
    status, _, body = get(site, "/robots.txt")
    assert status == 200
    assert b"Disallow: /_test/private/" in body
    assert get(site, "/no/such/page/")[0] == 404
    status, headers, _ = get(site, "/herald/news")
    assert status == 301
    assert headers["Location"] == "/herald/news/"


# ---- Failure routes ----------------------------------------------------------------------


def test_failure_routes(site):
    status, headers, _ = get(site, "/_test/retry-after/?n=1")
    assert status == 429
    assert headers["Retry-After"] == "2"
    assert get(site, "/_test/retry-after/?n=1")[0] == 200
    assert get(site, "/_test/not-found/")[0] == 404
    assert get(site, "/_test/server-error/")[0] == 500
    start = time.monotonic()
    assert get(site, "/_test/slow/?delay=0.5")[0] == 200
    assert time.monotonic() - start >= 0.5
    status, headers, _ = get(site, "/_test/redirect-loop/")
    assert status == 302
    assert headers["Location"] == "/_test/redirect-loop/next/"
    status, headers, _ = get(site, "/_test/redirect-loop/next/")
    assert status == 302
    assert headers["Location"] == "/_test/redirect-loop/"
    status, headers, body = get(site, "/_test/image/")
    assert headers["Content-Type"] == "image/png"
    assert body.startswith(b"\x89PNG")
    status, headers, body = get(site, "/_test/empty/")
    assert status == 200
    assert body == b""
    body = get(site, "/_test/empty-article/")[2].decode()
    assert '<div class="article-body">\n\n</div>' in body
    assert b"subscribers" in get(site, "/_test/paywall/")[2]
    malformed = get(site, "/_test/malformed/")[2].decode()
    assert "</h2>" in malformed
    assert "<h1>" in malformed
    feed = feedparser.parse(get(site, "/_test/feed.rss")[2])
    assert len(feed.entries) >= 10


def test_huge_page_is_over_ten_megabytes(site):
    url = urlsplit(str(site))
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    conn.request("GET", "/_test/huge/")
    resp = conn.getresponse()
    assert int(resp.getheader("Content-Length")) == 12 * 1024 * 1024
    assert len(resp.read(1024)) == 1024
    conn.close()


def test_request_log_records_paths(site):
    site.log.clear()
    get(site, "/gazette/feed.rss")
    get(site, "/_test/not-found/?x=1")
    assert site.requests == ["/gazette/feed.rss", "/_test/not-found/?x=1"]
    assert site.log.count("/_test/not-found/") == 1
    assert site.log.records()[1].status == 404


@pytest.mark.parametrize(
    ("mode", "status", "body"), [("503", 503, b""), ("disallow_all", 200, b"Disallow: /\n")]
)
def test_robots_modes(mode, status, body):
    with serve_sample_site(today=TODAY, robots=mode) as base:
        got_status, _, got = get(base, "/robots.txt")
        assert got_status == status
        assert body in got


def test_bad_robots_mode_is_refused():
    with (
        pytest.raises(ValueError, match="robots must be one of"),
        serve_sample_site(today=TODAY, robots="sometimes"),
    ):
        pass


def test_serves_a_prebuilt_folder(tmp_path, truth):
    root = write_site(tmp_path / "site", TODAY)
    with serve_sample_site(root=root) as base:
        status, _headers, _body = get(base, truth[0].path)
        assert status == 200
        assert str(base).encode() in get(base, "/gazette/feed.rss")[2]


# ---- Config --------------------------------------------------------------------------------


def test_sample_config_validates_and_is_rewritten(tmp_path):
    cfg = config_for("http://127.0.0.1:8600/", str(tmp_path / "demo.duckdb"))
    assert cfg.db_path == str(tmp_path / "demo.duckdb")
    assert cfg.crawl.download_delay == 0
    assert cfg.force.name == "Wexmoor Constabulary"
    assert {s.kind for s in cfg.sources} == set(SOURCE_KINDS)
    urls = [u for s in cfg.sources for u in s.feeds + s.sitemaps + s.start_urls]
    assert urls
    assert all(u.startswith("http://127.0.0.1:8600/") for u in urls)
    assert not any("//" in u.removeprefix("http://") for u in urls)
    raw = load_config(cfg.config_path, db="x.duckdb", environ={})
    assert all("sample.local" in u for s in raw.sources for u in s.feeds + s.sitemaps)


def test_config_for_refuses_a_base_url_that_is_not_http(tmp_path):
    with pytest.raises(ConfigError, match="does not give valid source URLs"):
        config_for("127.0.0.1:8600", str(tmp_path / "x.duckdb"))


def test_every_named_person_is_in_the_config_and_templates_are_filled(truth, tmp_path):
    from demo.site.cast import CAST

    cfg = config_for("http://127.0.0.1:1", str(tmp_path / "x.duckdb"))
    people = {p.name: p.role for p in cfg.force.people}
    assert {c.name: c.voice for c in CAST} == people
    for a in truth:
        assert "{" not in a.text, a.path
        assert "}" not in a.text, a.path
        assert "{" not in a.title, a.path
        assert len(set(a.paragraphs)) == len(a.paragraphs), a.path


def test_relevance_is_visible_in_the_text(truth):
    from demo.site.cast import CAST

    insiders = [c.name for c in CAST if c.voice in ("force", "pcc")]
    towns = ("Wexmoor", "Castleford Wick", "Sedgebury", "Holme St Anne", "Ravensey", "Lowmarsh")
    for a in truth:
        text = f"{a.title}\n{a.text}"
        named = "Wexmoor Police" in text or "Wexmoor Constabulary" in text
        insider = any(name in text for name in insiders)
        local_police = re.search(r"\bpolic(e|ing)\b", text, re.I) and any(t in text for t in towns)
        if a.is_relevant and a.source_kind not in ("force_statement", "pcc_statement"):
            assert named or insider or local_police, a.path
        if not a.is_relevant:
            assert not named, a.path
            assert not insider, a.path
            assert not local_police, a.path
