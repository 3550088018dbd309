"""A hostile web server on loopback for the security tests: canned routes, requests logged."""

from __future__ import annotations

import contextlib
import html
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from demo.site.server import TEST_PARAGRAPHS, RequestLog, RequestRecord

HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Route:
    """One canned answer."""

    status: int = 200
    body: bytes = b""
    content_type: str | None = HTML
    location: str | None = None  # sent as Location (a redirect)
    delay_s: float = 0.0  # wait this long before answering (a slow page)


class HostileServer(ThreadingHTTPServer):
    """Answers each path from `routes` (404 otherwise) and logs every request."""

    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, Route] = {}
        self.log = RequestLog()
        self.port = self.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"


class _Handler(BaseHTTPRequestHandler):
    server: HostileServer
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args) -> None:
        pass

    def do_GET(self) -> None:
        route = self.server.routes.get(self.path.split("?", 1)[0], Route(404, b"not found"))
        self.server.log.add(
            RequestRecord("GET", self.path, self.headers.get("User-Agent", ""), route.status)
        )
        if route.delay_s:
            time.sleep(route.delay_s)
        self.send_response(route.status)
        if route.content_type:
            self.send_header("Content-Type", route.content_type)
        if route.location:
            self.send_header("Location", route.location)
        self.send_header("Content-Length", str(len(route.body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(route.body)


@contextlib.contextmanager
def serve() -> Iterator[HostileServer]:
    """A `HostileServer` running in a background thread."""
    server = HostileServer()
    thread = threading.Thread(target=server.serve_forever, name="hostile", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def article_page(
    title: str,
    canonical: str | None = None,
    published: str = "2025-06-03T09:30:00+01:00",
    paragraphs: tuple[str, ...] = TEST_PARAGRAPHS,
) -> bytes:
    """A relevant news article (it names the sample force), with an optional rel=canonical,
    its publication time (ISO 8601) and its paragraphs after the title's."""
    link = f'<link rel="canonical" href="{html.escape(canonical)}">' if canonical else ""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in (title + ".", *paragraphs))
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>{link}"
        f'<meta property="article:published_time" content="{html.escape(published)}"></head>'
        f"<body><article><h1>{html.escape(title)}</h1>{body}</article></body></html>"
    ).encode()


def rss(links: list[str], published: str = "Tue, 03 Jun 2025 09:30:00 +0100") -> bytes:
    """An RSS 2.0 feed listing `links`, each item dated `published` (RFC 822)."""
    items = "".join(
        f"<item><title>Story {i}</title><link>{html.escape(link)}</link>"
        f"<pubDate>{published}</pubDate></item>"
        for i, link in enumerate(links)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Hostile'
        f"</title><link>http://x/</link><description>d</description>{items}</channel></rss>"
    ).encode()
