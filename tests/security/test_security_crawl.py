"""Real crawls of a hostile loopback site: what is fetched, what is stored, what is refused."""

from __future__ import annotations

import duckdb
import pytest
from hostile import HTML, Route, article_page

from core.config import Source
from demo.site import config_for
from pcm.crawling import crawl_all

pytestmark = pytest.mark.slow

MARKER = "PCM-SECRET-4c1d9e"  # the content of a local file the crawler must never read
FEED_SOURCE = "Hostile feed"
SITEMAP_SOURCE = "Hostile sitemap"
LISTING_SOURCE = "Hostile listing"
OTHER_OUTLET = "https://other-outlet.example"  # never resolved: refused before any lookup


def _rss(links: list[str]) -> bytes:
    items = "".join(
        f"<item><title>Story {i}</title><link>{link}</link>"
        "<pubDate>Tue, 03 Jun 2025 09:30:00 +0100</pubDate></item>"
        for i, link in enumerate(links)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Hostile'
        f"</title><link>http://x/</link><description>d</description>{items}</channel></rss>"
    ).encode()


def _rows(db, sql, params=()):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _feed_routes(base: str, inside: str, secret) -> dict[str, Route]:
    """The feed, with links to local files, scripts and internal hosts, and its articles."""
    return {
        "/feed.rss": Route(
            body=_rss(
                [
                    "file:///etc/hostname",
                    "file://localhost/etc/hostname",
                    "file:/etc/hostname",
                    secret.as_uri(),
                    "javascript:alert(document.cookie)",
                    f"{base}/news/police-station-opens-safely",
                    f"{base}/news/redirect-to-internal-host",
                    f"{base}/news/redirect-to-local-file",
                    f"{base}/news/canonical-claims-another-outlet",
                    f"{base}/news/canonical-is-javascript",
                    f"{inside}/news/direct-link-to-internal-host",
                ]
            ),
            content_type="application/rss+xml",
        ),
        "/news/police-station-opens-safely": Route(body=article_page("Station opens")),
        "/news/redirect-to-internal-host": Route(302, location=f"{inside}/internal/admin-story"),
        "/news/redirect-to-local-file": Route(302, location=secret.as_uri()),
        "/news/canonical-claims-another-outlet": Route(
            body=article_page("Station opens again", f"{OTHER_OUTLET}/news/the-real-story")
        ),
        "/news/canonical-is-javascript": Route(
            body=article_page("Station opens once more", "JavaScript:alert(1)")
        ),
    }


def _sitemap_routes(base: str, secret) -> dict[str, Route]:
    """The sitemap, with local-file locations, and its one fine story."""
    return {
        "/sitemap.xml": Route(
            body=(
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                "<url><loc>file:///etc/hostname</loc></url>"
                f"<url><loc>{secret.as_uri()}</loc></url>"
                "<sitemap><loc>file:///etc/passwd</loc></sitemap>"
                f"<url><loc>{base}/news/sitemap-story-is-fine</loc></url>"
                "</urlset>"
            ).encode(),
            content_type="application/xml",
        ),
        "/news/sitemap-story-is-fine": Route(body=article_page("Sitemap story")),
    }


def _listing_routes(inside: str) -> dict[str, Route]:
    """The listing, whose next pages point at an internal host and another outlet."""
    return {
        "/listing/": Route(
            body=(
                "<html><head><title>News</title>"
                f'<link rel="next" href="{inside}/listing/page/2/"></head><body>'
                f'<a href="/news/listing-story-is-fine">Listing story</a>'
                f'<a href="javascript:alert(1)">Open the app</a>'
                f'<a rel="next" href="{OTHER_OUTLET}/listing/page/3/">Older stories</a>'
                "</body></html>"
            ).encode(),
            content_type=HTML,
        ),
        "/news/listing-story-is-fine": Route(body=article_page("Listing story")),
    }


def _hostile_config(base: str, db):
    """The three hostile sources; only the loopback source host is allowed among private ones."""
    cfg = config_for(base, str(db))
    cfg.crawl.allow_private_networks = False
    cfg.crawl.allowed_private_hosts = ["127.0.0.1"]
    cfg.crawl.timeout_s = 5
    cfg.sources = [
        Source(name=FEED_SOURCE, kind="local_news", feeds=[f"{base}/feed.rss"]),
        Source(name=SITEMAP_SOURCE, kind="local_news", sitemaps=[f"{base}/sitemap.xml"]),
        Source(name=LISTING_SOURCE, kind="local_news", start_urls=[f"{base}/listing/"]),
    ]
    return cfg


@pytest.fixture(scope="module")
def crawled(hostile_pair, tmp_path_factory):
    """One crawl of three hostile sources. The source host 127.0.0.1 is explicitly allowed;
    private networks are not, so http://localhost:PORT (the `internal` server) is refused."""
    site, internal = hostile_pair
    tmp = tmp_path_factory.mktemp("hostile")
    secret = tmp / "secret.txt"
    secret.write_text(f"SMTP_PASSWORD={MARKER}\n", encoding="utf-8")
    base, inside = site.base, f"http://localhost:{internal.port}"
    site.routes.update(
        _feed_routes(base, inside, secret) | _sitemap_routes(base, secret) | _listing_routes(inside)
    )
    internal.routes["/internal/admin-story"] = Route(body=article_page(MARKER))
    db = tmp / "pcm.duckdb"
    summary = crawl_all(_hostile_config(base, db))
    errors = _rows(db, "SELECT source, url, reason, detail FROM crawl_errors ORDER BY url")
    stored = {url for (url,) in _rows(db, "SELECT url FROM articles")}
    return {
        "summary": summary,
        "db": db,
        "base": base,
        "errors": errors,
        "stored": stored,
        "site": site,
        "internal": internal,
    }


def _errors(crawled, source: str, reason: str) -> list[tuple[str, str]]:
    return [(u, d) for s, u, r, d in crawled["errors"] if s == source and r == reason]


def test_feed_links_to_local_files_are_refused(crawled):
    refused = [u for u, _ in _errors(crawled, FEED_SOURCE, "refused_scheme")]
    local = [u for u in refused if u.startswith("file:")]
    # file:///etc/hostname, file://localhost/..., file:/... and the secret file: never read
    assert len(local) == 4, refused
    assert not any(u.startswith("file:") for u in crawled["stored"])
    con = duckdb.connect(str(crawled["db"]), read_only=True)
    try:
        texts = con.execute("SELECT string_agg(text, ' ') FROM passages").fetchone()[0]
    finally:
        con.close()
    assert MARKER not in (texts or "")
    assert MARKER.encode() not in crawled["db"].read_bytes()


def test_sitemap_locs_to_local_files_are_refused(crawled):
    refused = sorted(u for u, _ in _errors(crawled, SITEMAP_SOURCE, "refused_scheme"))
    assert len(refused) == 3, refused
    assert all(u.startswith("file:") for u in refused), refused
    assert "file:///etc/passwd" in refused  # the child sitemap too
    assert f"{crawled['base']}/news/sitemap-story-is-fine" in crawled["stored"]


def test_redirect_to_a_private_host_is_refused(crawled):
    base = crawled["base"]
    assert crawled["site"].log.count("/news/redirect-to-internal-host") == 1
    refused = _errors(crawled, FEED_SOURCE, "private_address")
    assert (f"{base}/news/redirect-to-internal-host",) in [(u,) for u, _ in refused]
    detail = dict(refused)[f"{base}/news/redirect-to-internal-host"]
    assert "localhost" in detail
    assert "loopback" in detail
    # neither through the redirect nor through the direct feed link: not one request inside
    assert crawled["internal"].log.records() == []
    assert any(u.endswith("/news/direct-link-to-internal-host") for u, _ in refused)
    assert not any("localhost" in u for u in crawled["stored"])


def test_redirect_to_a_local_file_is_refused(crawled):
    refused = dict(_errors(crawled, FEED_SOURCE, "refused_scheme"))
    detail = refused[f"{crawled['base']}/news/redirect-to-local-file"]
    assert "file" in detail


def test_rel_next_to_another_site_is_refused(crawled):
    refused = sorted(u for u, _ in _errors(crawled, LISTING_SOURCE, "offsite_link"))
    internal = crawled["internal"]
    assert refused == [
        f"http://localhost:{internal.port}/listing/page/2/",  # <link rel=next>
        f"{OTHER_OUTLET}/listing/page/3/",  # <a rel=next>
    ]
    assert f"{crawled['base']}/news/listing-story-is-fine" in crawled["stored"]
    assert internal.log.records() == []


def test_canonical_claiming_another_domain_is_ignored(crawled):
    base = crawled["base"]
    assert f"{base}/news/canonical-claims-another-outlet" in crawled["stored"]
    assert not any(u.startswith(OTHER_OUTLET) for u in crawled["stored"])
    refused = dict(_errors(crawled, FEED_SOURCE, "offsite_canonical"))
    assert "other-outlet.example" in refused[f"{base}/news/canonical-claims-another-outlet"]


def test_javascript_urls_are_never_stored(crawled):
    base = crawled["base"]
    assert not any(u.lower().startswith("javascript:") for u in crawled["stored"])
    # the page with a javascript: canonical is stored under its own URL
    assert f"{base}/news/canonical-is-javascript" in crawled["stored"]
    refused = _errors(crawled, FEED_SOURCE, "refused_scheme")
    assert any(u.startswith("javascript:") for u, _ in refused)  # the feed entry
    assert any(
        u == f"{base}/news/canonical-is-javascript" and "rel=canonical" in d for u, d in refused
    )


def test_refusals_show_in_the_source_stats(crawled):
    by_source = {s.source: s for s in crawled["summary"].sources}
    feed = by_source[FEED_SOURCE]
    assert feed.status == "partial"  # refused URLs are not a clean crawl
    assert feed.errors_by_reason["refused_scheme"] == 7
    assert feed.errors_by_reason["private_address"] == 2
    assert feed.errors_by_reason["offsite_canonical"] == 1
    assert feed.new_articles >= 1
    stats = dict(_rows(crawled["db"], "SELECT source, errors_by_reason FROM crawl_stats"))
    assert "offsite_link" in str(stats[LISTING_SOURCE])
