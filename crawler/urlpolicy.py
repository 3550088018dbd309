"""URL policy: which URLs the crawler may fetch or store (schemes, private addresses, sites)."""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

logger = logging.getLogger(__name__)

ALLOWED_SCHEMES = frozenset({"http", "https"})
# Registrable domains are approximated without the public suffix list (which needs a network
# download): the last two labels of a host name, or the last three under one of these
# second-level suffixes ("norfolk.police.uk", "edp24.co.uk"). Hosting platforms that hand out
# sub-domains to strangers (github.io and the like) are not told apart.
SECOND_LEVEL_SUFFIXES = frozenset(
    {
        "ac.uk",
        "co.uk",
        "gov.uk",
        "ltd.uk",
        "me.uk",
        "mod.uk",
        "net.uk",
        "nhs.uk",
        "org.uk",
        "plc.uk",
        "police.uk",
        "sch.uk",
        "com.au",
        "net.au",
        "org.au",
        "gov.au",
        "co.nz",
        "org.nz",
        "govt.nz",
        "co.za",
        "co.jp",
        "co.in",
        "com.br",
    }
)
# NAT64's well-known prefix: the last 32 bits are the IPv4 address reached.
NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")

# Reason codes written to crawl_errors (docs/crawling.md documents each one). A host
# name that does not resolve is recorded as `dns`, like any failed lookup (crawler.guard).
REFUSED_SCHEME = "refused_scheme"  # not http(s): file:, data:, ftp:, javascript: ...
PRIVATE_ADDRESS = "private_address"  # loopback, private, link-local, multicast, reserved ...
BAD_URL = "bad_url"  # no host, or a URL that cannot be parsed
OFFSITE_LINK = "offsite_link"  # a listing's article or next-page link off the source's sites
OFFSITE_CANONICAL = "offsite_canonical"  # rel=canonical on another domain: page URL kept
REFUSAL_REASONS = frozenset(
    {REFUSED_SCHEME, PRIVATE_ADDRESS, BAD_URL, OFFSITE_LINK, OFFSITE_CANONICAL}
)

Resolver = Callable[[str], list[str]]


class UnresolvedHostError(OSError):
    """A host name that does not resolve to any address."""


@dataclass(frozen=True)
class Refusal:
    """Why a URL is refused: a reason code (the `crawl_errors.reason`) and a detail line."""

    reason: str
    detail: str


@dataclass(frozen=True)
class AddressPolicy:
    """Which hosts may be fetched by address.

    Attributes:
        allow_private_networks: true to fetch hosts on loopback, private, link-local or
            reserved addresses (the offline sample site and the tests); false in production.
        allowed_private_hosts: host names (lower case, no port) fetched even though they
            resolve to such addresses, e.g. one intranet source.
    """

    allow_private_networks: bool = False
    allowed_private_hosts: frozenset[str] = frozenset()

    @classmethod
    def from_crawl(cls, crawl) -> AddressPolicy:
        """The policy of a config's `crawl` section.

        Args:
            crawl: a `core.config.Crawl` (or anything with the same two attributes).

        Returns:
            The policy.
        """
        return cls(
            bool(getattr(crawl, "allow_private_networks", False)),
            frozenset(normal_host(h) for h in getattr(crawl, "allowed_private_hosts", ())),
        )

    def exempt(self, host: str) -> bool:
        """True when `host` may be fetched whatever it resolves to."""
        return self.allow_private_networks or normal_host(host) in self.allowed_private_hosts


def normal_host(host: str) -> str:
    """A host name as compared here: lower case, no trailing dot, no IPv6 brackets."""
    return host.strip().lower().rstrip(".").strip("[]")


def url_host(url: str) -> str:
    """The normalised host of a URL ("" when it has none or cannot be parsed)."""
    try:
        return normal_host(urlsplit(url).hostname or "")
    except ValueError:
        return ""


def check_scheme(url: str) -> Refusal | None:
    """Refuse anything but an absolute http(s) URL with a host.

    Args:
        url: an absolute URL.

    Returns:
        None when the scheme is http or https and there is a host; else the `Refusal`
        (`refused_scheme` or `bad_url`).
    """
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError as exc:
        return Refusal(BAD_URL, f"unparseable URL: {exc}")
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        return Refusal(REFUSED_SCHEME, f"scheme {scheme or '(none)'!r} is not http or https")
    if not parts.hostname:
        return Refusal(BAD_URL, "no host in the URL")
    return None


def address_kind(address: str) -> str | None:
    """What makes an IP address unfit to fetch from the public web, or None if it is public.

    IPv4-mapped (::ffff:a.b.c.d), 6to4, Teredo and NAT64 IPv6 addresses are judged by the
    IPv4 address they carry.

    Args:
        address: an IPv4 or IPv6 address (an IPv6 zone "%eth0" is ignored).

    Returns:
        "loopback", "private", "link-local", "multicast", "reserved", "unspecified" or
        "not global"; None for a public address.

    Raises:
        ValueError: not an IP address.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        carried = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if carried is None and ip in NAT64_PREFIX:
            carried = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if carried is not None:
            return address_kind(str(carried))
    for kind, flag in (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
    ):
        if flag:
            return kind
    return None if ip.is_global else "not global"


def resolve(host: str) -> list[str]:
    """Every address a host name resolves to, with `socket.getaddrinfo`.

    Args:
        host: a host name or an IP literal.

    Returns:
        The distinct addresses, in resolver order.

    Raises:
        UnresolvedHostError: the name does not resolve.
    """
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise UnresolvedHostError(f"{host} does not resolve: {exc}") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise UnresolvedHostError(f"{host} does not resolve to any address")
    return addresses


def _literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.split("%", 1)[0]))
    except ValueError:
        return None


def check_address(host: str, policy: AddressPolicy, resolver: Resolver = resolve) -> Refusal | None:
    """Refuse a host that is, or resolves to, a non-public address (unless the policy allows it).

    Args:
        host: a host name or an IP literal (IPv6 with or without brackets).
        policy: the config's address policy.
        resolver: host name -> addresses (tests pass a fake one).

    Returns:
        None when the host may be fetched; else a `Refusal` with reason `private_address`.

    Raises:
        UnresolvedHostError: a host name that does not resolve (the caller records `dns`).
    """
    host = normal_host(host)
    if policy.exempt(host):
        return None
    literal = _literal(host)
    addresses = [literal] if literal else resolver(host)
    for address in addresses:
        kind = address_kind(address)
        if kind:
            shown = host if literal else f"{host} resolves to {address}"
            return Refusal(PRIVATE_ADDRESS, f"{shown}: {kind} address")
    return None


def check_fetch(url: str, policy: AddressPolicy, resolver: Resolver = resolve) -> Refusal | None:
    """The whole policy for one request: http(s) with a host on a public address.

    Args:
        url: the URL about to be fetched.
        policy: the config's address policy.
        resolver: host name -> addresses.

    Returns:
        None when it may be fetched, else the `Refusal`.

    Raises:
        UnresolvedHostError: the host name does not resolve.
    """
    return check_scheme(url) or check_address(url_host(url), policy, resolver)


def registrable_domain(host: str) -> str:
    """The registrable domain of a host (approximated, see `SECOND_LEVEL_SUFFIXES`).

    Args:
        host: a host name or an IP literal.

    Returns:
        e.g. "edp24.co.uk" for "www.edp24.co.uk", "bbc.com" for "feeds.bbc.com"; an IP literal
        or a single-label name ("localhost") unchanged.
    """
    host = normal_host(host)
    if _literal(host) or "." not in host:
        return host
    labels = host.split(".")
    keep = 3 if ".".join(labels[-2:]) in SECOND_LEVEL_SUFFIXES else 2
    return ".".join(labels[-keep:])


def source_sites(urls: Iterable[str]) -> frozenset[str]:
    """The registrable domains of a source's configured URLs (its feeds, sitemaps, listings).

    Args:
        urls: the configured URLs.

    Returns:
        The set of domains; links on listing pages must stay inside it.
    """
    return frozenset(registrable_domain(h) for h in map(url_host, urls) if h)


def check_on_sites(url: str, sites: frozenset[str]) -> Refusal | None:
    """Refuse a link (article or next page) that leaves the source's own sites.

    Args:
        url: an absolute URL found on a listing page.
        sites: `source_sites` of the source.

    Returns:
        None when the URL is http(s) on one of `sites`; else the `Refusal`
        (`refused_scheme`, `bad_url` or `offsite_link`).
    """
    refusal = check_scheme(url)
    if refusal:
        return refusal
    domain = registrable_domain(url_host(url))
    if domain not in sites:
        return Refusal(OFFSITE_LINK, f"{domain} is not one of the source's sites")
    return None


def accept_canonical(declared: str | None, page_url: str) -> tuple[str | None, Refusal | None]:
    """A page's rel=canonical, if it may name the page: http(s) on the page's own domain.

    A page cannot claim another outlet's URL (that would make the real article its duplicate)
    nor a `javascript:` URL.

    Args:
        declared: the canonical URL the page declares (absolute or relative), or None.
        page_url: the URL the page was fetched from (after redirects).

    Returns:
        (the absolute canonical URL or None, None) when accepted or absent;
        (None, the `Refusal`) when refused, and the page's own URL stands.
    """
    if not declared or not declared.strip():
        return None, None
    absolute = urljoin(page_url, declared.strip())
    refusal = check_scheme(absolute)
    if refusal:
        return None, refusal
    page_domain = registrable_domain(url_host(page_url))
    domain = registrable_domain(url_host(absolute))
    if domain != page_domain:
        return None, Refusal(OFFSITE_CANONICAL, f"on {domain}, not on the page's {page_domain}")
    return absolute, None
