"""Scrapy settings: polite defaults. Per-source values from the config are laid over these."""

from __future__ import annotations

from core.config import Config

BOT_NAME = "pcm"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Politeness. robots.txt is obeyed, and unreachable or 5xx robots.txt means "disallow all"
# (Scrapy's own middleware allows everything then; ours replaces it).
ROBOTSTXT_OBEY = True
USER_AGENT = "PublicConfidenceMonitor/0.1 (+https://example.org/pcm-crawler)"
CONCURRENT_REQUESTS = 4
CONCURRENT_REQUESTS_PER_DOMAIN = 1  # one request at a time per site
DOWNLOAD_DELAY = 2.0
DOWNLOAD_DELAY_JITTER = 0.5  # each delay is 0.5x-1.5x DOWNLOAD_DELAY
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
COOKIES_ENABLED = False  # no sessions: we read public pages only
TELNETCONSOLE_ENABLED = False

# Limits on what we accept.
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024  # 10 MB: no news page is bigger
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
REDIRECT_MAX_TIMES = 5  # a redirect loop ends here, recorded as redirect_loop
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_AFTER_CAP_S = 300.0  # never wait longer than this for a Retry-After
RETRY_AFTER_MAX_TIMES = 3  # Retry-After retries of one request before giving up
CLOSESPIDER_TIMEOUT = 900  # the time budget of one source's crawl, in seconds
HTTPERROR_ALLOW_ALL = False  # non-2xx responses reach the errback, recorded as http_<code>

# Only http and https are fetched: Scrapy's file:, data:, ftp: and s3: handlers are off (a feed
# or sitemap could otherwise point the crawler at local files), and crawler.urlpolicy refuses
# other schemes before they reach a handler.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}
# The URL policy on every request, redirects included, before robots.txt is asked; the
# resolver refuses private addresses again when the connection is made (DNS rebinding).
PCM_ALLOW_PRIVATE_NETWORKS = False  # from crawl.allow_private_networks
PCM_ALLOWED_PRIVATE_HOSTS: list[str] = []  # from crawl.allowed_private_hosts
TWISTED_DNS_RESOLVER = "crawler.guard.PolicyResolver"

DOWNLOADER_MIDDLEWARES = {
    "crawler.guard.UrlPolicyMiddleware": 50,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.StrictRobotsTxtMiddleware": 100,
    # process_response runs from high numbers to low: this sees 429/503 before RetryMiddleware.
    "crawler.middlewares.RetryAfterMiddleware": 560,
}
# No item pipelines here: the application adds its warehouse store (`pcm.crawl_child`), so the
# crawler itself never writes to, or imports, the warehouse.
ITEM_PIPELINES: dict[str, int] = {}

LOG_LEVEL = "INFO"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"


def crawl_settings(cfg: Config) -> dict:
    """This module's settings with the config's crawl section laid over them.

    Args:
        cfg: the config.

    Returns:
        A dict for `scrapy.settings.Settings.setdict`.
    """
    crawl = cfg.crawl
    values = {k: v for k, v in globals().items() if k.isupper()}
    values.update(
        USER_AGENT=crawl.user_agent,
        DOWNLOAD_DELAY=crawl.download_delay,
        AUTOTHROTTLE_ENABLED=crawl.autothrottle and crawl.download_delay > 0,
        AUTOTHROTTLE_START_DELAY=max(crawl.download_delay, 0.1),
        DOWNLOAD_TIMEOUT=crawl.timeout_s,
        DOWNLOAD_MAXSIZE=crawl.max_page_bytes,
        DOWNLOAD_WARNSIZE=min(DOWNLOAD_WARNSIZE, crawl.max_page_bytes),
        RETRY_AFTER_CAP_S=crawl.retry_after_cap_s,
        CLOSESPIDER_TIMEOUT=crawl.source_time_budget_s,
        PCM_ALLOW_PRIVATE_NETWORKS=crawl.allow_private_networks,
        PCM_ALLOWED_PRIVATE_HOSTS=list(crawl.allowed_private_hosts),
    )
    return values
