"""Canonical URLs: one spelling per article, so that seen-URL checks and upserts agree."""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

logger = logging.getLogger(__name__)

# Query parameters that only track the visitor and never select content.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "ref_src",
        "ocid",
        "cmpid",
        "cmp",
        "ito",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "guccounter",
        "spm",
        "share",
        "s_cid",
        "rss",
        "feed",
        "via",
    }
)
_TRACKING_PREFIXES = ("utm_", "at_", "hsa_", "pk_", "mtm_")
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
_MULTI_SLASH = re.compile(r"/{2,}")


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str, base: str | None = None) -> str:
    """Normalise a URL for identity: https, lowercase host, no default port, no fragment,
    no tracking parameters, sorted query, no trailing slash (except the root).

    Args:
        url: absolute, or relative to `base`.
        base: the page the URL was found on.

    Returns:
        The normalised URL; the input unchanged (stripped) when it is not http(s).
    """
    url = url.strip()
    if base:
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return url
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is not None and _DEFAULT_PORTS.get(scheme) == str(port):
        port = None
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc = f"{netloc}:{port}"
    # One scheme for identity: http and https copies of a page are the same article. Loopback
    # test servers and explicit ports keep their scheme so the URL still points at a live page.
    if port is None and host not in _LOOPBACK:
        scheme = "https"
    path = _MULTI_SLASH.sub("/", parts.path or "/")
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    ]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query)), ""))


def same_site(url: str, other: str) -> bool:
    """True when both URLs have the same host (ignoring a leading `www.`)."""

    def host(u: str) -> str:
        h = (urlsplit(u).hostname or "").lower()
        return h[4:] if h.startswith("www.") else h

    return host(url) == host(other)
