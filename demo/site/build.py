"""Build every page of the sample site (in memory, or to a folder) for a given day."""

from __future__ import annotations

import argparse
import json
import logging
import math
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from demo.site import pages, stories_other
from demo.site.content import (
    LONDON,
    ArticleSpec,
    articles,
)
from demo.site.pdfwrite import write_pdf

logger = logging.getLogger(__name__)

HTML = "text/html; charset=utf-8"
HTML_NO_CHARSET = "text/html"  # the cp1252 page: no charset anywhere, as on some real sites
RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
XML = "application/xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
PDF = "application/pdf"
MANIFEST = "_manifest.json"

HERALD_PER_PAGE = 10
FORCE_PER_PAGE = 15
PCC_PER_PAGE = 5

# Feeds, sitemaps and listing pages (paths on the sample host); docs/crawling.md lists them too.
GAZETTE_FEED = "/gazette/feed.rss"
ECHO_SITEMAP = "/echo/news-sitemap.xml"
HERALD_LISTING = "/herald/news/"
LEDGER_FEED = "/ledger/uk-news/feed.atom"
FORCE_LISTING = "/force/news/"
FORCE_FEED = "/force/news/feed.rss"
PCC_LISTING = "/pcc/news/"
HMIC_LISTING = "/hmic/publications/"

ROBOTS_NORMAL = """User-agent: *
Disallow: /gazette/search/
Disallow: /echo/login/
Disallow: /_test/private/

Sitemap: http://sample.local/echo/news-sitemap.xml
"""


@dataclass(frozen=True)
class Resource:
    """One response body of the sample site."""

    body: bytes
    content_type: str


Site = dict[str, Resource]


def _html(text: str) -> Resource:
    return Resource(text.encode("utf-8"), HTML)


def _related(items: list[ArticleSpec], index: int, n: int = 4) -> list[ArticleSpec]:
    others = items[:index] + items[index + 1 :]
    start = max(0, min(index - n // 2, len(others) - n))
    return others[start : start + n]


def _listing(
    site: Site, title: str, base: str, items: list[ArticleSpec], per_page: int, chrome: str
) -> None:
    count = max(1, math.ceil(len(items) / per_page))
    for n in range(1, count + 1):
        chunk = items[(n - 1) * per_page : n * per_page]
        path = base if n == 1 else f"{base}page/{n}/"
        site[path] = _html(pages.listing_page(title, chunk, n, count, base, chrome))


def _chrome(links: dict[str, str]) -> str:
    inner = " ".join(f'<a href="{p}">{pages.e(t)}</a>' for t, p in links.items())
    return f'<header class="site-nav">{inner}</header>{pages.COOKIE_BANNER}'


def _articles_html(site: Site, items: list[ArticleSpec]) -> None:
    by_outlet: dict[str, list[ArticleSpec]] = {}
    for a in items:
        by_outlet.setdefault(a.outlet_key, []).append(a)
    for key, render in pages.RENDERERS.items():
        group = by_outlet.get(key, [])
        for i, a in enumerate(group):
            html = render(a, _related(group, i))
            if a.encoding == "utf-8":
                site[a.path] = Resource(html.encode("utf-8"), HTML)
            else:
                site[a.path] = Resource(html.encode(a.encoding), HTML_NO_CHARSET)


def _inspectorate(site: Site, items: list[ArticleSpec]) -> None:
    page = next(a for a in items if a.plan == "hmic_report_page")
    pdf = next(a for a in items if a.plan == "hmic_report_pdf")
    other = next(a for a in items if a.plan == "hmic_other_report")
    site[page.path] = _html(pages.hmic_page(page, pdf.path, stories_other.PEEL_REPORT_GRADES))
    site[other.path] = _html(pages.hmic_page(other, None))
    blocks = []
    for heading, paras in stories_other.PEEL_PDF_SECTIONS:
        blocks.append(("heading", heading))
        blocks.extend(("paragraph", p) for p in paras)
    site[pdf.path] = Resource(write_pdf(pdf.title, blocks, pdf.published), PDF)
    site[HMIC_LISTING] = _html(
        pages.listing_page(
            "Publications",
            [page, other],
            1,
            1,
            HMIC_LISTING,
            _chrome({"HM Inspectorate of Constabulary": "/hmic/", "About us": "/hmic/about/"}),
        )
    )


def _index(items: list[ArticleSpec]) -> str:
    links = {
        "Wexmoor Gazette (RSS)": GAZETTE_FEED,
        "Sedgebury Echo (news sitemap)": ECHO_SITEMAP,
        "Ravensey Herald (listing)": HERALD_LISTING,
        "The National Ledger (Atom)": LEDGER_FEED,
        "Wexmoor Constabulary newsroom": FORCE_LISTING,
        "Wexmoor Constabulary newsroom (RSS)": FORCE_FEED,
        "Office of the Wexmoor PCC": PCC_LISTING,
        "HM Inspectorate of Constabulary": HMIC_LISTING,
        "Test routes": "/_test/",
    }
    rows = "".join(f'<li><a href="{p}">{pages.e(t)}</a></li>' for t, p in links.items())
    body = (
        f"<main><h1>Public Confidence Monitor: offline sample site</h1>"
        f"<p>A fictional force, fictional outlets and fictional people; "
        f"{len(items)} pages.</p><ul>{rows}</ul></main>"
    )
    return pages._doc("PCM sample site", "", body)


def build_site(today: date | None = None) -> Site:
    """Every response of the sample site, keyed by URL path (no query string).

    Links inside the pages use the placeholder host `http://sample.local` (feeds and
    sitemaps) or root-relative paths; the server rewrites the placeholder to its own address.

    Args:
        today: the build day (default: today in London); all dates are relative to it.

    Returns:
        A dict from path to `Resource` (body bytes and Content-Type).
    """
    if today is None:
        today = datetime.now(LONDON).date()
    return dict(_build(today))


@lru_cache(maxsize=4)
def _build(today: date) -> tuple[tuple[str, Resource], ...]:
    """Every resource of the site for `today`, in a fixed order (cached per day)."""
    items = articles(today)
    site: Site = {"/": _html(_index(items)), "/robots.txt": Resource(ROBOTS_NORMAL.encode(), TEXT)}
    _articles_html(site, items)
    _inspectorate(site, items)

    def of(key: str) -> list[ArticleSpec]:
        return [a for a in items if a.outlet_key == key]

    _gazette_and_echo(site, of("gazette"), of("echo"))
    _herald(site, of("herald"))
    _ledger_and_force(site, of("ledger"), of("force"))
    _pcc(site, of("pcc"))
    logger.info("sample site built for %s: %d resources", today, len(site))
    return tuple(site.items())


def _gazette_and_echo(site: Site, gazette: list[ArticleSpec], echo: list[ArticleSpec]) -> None:
    """The Gazette's RSS feed and front page; the Echo's news sitemap and front page."""
    site[GAZETTE_FEED] = Resource(
        pages.rss_feed("Wexmoor Gazette - News", "/gazette/", gazette).encode(), RSS
    )
    site["/gazette/"] = _html(
        pages.listing_page(
            "Wexmoor Gazette",
            gazette[:25],
            1,
            1,
            "/gazette/",
            _chrome({"News": "/gazette/", "Sport": "/gazette/sport/", "RSS": GAZETTE_FEED}),
        )
    )
    site[ECHO_SITEMAP] = Resource(pages.news_sitemap("Sedgebury Echo", echo).encode(), XML)
    site["/echo/"] = _html(
        pages.listing_page("Sedgebury Echo", echo[:20], 1, 1, "/echo/", _chrome({"Home": "/echo/"}))
    )


def _herald(site: Site, herald: list[ArticleSpec]) -> None:
    """The Herald's paged listing, front page, about page and tag page."""
    herald_nav = _chrome(
        {
            "Home": "/herald/",
            "About": "/herald/about/",
            "Police": "/herald/tag/police/",
            "Advertise": "/herald/advertise/",
        }
    )
    _listing(
        site, "Ravensey Herald: latest news", HERALD_LISTING, herald, HERALD_PER_PAGE, herald_nav
    )
    site["/herald/"] = _html(
        pages.listing_page("The Ravensey Herald", herald[:5], 1, 1, "/herald/", herald_nav)
    )
    site["/herald/about/"] = _html(
        pages.simple_page(
            "About the Herald", "The Ravensey Herald is an independent weekly newspaper."
        )
    )
    site["/herald/tag/police/"] = _html(
        pages.simple_page("Police", "Stories tagged police are listed on the news pages.")
    )


def _ledger_and_force(site: Site, ledger: list[ArticleSpec], force: list[ArticleSpec]) -> None:
    """The Ledger's Atom feed; the force newsroom's RSS feed and paged listing."""
    site[LEDGER_FEED] = Resource(
        pages.atom_feed(
            "The National Ledger: UK news", "/ledger/uk-news/", LEDGER_FEED, ledger
        ).encode(),
        ATOM,
    )
    site[FORCE_FEED] = Resource(
        pages.rss_feed("Wexmoor Constabulary news", FORCE_LISTING, force).encode(), RSS
    )
    _listing(
        site,
        "News from Wexmoor Constabulary",
        FORCE_LISTING,
        force,
        FORCE_PER_PAGE,
        _chrome({"Home": "/force/", "Report": "/force/report/", "RSS": FORCE_FEED}),
    )


def _pcc(site: Site, pcc: list[ArticleSpec]) -> None:
    """The commissioner's paged news listing."""
    _listing(
        site,
        "Commissioner's news",
        PCC_LISTING,
        pcc,
        PCC_PER_PAGE,
        _chrome(
            {
                "Home": "/pcc/",
                "About the Commissioner": "/pcc/about/",
                "Police and Crime Panel": "/pcc/panel/",
            }
        ),
    )


def _file_for(out: Path, path: str) -> Path:
    rel = path.lstrip("/")
    return out / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)


def write_site(out_dir: str | Path, today: date | None = None) -> Path:
    """Write the site to a folder, with a manifest of paths and content types.

    Args:
        out_dir: the folder (created if missing).
        today: the build day (default: today in London).

    Returns:
        The folder, ready for `serve_sample_site(root=...)`.
    """
    out = Path(out_dir)
    site = build_site(today)
    manifest = {}
    for path, res in site.items():
        target = _file_for(out, path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(res.body)
        manifest[path] = {"file": str(target.relative_to(out)), "content_type": res.content_type}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    return out


def read_site(root: str | Path) -> Site:
    """Load a folder written by `write_site`.

    Args:
        root: the folder.

    Returns:
        The site, as `build_site` returns it.
    """
    root = Path(root)
    manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    return {
        path: Resource((root / m["file"]).read_bytes(), m["content_type"])
        for path, m in manifest.items()
    }


def main(argv: list[str] | None = None) -> int:
    """`python -m demo.site.build --out DIR [--today YYYY-MM-DD]`."""
    parser = argparse.ArgumentParser(description="Write the offline sample site to a folder.")
    parser.add_argument("--out", required=True, help="folder to write")
    parser.add_argument("--today", type=date.fromisoformat, help="build day (YYYY-MM-DD)")
    args = parser.parse_args(argv)
    out = write_site(args.out, args.today)
    print(f"sample site written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
