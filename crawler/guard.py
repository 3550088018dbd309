"""The URL policy inside Scrapy: a downloader middleware that vets every request (redirects
included) and a DNS resolver that refuses private addresses at connect time."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urljoin

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.resolver import CachingThreadedResolver
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.error import DNSLookupError
from twisted.internet.threads import deferToThread

from crawler.urlpolicy import (
    AddressPolicy,
    Refusal,
    UnresolvedHostError,
    address_kind,
    check_address,
    check_scheme,
    normal_host,
    url_host,
)

logger = logging.getLogger(__name__)

# Settings that carry the config's address policy into Scrapy (set by crawler.settings).
ALLOW_PRIVATE_SETTING = "PCM_ALLOW_PRIVATE_NETWORKS"
ALLOWED_HOSTS_SETTING = "PCM_ALLOWED_PRIVATE_HOSTS"


class UrlRefusedError(IgnoreRequest):
    """A request refused by the URL policy; `refusal` holds the reason code and detail."""

    def __init__(self, refusal: Refusal, url: str):
        super().__init__(f"URL refused ({refusal.reason}): {url}: {refusal.detail}")
        self.refusal = refusal


def policy_from_settings(settings: Any) -> AddressPolicy:
    """The address policy carried in Scrapy settings.

    Args:
        settings: Scrapy `Settings`.

    Returns:
        The `AddressPolicy` (private networks refused when the settings say nothing).
    """
    return AddressPolicy(
        settings.getbool(ALLOW_PRIVATE_SETTING, False),
        frozenset(normal_host(h) for h in settings.getlist(ALLOWED_HOSTS_SETTING, [])),
    )


class UrlPolicyMiddleware:
    """Refuses, before robots.txt or any byte is fetched, a request that is not http(s) or
    whose host is on a non-public address (the config's `crawl.allow_private_networks` and
    `crawl.allowed_private_hosts` aside). Redirects come back through here as new requests,
    so a redirect from an allowed site to a refused host is refused too. A host name that does
    not resolve raises DNSLookupError, retried and recorded as `dns` like any failed lookup.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.policy = policy_from_settings(crawler.settings)
        self._verdicts: dict[str, Refusal | None] = {}  # host -> its verdict, for this crawl

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def _verdict(self, host: str) -> Refusal | None:
        if host not in self._verdicts:
            # getaddrinfo blocks: it runs in the reactor's thread pool, not in the reactor.
            self._verdicts[host] = await maybe_deferred_to_future(
                deferToThread(check_address, host, self.policy)
            )
        return self._verdicts[host]

    async def process_request(self, request: Request) -> None:
        refusal = check_scheme(request.url)
        if refusal is None:
            try:
                refusal = await self._verdict(url_host(request.url))
            except UnresolvedHostError as exc:
                raise DNSLookupError(str(exc)) from None
        if refusal is None:
            return
        redirects = request.meta.get("redirect_urls") or []
        via = f" (redirected from {redirects[0]})" if redirects else ""
        logger.warning("refused %s%s: %s, %s", request.url, via, refusal.reason, refusal.detail)
        self.crawler.stats.inc_value(f"pcm/refused/{refusal.reason}")
        raise UrlRefusedError(refusal, request.url)

    def process_response(self, request: Request, response: Response) -> Response:
        # Scrapy's RedirectMiddleware passes a redirect to a non-http(s) Location (file:,
        # javascript: ...) through as a plain 3xx response: refuse it here with its reason.
        location = response.headers.get(b"Location")
        if not (300 <= response.status < 400 and location):
            return response
        target = urljoin(request.url, location.decode("latin-1").strip())
        refusal = check_scheme(target)
        if refusal is None:
            return response
        logger.warning(
            "refused redirect from %s to %s: %s", request.url, target[:200], refusal.detail
        )
        self.crawler.stats.inc_value(f"pcm/refused/{refusal.reason}")
        raise UrlRefusedError(refusal, target)


class PolicyResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, except that a name resolving to a non-public address fails
    the lookup (recorded as `dns`). The middleware has already checked each host; this closes
    the gap where a name answers differently when the connection is made (DNS rebinding)."""

    def __init__(
        self, reactor, cache_size: int, timeout: float, policy: AddressPolicy | None = None
    ):
        super().__init__(reactor, cache_size, timeout)
        self.policy = policy or AddressPolicy()

    @classmethod
    def from_crawler(cls, crawler, reactor):
        resolver = super().from_crawler(crawler, reactor)
        resolver.policy = policy_from_settings(crawler.settings)
        return resolver

    def getHostByName(self, name: str, timeout=()):
        deferred = super().getHostByName(name, timeout)
        deferred.addCallback(self._vet, name)
        return deferred

    def _vet(self, address: str, name: str) -> str:
        if self.policy.exempt(name):
            return address
        kind = address_kind(address)
        if kind:
            logger.warning(
                "refused %s at connect time: it resolves to %s (%s)", name, address, kind
            )
            raise DNSLookupError(f"{name} resolves to {address}: {kind} address, refused")
        return address
