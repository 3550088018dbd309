"""Analyst access: only reads, no files, settings locked, memory and time limits, formats."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime

import duckdb
import pytest

from core.config import Config, Force
from core.errors import QueryError
from warehouse.analyst import analyst_connection, run_query
from warehouse.analyst_guard import explain_error
from warehouse.analyst_result import QueryResult, format_result
from warehouse.analyst_watchdog import run_with_timeout
from warehouse.articles import ArticleRecord, PassageRecord, store_article
from warehouse.connection import writer

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def db_path(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("analyst") / "w.duckdb")
    cfg = Config(force=Force(name="Test Constabulary"), db_path=path)
    with writer(cfg) as con:
        store_article(
            con,
            ArticleRecord("https://a.example/1", "A", "local_news", "Title", None, T0, T0),
            [PassageRecord(0, 0, "Text.", "force")],
        )
    return path


ESCAPES = {
    "host file": "SELECT * FROM read_csv('/etc/passwd')",
    "host text": "SELECT * FROM read_text('/etc/hostname')",
    "copy to": "COPY articles TO '{out}'",
    "attach": "ATTACH '{out}' AS other",
    "insert": "INSERT INTO runs (started_at, status) VALUES (now(), 'success')",
    "update": "UPDATE articles SET title = 'x'",
    "delete": "DELETE FROM articles",
    "set": "SET memory_limit = '100GB'",
    "reset": "RESET enable_external_access",
    "create table": "CREATE TABLE mine AS SELECT 1",
    "install": "INSTALL httpfs",
    "load": "LOAD httpfs",
    "export": "EXPORT DATABASE '{out}'",
    "hidden second statement": "SELECT 1; DELETE FROM articles",
}


@pytest.mark.parametrize("sql", ESCAPES.values(), ids=ESCAPES.keys())
def test_escapes_are_refused_with_one_line(db_path, tmp_path, sql):
    out = tmp_path / "out"
    with pytest.raises(QueryError) as caught:
        run_query(db_path, sql.format(out=out), timeout_s=10)
    message = str(caught.value)
    assert message.startswith("refused: ")
    assert "\n" not in message
    assert not out.exists()
    assert run_query(db_path, "SELECT count(*) AS n FROM articles", 10).rows == [(1,)]


# The same statements straight on the analyst connection, past the statement check:
# DuckDB's own settings must refuse them too.
DEEPER = [
    "host file",
    "copy to",
    "attach",
    "insert",
    "set",
    "reset",
    "create table",
    "install",
    "load",
]


@pytest.mark.parametrize("name", DEEPER)
def test_connection_settings_refuse_escapes_on_their_own(db_path, tmp_path, name):
    con = analyst_connection(db_path, "256MB")
    try:
        with pytest.raises(duckdb.Error) as caught:
            run_with_timeout(con, ESCAPES[name].format(out=tmp_path / "out"), 10)
    finally:
        con.close()
    assert explain_error(caught.value, 10, "256MB").startswith("refused: ")
    assert not (tmp_path / "out").exists()


def test_runaway_query_is_interrupted_after_the_timeout(db_path):
    started = time.monotonic()
    with pytest.raises(QueryError, match=r"stopped after the 1 s time limit.*--timeout"):
        run_query(
            db_path,
            "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
            "SELECT count(*) FROM r",
            timeout_s=1,
        )
    assert time.monotonic() - started < 6


def test_huge_cross_join_is_interrupted(db_path):
    with pytest.raises(QueryError, match="time limit"):
        run_query(db_path, "SELECT count(*) FROM range(100000000) a, range(100000000) b", 1)


def test_memory_limit_applies(db_path):
    with pytest.raises(QueryError, match=r"ran out of memory \(limit 20MB"):
        run_query(db_path, "SELECT list(range) FROM range(30000000)", 10, memory_limit="20MB")


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELEC 1", "query failed: Parser Error"),
        ("SELECT * FROM nowhere", "query failed: Catalog"),
        ("  ", "empty query"),
    ],
)
def test_bad_queries_fail_with_one_line(db_path, sql, message):
    with pytest.raises(QueryError, match=message) as caught:
        run_query(db_path, sql, 10)
    assert "\n" not in str(caught.value)


def test_reading_statements_work(db_path):
    assert run_query(db_path, "SELECT url, title FROM articles", 10) == QueryResult(
        ["url", "title"], [("https://a.example/1", "Title")]
    )
    assert ("articles",) in run_query(db_path, "SHOW TABLES", 10).rows
    assert run_query(db_path, "DESCRIBE passages", 10).rows[0][0] == "id"
    assert run_query(db_path, "SELECT 1 AS a; SELECT 2 AS b", 10).rows == [(2,)]


RESULT = QueryResult(
    ["day", "topic", "net", "n", "note"],
    [
        (date(2025, 3, 1), "general", -0.25, 3, None),
        (date(2025, 3, 2), "road_safety", 0.5, 12, 'said "no", twice'),
    ],
)


def test_table_format():
    assert format_result(RESULT, "table") == (
        "day         topic          net   n  note\n"
        "----------  -----------  -----  --  ----------------\n"
        "2025-03-01  general      -0.25   3  NULL\n"
        '2025-03-02  road_safety    0.5  12  said "no", twice\n'
        "(2 rows)\n"
    )


def test_csv_format():
    assert format_result(RESULT, "csv") == (
        "day,topic,net,n,note\n"
        "2025-03-01,general,-0.25,3,\n"
        '2025-03-02,road_safety,0.5,12,"said ""no"", twice"\n'
    )


def test_json_format():
    assert json.loads(format_result(RESULT, "json")) == [
        {"day": "2025-03-01", "topic": "general", "net": -0.25, "n": 3, "note": None},
        {
            "day": "2025-03-02",
            "topic": "road_safety",
            "net": 0.5,
            "n": 12,
            "note": 'said "no", twice',
        },
    ]


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="format"):
        format_result(RESULT, "xml")
