"""Purged text leaves the disk: the warehouse (and its snapshot) are rewritten after a purge.

Issue 14, item 5: after `pcm purge`, 1,126 of 1,126 purged passages could still be read from
the `.duckdb` bytes, because DuckDB keeps freed blocks' bytes until the file is rewritten.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
from warehouse_setup import fill, found_in, pcm, write_config

from core.config import load_config
from pcm.nightly import NightlyRun
from warehouse.articles import ArticleRecord, PassageRecord, store_article
from warehouse.connection import writer
from warehouse.published import snapshot_path
from warehouse.retention import purge_text
from warehouse.rewrite import rewrite_path


def _setup(tmp_path):
    config = write_config(tmp_path)
    db = tmp_path / "w.duckdb"
    texts = fill(config, db, old=60, recent=10)
    return config, db, texts


def test_nulling_alone_leaves_the_text_in_the_file(tmp_path):
    """The problem itself: what `pcm purge` used to do leaves every text readable."""
    config, db, texts = _setup(tmp_path)
    assert found_in(db, texts) == len(texts) == 180
    with writer(load_config(config, str(db), environ={})) as con:
        assert purge_text(con, datetime.now(UTC), 400) == 180
    assert found_in(db, texts) == 180


def test_pcm_purge_leaves_no_purged_text_in_the_warehouse_or_its_snapshot(tmp_path, capsys):
    config, db, texts = _setup(tmp_path)
    cfg = load_config(config, str(db), environ={})
    with writer(cfg, publish=True):
        pass  # a published snapshot holds the texts too
    assert found_in(snapshot_path(db), texts) == 180
    code, out, _ = pcm(capsys, "purge", "--config", str(config), "--db", str(db))
    assert code == 0
    assert out.startswith("removed the text of 180 passages in 60 articles")
    assert "rewrote the warehouse file" in out
    leftovers = sorted(p.name for p in tmp_path.iterdir())
    assert leftovers == ["pcm.yaml", "w.duckdb", "w.duckdb.snapshot"]  # no .rewrite, no .wal
    for path in (db, snapshot_path(db)):
        assert found_in(path, texts) == 0, path
    # Everything else is intact: rows, kept text, sequences (new ids follow the old ones).
    with writer(cfg) as con:
        assert con.execute("SELECT count(*), count(text) FROM passages").fetchone() == (210, 30)
        new_id = store_article(
            con,
            ArticleRecord(
                "https://news.example/new",
                "News",
                "local_news",
                "New",
                None,
                datetime.now(UTC),
                datetime.now(UTC),
            ),
            [PassageRecord(0, 0, "A new passage.", "force")],
        )
        assert new_id == 71
        assert con.execute("SELECT count(*) FROM topic_daily").fetchone()[0] >= 0


def test_nightly_retention_rewrites_the_file_when_it_purged(tmp_path):
    config, db, texts = _setup(tmp_path)
    run = NightlyRun(load_config(config, str(db), environ={}))
    run._do_retention()
    counts = run.result.counts["retention"]
    assert counts["passages_purged"] == 180
    assert len(counts["rewritten_bytes"]) == 2
    assert found_in(db, texts) == 0


def test_a_killed_rewrite_leaves_nothing_behind_for_long(tmp_path, capsys):
    """A half-built copy from a killed purge is removed by the next one."""
    config, db, _ = _setup(tmp_path)
    rewrite_path(db).write_bytes(b"half a database")
    assert pcm(capsys, "purge", "--config", str(config), "--db", str(db))[0] == 0
    assert not rewrite_path(db).exists()
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (70,)
    finally:
        con.close()
