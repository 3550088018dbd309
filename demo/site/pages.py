"""HTML, feeds and sitemaps of the sample site: each outlet has its own page furniture."""

# ruff: noqa: E501  (HTML templates read better with one element per line)

from __future__ import annotations

import json
import logging
import zlib
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape

from demo.site.content import ArticleSpec

logger = logging.getLogger(__name__)

HOST = "http://sample.local"  # placeholder host; the server rewrites it to its own address

COMMENTS = (
    ("Wickwatcher", "Typical. You never see a copper round here until something happens."),
    ("SedgeburyMum", "Good to read some positive news for once."),
    ("OldRavenseyLad", "Who is paying for all this? We are, on our council tax."),
    ("Anon", "Reported my car broken into last year. Still waiting for a call."),
    ("HolmeResident", "Our PCSO is brilliant, credit where it is due."),
    ("JD_Lowmarsh", "Nothing will change. It never does."),
    ("Marjorie T", "Thank you to the officers involved."),
)


def e(text: str) -> str:
    """HTML-escape text for element content and attributes."""
    return escape(text, quote=True)


def ordinal(day: int) -> str:
    """1 -> 1st, 22 -> 22nd."""
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def long_date(dt: datetime) -> str:
    """Friday 20 November 2026."""
    return f"{dt:%A} {dt.day} {dt:%B %Y}"


def clock(dt: datetime) -> str:
    """9:15am."""
    return f"{dt.hour % 12 or 12}:{dt:%M}{'am' if dt.hour < 12 else 'pm'}"


def utc_z(dt: datetime) -> str:
    """2026-11-20T09:15:00Z."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _pick(path: str, options: tuple, n: int) -> list:
    start = zlib.crc32(path.encode()) % len(options)
    return [options[(start + i) % len(options)] for i in range(n)]


def _doc(title: str, head: str, body: str, charset: bool = True, body_class: str = "") -> str:
    meta = '<meta charset="utf-8">\n' if charset else ""
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n'
        + meta
        + '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        + f'<title>{e(title)}</title>\n{head}</head>\n<body class="{body_class}">\n'
        + body
        + "\n</body>\n</html>\n"
    )


def _jsonld(a: ArticleSpec, publisher: str, utc: bool = False) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.title,
        "datePublished": utc_z(a.published) if utc else a.published.isoformat(),
        "publisher": {"@type": "Organization", "name": publisher},
        "mainEntityOfPage": HOST + a.path,
    }
    if a.author:
        data["author"] = {"@type": "Person", "name": a.author}
    return (
        '<script type="application/ld+json">' + json.dumps(data, ensure_ascii=False) + "</script>\n"
    )


def _paras(a: ArticleSpec, inline_after: int | None = None, inline: str = "") -> str:
    out = []
    for i, p in enumerate(a.paragraphs):
        out.append(f"<p>{e(p)}</p>")
        if inline_after is not None and i == inline_after:
            out.append(inline)
    return "\n".join(out)


def _comments(a: ArticleSpec, n: int = 3) -> str:
    items = "\n".join(
        f'<li class="comment"><span class="comment-author">{e(who)}</span>'
        f'<p class="comment-text">{e(text)}</p></li>'
        for who, text in _pick(a.path, COMMENTS, n)
    )
    return (
        f'<section id="comments" class="comments"><h3>{n} comments</h3>'
        f'<ol class="comment-list">\n{items}\n</ol>'
        '<form class="comment-form"><textarea name="c"></textarea>'
        "<button>Post comment</button></form></section>"
    )


def _related(items: list[ArticleSpec], heading: str = "Related stories") -> str:
    links = "\n".join(f'<li><a href="{e(r.path)}">{e(r.title)}</a></li>' for r in items)
    return f'<aside class="related"><h3>{heading}</h3><ul>\n{links}\n</ul></aside>'


COOKIE_BANNER = (
    '<div id="cookie-banner" class="cookie-consent" role="dialog"><p>We use cookies to '
    "improve your experience, personalise advertising and analyse our traffic. By clicking "
    "Accept you agree to our use of cookies.</p><button>Accept all</button>"
    "<button>Manage preferences</button></div>"
)


# ---- Outlet article templates ---------------------------------------------------------


def gazette_article(a: ArticleSpec, related: list[ArticleSpec]) -> str:
    """The Wexmoor Gazette: JSON-LD dates, an inline 'read more', comments."""
    head = _jsonld(a, "Wexmoor Gazette")
    if a.date_form == "jsonld_meta":
        head += f'<meta property="article:published_time" content="{a.published.isoformat()}">\n'
    head += f'<meta property="og:title" content="{e(a.title)}">\n'
    head += '<meta property="og:site_name" content="Wexmoor Gazette">\n'
    inline = ""
    if related:
        inline = (
            f'<div class="read-more"><strong>Read more:</strong> '
            f'<a href="{e(related[0].path)}">{e(related[0].title)}</a></div>'
        )
    byline = f'<span class="byline">By {e(a.author)}</span>' if a.author else ""
    body = f"""{COOKIE_BANNER}
<header class="site-header"><a class="logo" href="/gazette/">Wexmoor Gazette</a>
<nav class="main-nav"><ul><li><a href="/gazette/">News</a></li><li><a href="/gazette/sport/">Sport</a></li>
<li><a href="/gazette/whats-on/">What's On</a></li><li><a href="/gazette/jobs/">Jobs</a></li>
<li><a href="/gazette/announcements/">Announcements</a></li></ul></nav>
<div class="breaking">Sign up to our daily newsletter for the latest Wexmoor news</div></header>
<main>
<ol class="breadcrumbs"><li><a href="/gazette/">Home</a></li><li><a href="/gazette/news/">News</a></li></ol>
<article class="article">
<h1 class="headline">{e(a.title)}</h1>
<div class="article-meta">{byline}
<span class="dateline">{a.published.day} {a.published:%B %Y} &bull; {clock(a.published)}</span>
<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on X</a></div></div>
<div class="article-body">
{_paras(a, 1, inline)}
</div>
<div class="newsletter-signup"><p>Get the Gazette's top stories in your inbox every morning.</p>
<input type="email" placeholder="Your email"><button>Subscribe</button></div>
</article>
{_related(related[1:], "More from the Gazette")}
{_comments(a)}
</main>
<footer class="site-footer"><p>&copy; Wexmoor Gazette Media Ltd. All rights reserved.</p>
<ul><li><a href="/gazette/contact/">Contact us</a></li><li><a href="/gazette/privacy/">Privacy notice</a></li>
<li><a href="/gazette/feed.rss">RSS</a></li></ul></footer>"""
    return _doc(f"{a.title} | Wexmoor Gazette", head, body, body_class="gazette")


def echo_article(a: ArticleSpec, related: list[ArticleSpec]) -> str:
    """The Sedgebury Echo: Open Graph meta or <time> dates, a most-read sidebar."""
    head = f'<meta name="description" content="{e(a.paragraphs[0][:150])}">\n'
    if a.date_form == "meta":
        head += f'<meta property="article:published_time" content="{a.published.isoformat()}">\n'
        dated = (
            f'<p class="published">Published: {ordinal(a.published.day)} '
            f"{a.published:%B %Y}, {clock(a.published)}</p>"
        )
    else:
        dated = (
            f'<time class="published" datetime="{a.published.isoformat()}">'
            f"{a.published.day} {a.published:%b %Y}</time>"
        )
    author = f'<p class="author">{e(a.author)}, Reporter</p>' if a.author else ""
    body = f"""<div class="consent-overlay"><div class="consent-box"><h2>Your privacy</h2>
<p>We and our 143 partners use cookies to store and access information on your device.</p>
<button>I agree</button> <button>Options</button></div></div>
<div class="topbar"><a href="/echo/">Sedgebury Echo</a> | <a href="/echo/subscribe/">Subscribe</a> | <a href="/echo/login/">Log in</a></div>
<nav class="nav"><a href="/echo/">Home</a> <a href="/echo/news/">News</a> <a href="/echo/sport/">Sport</a> <a href="/echo/property/">Property</a></nav>
<main class="layout">
<div class="story">
<h1>{e(a.title)}</h1>
{author}{dated}
<figure class="lead-image"><img src="/echo/static/placeholder.png" alt=""><figcaption>Picture: Echo library</figcaption></figure>
<div class="story-body">
{_paras(a)}
</div>
<p class="tags">Tags: <a href="/echo/tag/police/">Police</a> <a href="/echo/tag/crime/">Crime</a></p>
</div>
<div class="sidebar"><div class="most-read"><h3>Most read</h3><ol>
{"".join(f'<li><a href="{e(r.path)}">{e(r.title)}</a></li>' for r in related)}
</ol></div><div class="advert">Advertisement</div></div>
</main>
<div class="footer">Sedgebury Echo, 14 Market Street, Sedgebury. Registered in England. <a href="/echo/terms/">Terms</a></div>"""
    return _doc(f"{a.title} - Sedgebury Echo", head, body, body_class="echo")


def herald_article(a: ArticleSpec, related: list[ArticleSpec]) -> str:
    """The Ravensey Herald: dates in the URL, in text, in <time>, or nowhere."""
    charset = a.encoding == "utf-8"
    who = f"By {e(a.author)}" if a.author else "By Herald reporter"
    if a.date_form == "text":
        line = f'<div class="postmeta">{who} | {long_date(a.published)}</div>'
    elif a.date_form == "time":
        line = (
            f'<div class="postmeta">{who} | <time datetime="{a.published:%Y-%m-%d}">'
            f"{a.published:%d.%m.%y}</time></div>"
        )
    else:  # url / none: no date on the page at all
        line = f'<div class="postmeta">{who}</div>'
    body = f"""<div id="wrap"><div id="header"><h1 class="sitename"><a href="/herald/">The Ravensey Herald</a></h1>
<p class="tagline">Serving Ravensey and the Wexmoor coast since 1871</p>
<ul id="menu"><li><a href="/herald/news/">News</a></li><li><a href="/herald/about/">About</a></li><li><a href="/herald/tag/police/">Police</a></li></ul></div>
<div class="cookie-notice">This site uses cookies. <a href="/herald/about/">Find out more</a>. <a href="#">OK</a></div>
<div id="content"><div class="post">
<h2 class="title">{e(a.title)}</h2>
{line}
<div class="entry">
{_paras(a)}
</div>
<p class="postfoot">Filed under <a href="/herald/tag/police/">Police</a> | <a href="#respond">Leave a comment</a></p>
</div>
{_related(related, "You might also like")}
{_comments(a, 2)}
</div>
<div id="sidebar"><h3>Archives</h3><ul><li><a href="/herald/news/">Latest news</a></li></ul>
<h3>Advertise with us</h3><p>Call the Herald on 01632 960 412.</p></div>
<div id="footer">Copyright The Ravensey Herald. Powered by PressPage.</div></div>"""
    return _doc(f"{a.title} | The Ravensey Herald", "", body, charset=charset, body_class="herald")


def ledger_article(a: ArticleSpec, related: list[ArticleSpec]) -> str:
    """The National Ledger: JSON-LD in UTC, share buttons, most-viewed panel."""
    head = _jsonld(a, "The National Ledger", utc=True)
    head += f'<link rel="canonical" href="{HOST}{a.path}">\n'
    body = f"""{COOKIE_BANNER}
<header><div class="masthead"><a href="/ledger/">The National Ledger</a></div>
<nav><a href="/ledger/uk-news/">UK news</a> <a href="/ledger/world/">World</a> <a href="/ledger/politics/">Politics</a> <a href="/ledger/opinion/">Opinion</a></nav>
<div class="support">Support independent journalism. <a href="/ledger/support/">Contribute</a></div></header>
<main><article>
<p class="kicker">Policing</p>
<h1>{e(a.title)}</h1>
<address class="byline">{e(a.author or "Ledger staff")}</address>
<div class="content">
{_paras(a)}
</div>
<div class="share-tools"><button>Share</button><button>Save</button></div>
</article>
{_related(related, "Most viewed")}
</main>
<footer><p>&copy; The National Ledger Ltd</p></footer>"""
    return _doc(f"{a.title} | The National Ledger", head, body, body_class="ledger")


def force_article(a: ArticleSpec, related: list[ArticleSpec]) -> str:
    """The force newsroom: <time> with a date and a UK-format visible date."""
    body = f"""<a class="skip-link" href="#main">Skip to main content</a>
<div class="cookie-banner"><p>We'd like to use analytics cookies.</p><button>Accept</button><button>Reject</button></div>
<header class="force-header"><a href="/force/">Wexmoor Constabulary</a>
<nav><a href="/force/report/">Report</a> <a href="/force/news/">News</a> <a href="/force/contact/">Contact us</a> <a href="/force/careers/">Careers</a></nav>
<div class="emergency">In an emergency always call 999</div></header>
<main id="main"><div class="news-item">
<h1>{e(a.title)}</h1>
<p class="news-date">Published <time datetime="{a.published:%Y-%m-%d}">{a.published:%d/%m/%Y}</time></p>
<div class="news-body">
{_paras(a)}
</div>
<div class="share-this"><h2>Share this page</h2><a href="#">Facebook</a> <a href="#">X</a> <a href="#">Email</a></div>
</div>
{_related(related, "Related news")}
</main>
<footer><ul><li><a href="/force/accessibility/">Accessibility</a></li><li><a href="/force/privacy/">Privacy</a></li></ul>
<p>&copy; Wexmoor Constabulary</p></footer>"""
    return _doc(f"{a.title} | Wexmoor Constabulary", "", body, body_class="force")


def pcc_article(a: ArticleSpec, related: list[ArticleSpec]) -> str:
    """The commissioner's office: a 'Posted on' text date only."""
    body = f"""<div class="cookie-bar">This website uses cookies. <a href="#">Accept</a></div>
<header><a href="/pcc/">Office of the Wexmoor Police and Crime Commissioner</a>
<nav><a href="/pcc/">Home</a> <a href="/pcc/news/">News</a> <a href="/pcc/about/">About the Commissioner</a> <a href="/pcc/panel/">Police and Crime Panel</a></nav></header>
<main><div class="entry-header"><h1 class="entry-title">{e(a.title)}</h1>
<p class="meta">Posted on {a.published.day} {a.published:%B %Y} in <a href="/pcc/news/">News</a></p></div>
<div class="entry-content">
{_paras(a)}
</div>
<div class="enquiries">Media enquiries: press office, 01632 960 118</div>
{_related(related, "Latest news")}
</main>
<footer>Office of the Wexmoor Police and Crime Commissioner, County Hall, Castleford Wick</footer>"""
    return _doc(f"{a.title} – Wexmoor PCC", "", body, body_class="pcc")


def hmic_page(a: ArticleSpec, pdf_path: str | None, grades: tuple = ()) -> str:
    """An inspectorate publication page: Dublin Core dates, a grades table, a PDF link."""
    head = (
        f'<meta name="DC.date.issued" content="{a.published:%Y-%m-%d}">\n'
        f'<meta name="DC.title" content="{e(a.title)}">\n'
    )
    rows = "\n".join(f"<tr><td>{e(area)}</td><td>{e(grade)}</td></tr>" for area, grade in grades)
    table = (
        f'<table class="grades"><caption>Graded judgments</caption>\n{rows}\n</table>'
        if rows
        else ""
    )
    pdf = (
        f'<p class="download"><a href="{e(pdf_path)}">Download the full report (PDF)</a></p>'
        if pdf_path
        else ""
    )
    body = f"""<div class="gov-cookie-banner"><p>We use some essential cookies to make this website work.</p><button>Accept additional cookies</button><button>Reject additional cookies</button></div>
<header><a href="/hmic/">HM Inspectorate of Constabulary</a>
<nav><a href="/hmic/publications/">Publications</a> <a href="/hmic/about/">About us</a></nav></header>
<main><h1>{e(a.title)}</h1>
<p class="pub-date">Publication date: {a.published.day} {a.published:%B %Y}</p>
<div class="summary">
{_paras(a)}
</div>
{table}
{pdf}
</main><footer>HM Inspectorate of Constabulary. Crown copyright.</footer>"""
    return _doc(a.title, head, body, body_class="hmic")


RENDERERS = {
    "gazette": gazette_article,
    "echo": echo_article,
    "herald": herald_article,
    "ledger": ledger_article,
    "force": force_article,
    "pcc": pcc_article,
}


# ---- Listings, feeds and sitemaps -------------------------------------------------------


def listing_page(
    title: str, items: list[ArticleSpec], page: int, pages: int, base: str, chrome: str
) -> str:
    """A paginated list of article links with 'Newer'/'Older' links.

    Args:
        title: the page heading.
        items: the articles on this page.
        page: this page's number (1-based).
        pages: how many pages there are.
        base: the listing's path; page n > 1 lives at f"{base}page/{n}/".
        chrome: extra navigation HTML (links that are not articles).

    Returns:
        The HTML page.
    """

    def url(n: int) -> str:
        return base if n == 1 else f"{base}page/{n}/"

    rows = "\n".join(
        f'<li class="teaser"><a class="teaser-link" href="{e(a.path)}">{e(a.title)}</a>'
        f'<p class="teaser-text">{e(a.paragraphs[0][:140])}…</p></li>'
        for a in items
    )
    nav = []
    if page > 1:
        nav.append(f'<a rel="prev" href="{url(page - 1)}">Newer stories</a>')
    nav.append(f"<span>Page {page} of {pages}</span>")
    if page < pages:
        nav.append(f'<a rel="next" class="next" href="{url(page + 1)}">Older stories</a>')
    body = (
        f'{chrome}\n<main><h1>{e(title)}</h1>\n<ul class="teasers">\n{rows}\n</ul>\n'
        f'<div class="pagination">{" ".join(nav)}</div></main>'
    )
    return _doc(title if page == 1 else f"{title} - page {page}", "", body)


def rss_feed(title: str, link: str, items: list[ArticleSpec]) -> str:
    """RSS 2.0 with RFC 822 dates; some links carry tracking parameters."""
    entries = []
    for a in items:
        author = f"<dc:creator>{e(a.author)}</dc:creator>" if a.author else ""
        entries.append(
            f"<item><title>{e(a.title)}</title><link>{HOST}{e(a.path + a.feed_query)}</link>"
            f'<guid isPermaLink="false">{e(a.path)}</guid>'
            f"<pubDate>{format_datetime(a.published)}</pubDate>{author}"
            f"<description>{e(a.paragraphs[0])}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>{e(title)}</title><link>{HOST}{link}</link>"
        f"<description>{e(title)}</description><language>en-gb</language>\n"
        + "\n".join(entries)
        + "\n</channel></rss>\n"
    )


def atom_feed(title: str, link: str, feed_path: str, items: list[ArticleSpec]) -> str:
    """Atom 1.0 with RFC 3339 dates in UTC."""
    updated = utc_z(items[0].published) if items else "2000-01-01T00:00:00Z"
    entries = []
    for a in items:
        author = f"<author><name>{e(a.author)}</name></author>" if a.author else ""
        entries.append(
            f"<entry><title>{e(a.title)}</title>"
            f'<link rel="alternate" href="{HOST}{e(a.path + a.feed_query)}"/>'
            f"<id>{HOST}{e(a.path)}</id><published>{utc_z(a.published)}</published>"
            f"<updated>{utc_z(a.published)}</updated>{author}"
            f"<summary>{e(a.paragraphs[0])}</summary></entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{e(title)}</title><id>{HOST}{feed_path}</id>"
        f'<link rel="self" href="{HOST}{feed_path}"/><link href="{HOST}{link}"/>'
        f"<updated>{updated}</updated>\n" + "\n".join(entries) + "\n</feed>\n"
    )


def news_sitemap(publication: str, items: list[ArticleSpec]) -> str:
    """A Google News sitemap with news:publication_date in W3C format."""
    entries = "\n".join(
        f"<url><loc>{HOST}{e(a.path)}</loc><news:news><news:publication>"
        f"<news:name>{e(publication)}</news:name><news:language>en</news:language>"
        f"</news:publication><news:publication_date>{a.published.isoformat()}"
        f"</news:publication_date><news:title>{e(a.title)}</news:title></news:news>"
        f"<lastmod>{a.published:%Y-%m-%d}</lastmod></url>"
        for a in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n' + entries + "\n</urlset>\n"
    )


def simple_page(title: str, text: str) -> str:
    """A plain non-article page (about, contact ...)."""
    return _doc(title, "", f"<main><h1>{e(title)}</h1><p>{e(text)}</p></main>")
