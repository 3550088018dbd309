"""The warehouse commands: pcm init, sql, export and purge, exit codes and messages."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from core.config import load_config
from pcm.cli import main
from warehouse.articles import ArticleRecord, PassageRecord, store_article
from warehouse.connection import writer


@pytest.fixture
def paths(tmp_path):
    config = tmp_path / "pcm.yaml"
    config.write_text("force:\n  name: Test Constabulary\nwarehouse:\n  query_timeout_s: 5\n")
    return ["--config", str(config), "--db", str(tmp_path / "data" / "w.duckdb")]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_twice(capsys, paths):
    code, out, _ = run(capsys, "init", *paths)
    assert code == 0
    assert out.endswith(
        "applied 8 migration(s): 001_core, 002_alerts_feedback, 003_dashboard_scores, "
        "004_passage_cap, 005_target_uncertain, 006_attribution_versions, "
        "007_annotations_acks, 008_forces\n"
    )
    code, out, _ = run(capsys, "init", *paths)
    assert code == 0
    assert out.endswith("up to date, nothing to apply\n")


def test_init_with_a_broken_config_fails_in_one_line(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("force:\n  nmae: x\n")
    code, out, err = run(capsys, "init", "--config", str(bad), "--db", str(tmp_path / "w.duckdb"))
    assert code == 1
    assert out == ""
    assert err.startswith("pcm init: ")
    assert err.count("\n") == 1
    assert not (tmp_path / "w.duckdb").exists()


@pytest.fixture
def filled(capsys, paths):
    cfg = load_config(paths[1], paths[3])
    now = datetime(2025, 3, 1, 9, tzinfo=UTC)
    with writer(cfg) as con:
        store_article(
            con,
            ArticleRecord(
                "https://a.example/1",
                "A",
                "local_news",
                "Old story",
                None,
                now - timedelta(days=500),
                now,
            ),
            [PassageRecord(0, 0, "Said, twice.", "force")],
        )
    capsys.readouterr()
    return paths


def test_sql_formats(capsys, filled):
    query = "SELECT id, url, title FROM articles"
    code, out, _ = run(capsys, "sql", query, *filled)
    assert code == 0
    assert out.splitlines() == [
        "id  url                  title",
        "--  -------------------  ---------",
        " 1  https://a.example/1  Old story",
        "(1 row)",
    ]
    code, out, _ = run(capsys, "sql", query, "--format", "csv", *filled)
    assert (code, out) == (0, "id,url,title\n1,https://a.example/1,Old story\n")
    code, out, _ = run(capsys, "sql", query, "--format", "json", *filled)
    assert code == 0
    assert json.loads(out) == [{"id": 1, "url": "https://a.example/1", "title": "Old story"}]


def test_sql_reads_the_query_from_stdin(capsys, filled, monkeypatch):
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("SELECT 40 + 2 AS answer"))
    code, out, _ = run(capsys, "sql", "-", "--format", "csv", *filled)
    assert (code, out) == (0, "answer\n42\n")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("SELECT * FROM read_csv('/etc/passwd')", "refused: analyst queries cannot read or write"),
        ("DELETE FROM articles", "refused: analyst queries may only read"),
        ("SELECT nope FROM articles", "query failed: Binder Error"),
    ],
)
def test_sql_refusal_is_exit_1_and_one_line(capsys, filled, query, message):
    code, out, err = run(capsys, "sql", query, *filled)
    assert code == 1
    assert out == ""
    assert err.startswith(f"pcm sql: {message}")
    assert err.count("\n") == 1


def test_sql_timeout_flag(capsys, filled):
    code, _, err = run(
        capsys,
        "sql",
        "SELECT count(*) FROM range(100000000) a, range(100000000) b",
        "--timeout",
        "0.5",
        *filled,
    )
    assert code == 1
    assert "stopped after the 0.5 s time limit" in err


def test_sql_bad_timeout_is_a_usage_error(capsys, filled):
    with pytest.raises(SystemExit) as caught:
        main(["sql", "SELECT 1", "--timeout", "0", *filled])
    assert caught.value.code == 2
    assert "positive number of seconds" in capsys.readouterr().err


def test_sql_without_a_warehouse_says_to_init(capsys, paths):
    code, _, err = run(capsys, "sql", "SELECT 1", *paths)
    assert code == 1
    assert "pcm init" in err


def test_export_writes_one_parquet_per_table_and_view(capsys, filled, tmp_path):
    out_dir = tmp_path / "export"
    code, out, _ = run(capsys, "export", "--out", str(out_dir), *filled)
    assert code == 0
    con = duckdb.connect(filled[3], read_only=True)
    names = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()
    }
    con.close()
    assert out.startswith(f"wrote {len(names)} files to {out_dir}")  # every table and view
    assert {p.name for p in out_dir.iterdir()} == {f"{n}.parquet" for n in names}
    rows = duckdb.sql(f"SELECT url FROM read_parquet('{out_dir / 'articles.parquet'}')").fetchall()
    assert rows == [("https://a.example/1",)]
    code, _, _ = run(capsys, "export", "--out", str(out_dir), "--format", "csv", *filled)
    assert code == 0
    assert (out_dir / "topic_daily.csv").read_text().startswith("day,topic,")


def test_purge_dry_run_then_purge(capsys, filled):
    code, out, _ = run(capsys, "purge", "--dry-run", *filled)
    assert code == 0
    assert out.startswith("would remove the text of 1 passages in 1 articles")
    code, out, _ = run(
        capsys, "sql", "SELECT count(text) AS n FROM passages", "--format", "csv", *filled
    )
    assert out == "n\n1\n"
    code, out, _ = run(capsys, "purge", *filled)
    assert code == 0
    assert out.startswith("removed the text of 1 passages in 1 articles")
    code, out, _ = run(
        capsys,
        "sql",
        "SELECT count(text) AS n, count(*) AS m FROM passages",
        "--format",
        "csv",
        *filled,
    )
    assert out == "n,m\n0,1\n"
    code, out, _ = run(capsys, "purge", "--days", "100000", *filled)
    assert code == 0
    assert out.startswith("removed the text of 0 passages")
