"""A hostile web server on loopback for the security tests: canned routes, requests logged."""

from __future__ import annotations

import contextlib
import html
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from crawler.sample_site.server import TEST_PARAGRAPHS, RequestLog, RequestRecord

HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Route:
    """One canned answer."""

    status: int = 200
    body: bytes = b""
    content_type: str | None = HTML
    location: str | None = None  # sent as Location (a redirect)


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


def article_page(title: str, canonical: str | None = None) -> bytes:
    """A relevant news article (it names the sample force), with an optional rel=canonical."""
    link = f'<link rel="canonical" href="{html.escape(canonical)}">' if canonical else ""
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in (title + ".", *TEST_PARAGRAPHS))
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>{link}"
        '<meta property="article:published_time" content="2025-06-03T09:30:00+01:00"></head>'
        f"<body><article><h1>{html.escape(title)}</h1>{paragraphs}</article></body></html>"
    ).encode()
