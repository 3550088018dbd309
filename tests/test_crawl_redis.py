"""`pcm crawl --workers N`: three workers and a real Redis server crawl the sample site.

Each of four sources is served by its own loopback server (its own site, by port), so the
request logs say which site was hit when. The same sources are crawled once by the single
process path and once by three workers; the workers fetch no URL twice, never hit a site from
two workers, and store the same articles. Debian's `redis-server` must be installed (`.ci/run`
installs it): without it these tests fail rather than skip.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import threading
import time
from collections import Counter
from datetime import date

import duckdb
import pytest
import yaml

from core.config import Crawl, Source
from demo.site import config_for
from demo.site.build import build_site
from demo.site.server import SampleSiteServer
from pcm.cli import main
from pcm.crawl_workers import crawl_distributed, shard_sources
from pcm.crawling import crawl_all

SOURCES = [
    "Sedgebury Echo",  # a news sitemap
    "The National Ledger",  # an Atom feed, syndicated copies of the others' stories
    "Office of the Wexmoor Police and Crime Commissioner",  # listing pages
    "HM Inspectorate of Constabulary",  # a listing, an HTML report page and its PDF
]
ARTICLES_SQL = (
    "SELECT a.url, a.source, a.title, a.duplicate_of IS NOT NULL, "
    "coalesce(string_agg(p.text, ' ' ORDER BY p.position), '') "
    "FROM articles a LEFT JOIN passages p ON p.article_id = a.id GROUP BY ALL ORDER BY 1"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A throwaway redis-server on a free loopback port, nothing saved to disk."""
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.fail(
            "redis-server is not installed: apt-get install -y redis-server (Debian's "
            "package; .ci/run installs it). The distributed crawl cannot be tested without it."
        )
    folder = tmp_path_factory.mktemp("redis")
    port = _free_port()
    args = [
        exe,
        "--bind",
        "127.0.0.1",
        "--port",
        str(port),
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(folder),
        "--loglevel",
        "warning",
    ]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    client = redis.Redis.from_url(url)
    for _ in range(100):
        with contextlib.suppress(redis.ConnectionError):
            if client.ping():
                break
        time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail(f"redis-server did not answer on port {port}")
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@contextlib.contextmanager
def _sites(count: int):
    """`count` sample-site servers (one build), each logging (time, path) of every request."""
    site = build_site(date.today())
    servers, threads, hits = [], [], []
    for _ in range(count):
        server = SampleSiteServer(site, "127.0.0.1", 0, "normal")
        log: list[tuple[float, str]] = []

        def add(record, _log=log, _add=server.log.add):
            _log.append((time.time(), record.path))
            _add(record)

        server.log.add = add
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append(server)
        threads.append(thread)
        hits.append(log)
    try:
        yield servers, hits
    finally:
        for server, thread in zip(servers, threads, strict=True):
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)


def _config(servers, db, redis_url=None):
    cfg = config_for(servers[0].base_url, str(db))
    cfg.sources = [s for s in cfg.sources if s.name in SOURCES]
    cfg.crawl.max_depth = 5
    cfg.crawl.max_articles_per_source = 8  # enough of each kind, in less time
    cfg.crawl.redis_url = redis_url
    first = servers[0].base_url
    for source, server in zip(cfg.sources, servers, strict=True):  # one site each
        for name in ("feeds", "sitemaps", "start_urls"):
            urls = [u.replace(first, server.base_url) for u in getattr(source, name)]
            setattr(source, name, urls)
    return cfg


def _rows(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(ARTICLES_SQL).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def crawls(redis_url, tmp_path_factory):
    folder = tmp_path_factory.mktemp("crawls")
    with _sites(len(SOURCES)) as (servers, hits):
        single = crawl_all(_config(servers, folder / "single.duckdb"))
        single_hits = [list(h) for h in hits]
        for log in hits:
            log.clear()
        cfg = _config(servers, folder / "workers.duckdb", redis_url)
        distributed = crawl_distributed(cfg, workers=3)
        yield {
            "folder": folder,
            "cfg": cfg,
            "servers": servers,
            "single": single,
            "single_hits": single_hits,
            "distributed": distributed,
            "hits": [list(h) for h in hits],
        }


def test_three_workers_fetch_every_url_once(crawls):
    assert crawls["distributed"].ok, [(s.source, s.status) for s in crawls["distributed"].sources]
    for source, log in zip(crawls["cfg"].sources, crawls["hits"], strict=True):
        twice = {p: n for p, n in Counter(p for _, p in log).items() if n > 1}
        assert twice == {}, source.name
        assert len(log) > 3, source.name
    assert {s.status for s in crawls["distributed"].sources} == {"ok"}


def test_no_site_is_hit_by_two_workers_at_once(crawls):
    timeline = crawls["distributed"].timeline
    assert sorted(t["source"] for t in timeline) == sorted(SOURCES)  # each crawled once
    assert len({t["worker"] for t in timeline}) >= 2  # the work was really spread
    for source, log in zip(crawls["cfg"].sources, crawls["hits"], strict=True):
        [crawl] = [t for t in timeline if t["source"] == source.name]
        # every request to this site came while its one worker was crawling it
        assert all(crawl["started"] <= at <= crawl["finished"] + 0.5 for at, _ in log)
    pids = {t["worker"]: t["pid"] for t in timeline}
    assert len(set(pids.values())) == len(pids)  # workers are separate processes


def test_the_workers_store_what_the_single_process_crawl_stored(crawls):
    single = _rows(crawls["folder"] / "single.duckdb")
    distributed = _rows(crawls["folder"] / "workers.duckdb")
    assert len(single) > 15
    assert [r[:3] for r in distributed] == [r[:3] for r in single]  # urls, sources, titles
    assert distributed == single  # duplicate marks and texts too
    by_source = {s.source: s.new_articles for s in crawls["single"].sources}
    assert {s.source: s.new_articles for s in crawls["distributed"].sources} == by_source


def test_the_run_leaves_nothing_in_redis(crawls, redis_url):
    import redis

    assert redis.Redis.from_url(redis_url).keys("pcm:crawl:*") == []


def test_sources_sharing_a_site_are_one_shard():
    def source(name, *urls):
        return Source(name=name, kind="local_news", start_urls=list(urls))

    shards = shard_sources(
        [
            source("a", "https://www.edp24.co.uk/news/"),
            source("b", "https://news.example.org/"),
            source("c", "https://edp24.co.uk/crime/", "https://other.example.net/"),
            source("d", "https://other.example.net/x/"),
            source("e", "http://127.0.0.1:8001/a/"),
            source("f", "http://127.0.0.1:8002/a/"),
        ]
    )
    assert [[s.name for s in shard] for shard in shards] == [["a", "c", "d"], ["b"], ["e"], ["f"]]


def test_workers_need_a_redis_url_and_a_live_server(tmp_path, capsys):
    with pytest.raises(ValueError, match="expected redis://HOST:PORT/DB"):
        Crawl(redis_url="localhost:6379")
    cfg = config_for("http://127.0.0.1:9", str(tmp_path / "pcm.duckdb"))
    data = cfg.model_dump(mode="json", exclude={"db_path", "config_path"})
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    db = str(tmp_path / "pcm.duckdb")
    assert main(["init", "--config", str(config), "--db", db]) == 0
    capsys.readouterr()
    assert main(["crawl", "--workers", "3", "--config", str(config), "--db", db]) == 1
    assert "pcm crawl: --workers needs crawl.redis_url" in capsys.readouterr().err
    data["crawl"]["redis_url"] = f"redis://:secret@127.0.0.1:{_free_port()}/0"
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert main(["crawl", "--workers", "3", "--config", str(config), "--db", db]) == 1
    err = capsys.readouterr().err
    assert "pcm crawl: cannot reach crawl.redis_url redis://:***@127.0.0.1" in err
    assert "secret" not in err
