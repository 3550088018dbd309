"""The bundled offline sample site: a fictional force and its press, served on loopback.

URL layout (placeholder host http://sample.local; the server answers on http://127.0.0.1:PORT):

    /                                   index of the sites below
    /robots.txt                         disallows /gazette/search/, /echo/login/, /_test/private/
    Wexmoor Gazette (local_news, RSS)
      /gazette/feed.rss                 RSS 2.0, every Gazette story; some links carry ?utm_...
      /gazette/news/<slug>-<id>         article (no trailing slash); JSON-LD datePublished
    Sedgebury Echo (local_news, news sitemap)
      /echo/news-sitemap.xml            Google News sitemap, every Echo story
      /echo/news/YYYY/MM/DD/<slug>/     article; article:published_time meta or <time>
    Ravensey Herald (local_news, listing pages only)
      /herald/news/, /herald/news/page/N/   10 teasers a page, rel="next" "Older stories"
      /herald/YYYY/MM/DD/<slug>/        article; date in the URL (and maybe a <time>)
      /herald/story/<slug>/             article; date in the byline text, or none at all;
                                        one of these is cp1252 with no charset anywhere
    The National Ledger (national_news, Atom)
      /ledger/uk-news/feed.atom         Atom 1.0; some links carry ?utm_...
      /ledger/uk-news/YYYY/mon/DD/<slug>    article; JSON-LD datePublished in UTC
    Wexmoor Constabulary newsroom (force_statement, RSS and listing)
      /force/news/feed.rss, /force/news/, /force/news/page/N/
      /force/news/article/<id>/<slug>/  article; <time datetime="YYYY-MM-DD">
    Office of the Wexmoor Police and Crime Commissioner (pcc_statement, listing)
      /pcc/news/, /pcc/news/page/N/     5 teasers a page
      /pcc/news/<slug>/                 article; "Posted on 20 November 2026" text only
    HM Inspectorate of Constabulary (inspectorate, listing)
      /hmic/publications/               lists the two reports
      /hmic/publications/<slug>/        report page (DC.date.issued meta), links the PDF
      /hmic/publications/<slug>.pdf     the Wexmoor PEEL report, with a text layer
    /_test/...                          failure routes for the crawler's tests (server.py)

Ground truth: `articles(today)` lists every article page with its path, outlet, title, date,
author, paragraphs, relevance and `duplicate_of` (syndicated copies point at the original).
"""

from __future__ import annotations

import logging
from pathlib import Path

from pydantic import ValidationError

from core.config import Config, load_config
from core.errors import ConfigError
from demo.site.content import ArticleSpec, articles

logger = logging.getLogger(__name__)

PLACEHOLDER = "http://sample.local"
SAMPLE_CONFIG = Path(__file__).resolve().parents[2] / "config" / "sample.yaml"

__all__ = ["PLACEHOLDER", "SAMPLE_CONFIG", "ArticleSpec", "articles", "config_for"]


def config_for(base_url: str, db_path: str) -> Config:
    """The sample site's config, pointed at a running sample server.

    Args:
        base_url: the server's base URL, e.g. "http://127.0.0.1:41234" (no trailing slash
            needed).
        db_path: the DuckDB file the crawl should write to.

    Returns:
        `config/sample.yaml` validated by `core.config.load_config`, with every
        `http://sample.local` URL rewritten to `base_url`.

    Raises:
        ConfigError: config/sample.yaml is missing (the package must be run from a checkout or
            an editable install), or `base_url` is not an http(s) URL.
    """
    if not SAMPLE_CONFIG.is_file():
        raise ConfigError(
            f"{SAMPLE_CONFIG}: sample config not found; run from the repository "
            "checkout (pip install -e .)"
        )
    cfg = load_config(SAMPLE_CONFIG, db=str(db_path), environ={})
    base = str(base_url).rstrip("/")

    def rewrite(urls: list[str]) -> list[str]:
        return [base + u[len(PLACEHOLDER) :] if u.startswith(PLACEHOLDER) else u for u in urls]

    data = cfg.model_dump()
    for source in data["sources"]:
        for field in ("feeds", "sitemaps", "start_urls"):
            source[field] = rewrite(source[field])
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(
            f"config_for: base_url {base_url!r} does not give valid source URLs; pass the "
            "server's address, e.g. http://127.0.0.1:8600"
        ) from exc
