"""The URL policy as pure functions: schemes, private addresses, sites, canonical claims."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from scrapy.settings import Settings
from twisted.internet.error import DNSLookupError

from core.config import Config
from crawler.discovery import parse_listing
from crawler.guard import PolicyResolver, policy_from_settings
from crawler.settings import crawl_settings
from crawler.urlpolicy import (
    REFUSAL_REASONS,
    AddressPolicy,
    UnresolvedHostError,
    accept_canonical,
    address_kind,
    check_address,
    check_fetch,
    check_on_sites,
    check_scheme,
    registrable_domain,
    resolve,
    source_sites,
)

DOCS = Path(__file__).resolve().parents[2] / "docs"
CRAWLING_DOC = DOCS / "crawling.md"  # what is recorded, what the crawler refuses
CONFIG_DOC = DOCS / "configuration.md"

REFUSE = AddressPolicy()  # crawl.allow_private_networks: false, the production default
FAKE_DNS = {
    "news.example": ["93.184.215.14"],
    "intranet.example": ["10.0.0.1"],
    "metadata.example": ["169.254.169.254"],
    "split.example": ["93.184.215.14", "192.168.1.10"],  # one private answer is enough
    "mapped.example": ["::ffff:127.0.0.1"],
}


def fake_resolver(host: str) -> list[str]:
    if host not in FAKE_DNS:
        raise UnresolvedHostError(f"{host} does not resolve")
    return FAKE_DNS[host]


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/hostname",
        "file://localhost/etc/hostname",
        "file:/etc/hostname",
        "data:text/html,<p>x</p>",
        "ftp://ftp.example/x",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "gopher://news.example/",
    ],
)
def test_only_http_and_https_are_fetched(url):
    refusal = check_scheme(url)
    assert refusal is not None
    assert refusal.reason == "refused_scheme"


def test_http_and_https_with_a_host_pass_the_scheme_check():
    assert check_scheme("https://news.example/a") is None
    assert check_scheme("HTTP://news.example/a") is None
    assert check_scheme("http:///no-host").reason == "bad_url"
    assert check_scheme("http://news.example:99999/").reason == "bad_url"


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped IPv6
        ("::ffff:10.0.0.1", "private"),
        ("2002:7f00:1::", "loopback"),  # 6to4 carrying 127.0.0.1
        ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64 carrying 169.254.169.254
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("fe80::1%eth0", "link-local"),
        ("fc00::1", "private"),
        ("240.0.0.1", "private"),  # reserved (Python counts it private too)
        ("100.64.0.1", "not global"),  # carrier-grade NAT
    ],
)
def test_non_public_addresses_are_named(address, kind):
    assert address_kind(address) == kind


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700::1111", "8.8.8.8"])
def test_public_addresses_pass(address):
    assert address_kind(address) is None


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0:8501/",
        "http://127.0.0.1:6379/",
    ],
)
def test_literal_private_ips_are_refused_without_a_lookup(url):
    def no_dns(host):
        raise AssertionError(f"looked up {host}")

    refusal = check_fetch(url, REFUSE, no_dns)
    assert refusal is not None
    assert refusal.reason == "private_address"


@pytest.mark.parametrize(
    "host", ["intranet.example", "metadata.example", "split.example", "mapped.example"]
)
def test_names_resolving_to_private_addresses_are_refused(host):
    refusal = check_address(host, REFUSE, fake_resolver)
    assert refusal.reason == "private_address"
    assert host in refusal.detail


def test_public_names_pass_and_unresolvable_names_raise():
    assert check_fetch("https://news.example/story", REFUSE, fake_resolver) is None
    with pytest.raises(UnresolvedHostError):
        check_address("nowhere.example", REFUSE, fake_resolver)


def test_localhost_resolves_to_loopback_and_is_refused():
    refusal = check_address("localhost", REFUSE)  # /etc/hosts: no network involved
    assert refusal.reason == "private_address"
    assert "loopback" in refusal.detail


def test_resolve_uses_getaddrinfo_and_says_when_a_name_does_not_resolve(monkeypatch):
    def gai(host, port, *args, **kwargs):
        if host == "known.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", 0))] * 2
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", gai)
    assert resolve("known.example") == ["10.1.2.3"]
    with pytest.raises(UnresolvedHostError, match="does not resolve"):
        resolve("unknown.example")
    assert check_address("known.example", REFUSE).reason == "private_address"


def test_private_networks_allowed_by_config_or_by_host():
    assert check_address("10.0.0.1", AddressPolicy(allow_private_networks=True)) is None
    one_host = AddressPolicy(allowed_private_hosts=frozenset({"intranet.example"}))
    assert check_address("INTRANET.example.", one_host, fake_resolver) is None
    assert check_address("metadata.example", one_host, fake_resolver).reason == "private_address"


def test_the_config_carries_the_policy_into_scrapy():
    cfg = Config.model_validate({"force": {"name": "Norfolk Constabulary"}})
    assert cfg.crawl.allow_private_networks is False
    settings = crawl_settings(cfg)
    for scheme in ("file", "data", "ftp", "s3"):
        assert settings["DOWNLOAD_HANDLERS"][scheme] is None
    assert settings["DOWNLOADER_MIDDLEWARES"]["crawler.guard.UrlPolicyMiddleware"] < 100
    assert settings["TWISTED_DNS_RESOLVER"] == "crawler.guard.PolicyResolver"
    assert settings["PCM_ALLOW_PRIVATE_NETWORKS"] is False
    cfg.crawl.allow_private_networks = True
    cfg.crawl.allowed_private_hosts = ["Intranet.Example"]
    policy = policy_from_settings(Settings(crawl_settings(cfg)))
    assert policy == AddressPolicy(True, frozenset({"intranet.example"}))


def test_the_resolver_refuses_a_private_answer_at_connect_time():
    resolver = PolicyResolver.__new__(PolicyResolver)  # no reactor needed for the check
    resolver.policy = REFUSE
    with pytest.raises(DNSLookupError, match="private address"):
        resolver._vet("10.0.0.1", "rebinding.example")
    assert resolver._vet("93.184.215.14", "news.example") == "93.184.215.14"
    resolver.policy = AddressPolicy(allowed_private_hosts=frozenset({"intranet.example"}))
    assert resolver._vet("10.0.0.1", "intranet.example") == "10.0.0.1"


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("www.edp24.co.uk", "edp24.co.uk"),
        ("norfolk.police.uk", "norfolk.police.uk"),
        ("www.norfolk.police.uk", "norfolk.police.uk"),
        ("feeds.bbci.co.uk", "bbci.co.uk"),
        ("www.theguardian.com", "theguardian.com"),
        ("hmicfrs.justiceinspectorates.gov.uk", "justiceinspectorates.gov.uk"),
        ("127.0.0.1", "127.0.0.1"),
        ("localhost", "localhost"),
        ("WWW.Example.COM.", "example.com"),
    ],
)
def test_registrable_domains(host, domain):
    assert registrable_domain(host) == domain


def test_listing_links_stay_on_the_source_sites():
    sites = source_sites(["https://www.edp24.co.uk/news/rss", "https://edp24.co.uk/sitemap.xml"])
    assert sites == frozenset({"edp24.co.uk"})
    assert check_on_sites("https://archive.edp24.co.uk/news/page/2", sites) is None
    assert check_on_sites("https://evil.co.uk/news/page/2", sites).reason == "offsite_link"
    assert check_on_sites("http://10.0.0.1/page/2", sites).reason == "offsite_link"
    assert check_on_sites("file:///etc/passwd", sites).reason == "refused_scheme"


def test_rel_next_anywhere_is_returned_for_the_spider_to_judge():
    page = parse_listing(
        b'<html><head><link rel="next" href="http://10.0.0.1/page/2"></head><body>'
        b'<a rel="next" href="https://other.example/page/3">Older</a>'
        b'<a href="https://other.example/news/a-story-elsewhere-today">x</a></body></html>',
        "https://news.example/news/",
        [],
    )
    assert page.articles == []  # an off-site article link is never an article
    assert sorted(page.listings) == ["http://10.0.0.1/page/2", "https://other.example/page/3"]


@pytest.mark.parametrize(
    ("declared", "accepted", "reason"),
    [
        ("https://www.news.example/a-story", "https://www.news.example/a-story", None),
        ("/a-story", "https://m.news.example/a-story", None),
        ("https://amp.news.example/a-story", "https://amp.news.example/a-story", None),
        ("https://other-outlet.example/their-story", None, "offsite_canonical"),
        ("javascript:alert(1)", None, "refused_scheme"),
        ("JAVASCRIPT:alert(1)", None, "refused_scheme"),
        ("data:text/html,x", None, "refused_scheme"),
        (None, None, None),
    ],
)
def test_canonical_only_on_the_page_own_domain(declared, accepted, reason):
    got, refusal = accept_canonical(declared, "https://m.news.example/x")
    assert got == accepted
    assert (refusal.reason if refusal else None) == reason


def test_every_refusal_reason_is_documented():
    text = CRAWLING_DOC.read_text(encoding="utf-8")
    for reason in sorted(REFUSAL_REASONS | {"dns"}):
        assert f"| `{reason}` |" in text, f"{reason} has no row in docs/crawling.md"
    assert "## What the crawler refuses" in text
    config = CONFIG_DOC.read_text(encoding="utf-8")
    assert "| `crawl.allow_private_networks` | `false` |" in config
