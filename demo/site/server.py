"""A loopback HTTP server for the sample site, with test-only failure routes under /_test/."""

from __future__ import annotations

import argparse
import contextlib
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from demo.site import pages
from demo.site.build import HTML, RSS, Resource, Site, build_site, read_site
from demo.site.content import LONDON, ArticleSpec

logger = logging.getLogger(__name__)

ROBOTS_MODES = ("normal", "disallow_all", "503")
HUGE_BYTES = 12 * 1024 * 1024  # larger than the crawler's 10 MB cap
RETRY_AFTER_S = 2
DEFAULT_DELAY_S = 5.0
MAX_DELAY_S = 60.0

# A 1x1 transparent PNG.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)

TEST_ROUTES = {
    "/_test/ok/": "a normal article page",
    "/_test/retry-after/": "429 with Retry-After: 2 the first time (per path+query), then 200",
    "/_test/not-found/": "404",
    "/_test/server-error/": "500",
    "/_test/slow/": "sleeps ?delay=SECONDS (default 5, at most 60) then 200",
    "/_test/redirect-loop/": "302 to /_test/redirect-loop/next/, which 302s back",
    "/_test/huge/": "a 12 MB HTML page",
    "/_test/image/": "an image/png body",
    "/_test/empty/": "200 text/html with an empty body",
    "/_test/empty-article/": "an article page whose body holds no text",
    "/_test/paywall/": "a paywall / cookie-wall stub with one teaser paragraph",
    "/_test/malformed/": "an article in malformed HTML (unclosed tags, broken nesting)",
    "/_test/cp1252/": "cp1252 bytes, no charset in the header or the page",
    "/_test/private/": "an article page that robots.txt disallows",
}

TEST_PARAGRAPHS = (
    "Wexmoor Constabulary has opened a new police station in Castleford Wick, the force said.",
    "Chief Constable Miriam Halloway said: “The station will make it easier for residents to "
    "report crime and to meet their neighbourhood officers.”",
    "The building cost £1.2m and replaces a 1960s station that had been closed since last year.",
    "Residents welcomed the move. Margaret Foyle said it was good to see the police back in "
    "the town centre.",
)


@dataclass(frozen=True)
class RequestRecord:
    """One request the server answered."""

    method: str
    path: str  # path and query string, as requested
    user_agent: str
    status: int


class RequestLog:
    """A thread-safe list of the requests a server answered."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []

    def add(self, record: RequestRecord) -> None:
        """Append one record."""
        with self._lock:
            self._records.append(record)

    def records(self) -> list[RequestRecord]:
        """A snapshot of every record so far."""
        with self._lock:
            return list(self._records)

    def paths(self) -> list[str]:
        """A snapshot of the requested paths (with query strings), in order."""
        return [r.path for r in self.records()]

    def count(self, path: str) -> int:
        """How many requests had exactly this path (query string ignored)."""
        return sum(1 for p in self.paths() if p.split("?", 1)[0] == path)

    def clear(self) -> None:
        """Forget every record."""
        with self._lock:
            self._records.clear()


class SampleSiteServer(ThreadingHTTPServer):
    """The HTTP server; `site` maps paths to bodies with the placeholder host rewritten."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, site: Site, host: str, port: int, robots: str) -> None:
        if robots not in ROBOTS_MODES:
            raise ValueError(f"robots must be one of {', '.join(ROBOTS_MODES)}, not {robots!r}")
        super().__init__((host, port), _Handler)
        self.robots = robots
        self.log = RequestLog()
        self.base_url = f"http://{host}:{self.server_address[1]}"
        placeholder, base = pages.HOST.encode(), self.base_url.encode()
        self.site = {
            path: Resource(res.body.replace(placeholder, base), res.content_type)
            if res.content_type != "application/pdf"
            else res
            for path, res in site.items()
        }
        self._seen_lock = threading.Lock()
        self._seen: set[str] = set()

    def first_time(self, key: str) -> bool:
        """True the first time `key` is passed, False afterwards (thread-safe)."""
        with self._seen_lock:
            if key in self._seen:
                return False
            self._seen.add(key)
            return True


def _test_article(title: str, paragraphs: tuple[str, ...] = TEST_PARAGRAPHS) -> bytes:
    from datetime import datetime

    spec = ArticleSpec(
        path="/_test/ok/",
        outlet="Wexmoor Gazette",
        outlet_key="gazette",
        source_kind="local_news",
        title=title,
        published=datetime(2024, 6, 3, 9, 30, tzinfo=LONDON),
        author="Jess Tolland",
        paragraphs=paragraphs,
        is_relevant=True,
        duplicate_of=None,
    )
    return pages.gazette_article(spec, []).encode("utf-8")


MALFORMED = (
    "<html><head><title>Police station opens in Castleford Wick<body>\n"
    "<div class=nav><a href=/gazette/>Home<a href=/gazette/news/>News</div></div>\n"
    "<article><h1>Police station opens in Castleford Wick</h2>\n"
    "<p>Wexmoor Constabulary has opened a new police station in Castleford Wick.\n"
    "<p>Chief Constable Miriam Halloway said the station <b>would make it <i>easier</b> for "
    "residents</i> to report crime.\n"
    "<div><p>The building cost &pound;1.2m and replaces a 1960s station.</span>\n"
    "<p>Residents welcomed the move.<table><tr><td>Advert</table>\n"
    "</article></div></div><footer>&copy; Wexmoor Gazette\n"
)

PAYWALL = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Subscribe to continue reading'
    '</title></head><body><div class="paywall"><h1>Police chief’s pay rise revealed</h1>'
    '<p class="teaser">Wexmoor Constabulary’s Chief Constable received a pay rise of…</p>'
    '<div class="wall"><h2>This story is for subscribers</h2><p>Subscribe for £1 a week to '
    "keep reading, or accept cookies and personalised advertising to read for free.</p>"
    "<button>Subscribe</button><button>Accept cookies and continue</button></div></div>"
    "</body></html>"
)


class _Handler(BaseHTTPRequestHandler):
    server: SampleSiteServer
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args) -> None:
        logger.debug("sample site: " + format, *args)

    def _send(
        self,
        status: int,
        body: bytes = b"",
        content_type: str | None = HTML,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self._record(status)  # before the body, so a client that has the body sees the record
        if self.command != "HEAD":
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

    def _record(self, status: int) -> None:
        self.server.log.add(
            RequestRecord(self.command, self.path, self.headers.get("User-Agent", ""), status)
        )

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        path = url.path
        if path == "/robots.txt" and self.server.robots != "normal":
            if self.server.robots == "503":
                self._send(503, b"Service unavailable", "text/plain", {"Retry-After": "3600"})
            else:
                self._send(200, b"User-agent: *\nDisallow: /\n", "text/plain; charset=utf-8")
            return
        if path.startswith("/_test/"):
            self._test_route(path, parse_qs(url.query), url.query)
            return
        res = self.server.site.get(path)
        if res is None:
            # Like most CMSs: the other trailing-slash spelling of a page redirects to it.
            other = path[:-1] if path.endswith("/") else path + "/"
            if len(path) > 1 and other in self.server.site:
                self._send(301, b"", None, {"Location": other})
            else:
                self._send(404, b"<html><body><h1>Page not found</h1></body></html>")
            return
        self._send(200, res.body, res.content_type)

    def _test_route(self, path: str, query: dict[str, list[str]], raw_query: str) -> None:
        if path == "/_test/":
            rows = "".join(
                f'<li><a href="{p}">{p}</a> {pages.e(d)}</li>' for p, d in TEST_ROUTES.items()
            )
            self._send(
                200, f"<html><body><h1>Test routes</h1><ul>{rows}</ul></body></html>".encode()
            )
        elif path == "/_test/feed.rss":
            self._send(200, self._test_feed(), RSS)
        elif path in ("/_test/ok/", "/_test/private/"):
            self._send(200, _test_article("Police station opens in Castleford Wick"))
        elif path == "/_test/retry-after/":
            if self.server.first_time(f"retry:{path}?{raw_query}"):
                self._send(
                    429, b"Too many requests", "text/plain", {"Retry-After": str(RETRY_AFTER_S)}
                )
            else:
                self._send(200, _test_article("Police station opens after retry"))
        elif path == "/_test/not-found/":
            self._send(404, b"<html><body>Not found</body></html>")
        elif path == "/_test/server-error/":
            self._send(500, b"<html><body>Internal server error</body></html>")
        elif path == "/_test/slow/":
            try:
                delay = float(query.get("delay", [DEFAULT_DELAY_S])[0])
            except ValueError:
                delay = DEFAULT_DELAY_S
            time.sleep(min(max(delay, 0.0), MAX_DELAY_S))
            self._send(200, _test_article("Police station opens slowly"))
        elif path == "/_test/redirect-loop/":
            self._send(302, b"", None, {"Location": "/_test/redirect-loop/next/"})
        elif path == "/_test/redirect-loop/next/":
            self._send(302, b"", None, {"Location": "/_test/redirect-loop/"})
        elif path == "/_test/huge/":
            self._send_huge()
        elif path == "/_test/image/":
            self._send(200, PNG, "image/png")
        elif path == "/_test/empty/":
            self._send(200, b"", HTML)
        elif path == "/_test/empty-article/":
            self._send(200, _test_article("Police station opens", ()))
        elif path == "/_test/paywall/":
            self._send(200, PAYWALL.encode("utf-8"))
        elif path == "/_test/malformed/":
            self._send(200, MALFORMED.encode("utf-8"))
        elif path == "/_test/cp1252/":
            res = next(
                (r for r in self.server.site.values() if r.content_type == "text/html"), None
            )
            body = res.body if res else "Police “cost” £5".encode("cp1252")
            self._send(200, body, "text/html")
        else:
            self._send(404, b"<html><body>No such test route</body></html>")

    def _test_feed(self) -> bytes:
        base = self.server.base_url
        items = "".join(
            f"<item><title>{pages.e(d)}</title><link>{base}{p}</link>"
            f"<guid>{base}{p}</guid><pubDate>Mon, 03 Jun 2024 09:30:00 +0100</pubDate></item>"
            for p, d in TEST_ROUTES.items()
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>Test routes</title><link>{base}/_test/</link>"
            f"<description>Failure routes</description>{items}</channel></rss>"
        ).encode()

    def _send_huge(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", HTML)
        self.send_header("Content-Length", str(HUGE_BYTES))
        self.end_headers()
        self._record(200)  # logged before the body: the client may hang up part way
        head = b"<html><head><title>Huge page</title></head><body><article>"
        chunk = b"<p>" + b"Wexmoor Police huge page filler text. " * 25 + b"</p>\n"
        sent = 0
        try:
            self.wfile.write(head)
            sent = len(head)
            while sent < HUGE_BYTES:
                piece = chunk[: HUGE_BYTES - sent]
                self.wfile.write(piece)
                sent += len(piece)
        except (BrokenPipeError, ConnectionResetError):
            logger.debug("sample site: client closed the huge page after %d bytes", sent)


class RunningSite(str):
    """The base URL of a running sample site (a str), with the server's request log attached.

    `str(site)` is e.g. "http://127.0.0.1:41234"; `site.requests` lists the paths requested.
    """

    server: SampleSiteServer
    today: date

    def __new__(cls, server: SampleSiteServer, today: date) -> RunningSite:
        obj = super().__new__(cls, server.base_url)
        obj.server = server
        obj.today = today
        return obj

    @property
    def log(self) -> RequestLog:
        """The server's thread-safe request log."""
        return self.server.log

    @property
    def requests(self) -> list[str]:
        """Paths (with query strings) requested so far, in order."""
        return self.server.log.paths()


@contextlib.contextmanager
def serve_sample_site(
    root: str | Path | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    today: date | None = None,
    robots: str = "normal",
) -> Iterator[RunningSite]:
    """Serve the sample site on loopback in a background thread.

    Args:
        root: a folder written by `build.write_site`; default: build the site in memory.
        host: the address to bind.
        port: the port (0 = any free port).
        today: the build day for an in-memory build (default: today in London).
        robots: "normal", "disallow_all" (robots.txt disallows everything) or "503"
            (robots.txt answers 503).

    Yields:
        The base URL, e.g. "http://127.0.0.1:41234", as a `RunningSite` (a str with `.log`,
        `.requests`, `.server` and `.today`).
    """
    if today is None:
        from datetime import datetime

        today = datetime.now(LONDON).date()
    site = read_site(root) if root is not None else build_site(today)
    server = SampleSiteServer(site, host, port, robots)
    thread = threading.Thread(target=server.serve_forever, name="sample-site", daemon=True)
    thread.start()
    logger.info("sample site serving on %s (robots: %s)", server.base_url, robots)
    try:
        yield RunningSite(server, today)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def main(argv: list[str] | None = None) -> int:
    """`python -m demo.site.server --port 8600`: serve the sample site by hand."""
    parser = argparse.ArgumentParser(description="Serve the offline sample site.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8600)
    parser.add_argument("--today", type=date.fromisoformat, help="build day (YYYY-MM-DD)")
    parser.add_argument("--root", help="serve a folder written by demo.site.build")
    parser.add_argument("--robots", choices=ROBOTS_MODES, default="normal")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    with serve_sample_site(args.root, args.host, args.port, args.today, args.robots) as base:
        print(f"sample site on {base}/ (Ctrl-C to stop)")
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
