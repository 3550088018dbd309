"""The dashboard's materialized `passage_scores`: equal to the view when current, never used stale.

Real DuckDB files: a small synthetic warehouse, the nightly job's refresh stage, corrections
saved as the Review page saves them, and writers outside the dashboard.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

import duckdb
import pytest

from core.config import Config
from dashboard import corrections, snapshot
from dashboard.corrections import Change
from demo.synthetic import build_fixture
from pcm.nightly import NightlyRun
from warehouse import materialized
from warehouse.connection import reader, writer
from warehouse.feedback import add_feedback
from warehouse.migrate import MIGRATIONS_DIR, VIEWS_DIR, migrate

ANALYST = "Pat Analyst"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A synthetic warehouse whose table was never built (as after migration 003 on old data)."""
    return build_fixture(tmp_path_factory.mktemp("mat"), passages=2000, materialize=False)


@pytest.fixture
def cfg(built, tmp_config) -> Config:
    shutil.copyfile(built.db, tmp_config.db_path)
    return tmp_config


def _differences(db: str) -> tuple[int, int, int]:
    """(rows only in the table, rows only in the view, rows in the view)."""
    with reader(db) as con:
        only_table = con.execute(
            f"SELECT count(*) FROM ({materialized.TABLE_SELECT} "
            f"EXCEPT ALL {materialized.VIEW_SELECT})"
        ).fetchall()[0][0]
        only_view = con.execute(
            f"SELECT count(*) FROM ({materialized.VIEW_SELECT} "
            f"EXCEPT ALL {materialized.TABLE_SELECT})"
        ).fetchall()[0][0]
        rows = con.execute("SELECT count(*) FROM passage_scores").fetchall()[0][0]
    return only_table, only_view, rows


def _assert_equal_and_current(db: str) -> None:
    only_table, only_view, rows = _differences(db)
    assert (only_table, only_view) == (0, 0)
    assert rows > 0
    with reader(db) as con:
        assert materialized.is_current(con)
        recorded = con.execute(
            "SELECT row_count FROM materialized_versions WHERE name = ?", [materialized.TABLE]
        ).fetchall()
    assert recorded == [(rows,)]


def _current(db: str) -> bool:
    with reader(db) as con:
        return materialized.is_current(con)


def _passage(db: str, topic: str = "investigations") -> int:
    """A passage with one model row for `topic` and no other topic."""
    with reader(db) as con:
        return con.execute(
            "SELECT passage_id FROM passage_scores GROUP BY passage_id "
            "HAVING count(*) = 1 AND any_value(topic) = ? ORDER BY passage_id LIMIT 1",
            [topic],
        ).fetchall()[0][0]


def _snapshot_rows(db: str, passage_id: int) -> list[tuple]:
    """The passage's rows as the dashboard's snapshot reader returns them."""
    snapshot.clear()
    table = snapshot.read(db)["passage_scores"]
    rows = table.to_pylist()
    return sorted(
        (r["topic"], r["label"], r["score"], r["voice"], r["corrected"], r["added"])
        for r in rows
        if r["passage_id"] == passage_id
    )


def test_a_fresh_warehouse_has_an_empty_table_that_is_not_current(cfg):
    with reader(cfg.db_path) as con:
        assert materialized.recorded_version(con) is None
        assert not materialized.is_current(con)
        assert con.execute(f"SELECT count(*) FROM {materialized.TABLE}").fetchall() == [(0,)]


def test_nightly_refresh_stage_builds_the_table_equal_to_the_view(cfg):
    run = NightlyRun(cfg)
    run._do_refresh()  # the stage as `pcm run` runs it, through the single writer
    assert run.result.counts["refresh"]["topic_daily_rows"] > 0
    _assert_equal_and_current(cfg.db_path)
    # Running the stage again rebuilds it and it stays equal.
    NightlyRun(cfg)._do_refresh()
    _assert_equal_and_current(cfg.db_path)


def test_a_correction_refreshes_only_its_passage_and_stays_equal(cfg, caplog):
    NightlyRun(cfg)._do_refresh()
    pid = _passage(cfg.db_path)
    changes = [
        Change("voice", None, "media", "government"),
        Change("stance", "investigations", None, "positive"),
        Change("topic_add", "road_safety", None, "negative"),
    ]
    caplog.set_level("INFO", logger="warehouse.materialized")
    assert corrections.save(cfg, pid, changes, ANALYST) == 3
    assert f"refreshed {materialized.TABLE} for passage {pid}:" in caplog.text
    assert "rebuilding all of it" not in caplog.text
    _assert_equal_and_current(cfg.db_path)
    assert _snapshot_rows(cfg.db_path, pid) == [
        ("investigations", "positive", 1.0, "government", True, False),
        ("road_safety", "negative", -1.0, "government", True, True),
    ]
    # Removing a topic drops its row from the table too.
    assert corrections.save(
        cfg, pid, [Change("topic_remove", "road_safety", "negative", None)], ANALYST
    )
    _assert_equal_and_current(cfg.db_path)
    assert [r[0] for r in _snapshot_rows(cfg.db_path, pid)] == ["investigations"]


def test_a_correction_on_a_stale_table_rebuilds_all_of_it(cfg, caplog):
    pid = _passage(cfg.db_path)
    assert not _current(cfg.db_path)  # never built
    caplog.set_level("INFO", logger="warehouse.materialized")
    corrections.save(cfg, pid, [Change("stance", "investigations", None, "negative")], ANALYST)
    assert "rebuilding all of it" in caplog.text
    _assert_equal_and_current(cfg.db_path)


def test_a_write_outside_the_dashboard_makes_the_table_stale_and_unused(cfg):
    NightlyRun(cfg)._do_refresh()
    pid = _passage(cfg.db_path)
    # Mark the table's copy of the passage, so that a read from the table is recognisable.
    with writer(cfg) as con:
        con.execute(f"UPDATE {materialized.TABLE} SET score = 0.123 WHERE passage_id = ?", [pid])
    assert _current(cfg.db_path)  # the version row still says current: the table is read
    assert _snapshot_rows(cfg.db_path, pid)[0][2] == 0.123
    # Feedback written by another tool (not dashboard/corrections.py) does not touch the table.
    with writer(cfg) as con:
        add_feedback(con, pid, "stance", "negative", ANALYST, topic="investigations")
    assert not _current(cfg.db_path)
    (row,) = _snapshot_rows(cfg.db_path, pid)  # read from the view: the new feedback shows
    assert (row[0], row[1], row[2], row[4]) == ("investigations", "negative", -1.0, True)
    # `pcm score`'s hook rebuilds a stale table, and leaves a current one alone.
    assert materialized.refresh_if_stale(cfg) > 0
    _assert_equal_and_current(cfg.db_path)
    assert materialized.refresh_if_stale(cfg) is None


@pytest.mark.parametrize(
    "change",
    [
        "INSERT INTO models VALUES ('v2', 'newer', now(), NULL)",
        "UPDATE scores SET scored_at = scored_at + INTERVAL 1 SECOND "
        "WHERE passage_id = (SELECT max(passage_id) FROM scores)",
        "UPDATE articles SET duplicate_of = (SELECT min(id) FROM articles) "
        "WHERE id = (SELECT max(id) FROM articles)",
        "DELETE FROM scored_passages WHERE passage_id = (SELECT max(passage_id) FROM scores)",
        "CREATE OR REPLACE VIEW passage_scores_by_force AS SELECT * FROM view_copy WHERE score > 0",
        "INSERT INTO passage_forces SELECT passage_id, model_version, 'other', 'force', 'public', "
        "NULL FROM scored_passages WHERE passage_id = (SELECT max(passage_id) FROM scores)",
        "INSERT INTO forces VALUES ('other', 'Other Police', 1, now())",
    ],
)
def test_every_input_of_the_view_moves_the_source_version(cfg, change):
    NightlyRun(cfg)._do_refresh()
    with writer(cfg) as con:
        view_sql = con.execute(
            "SELECT sql FROM duckdb_views() WHERE view_name = 'passage_scores_by_force'"
        ).fetchall()[0][0]
        con.execute(view_sql.replace("VIEW passage_scores_by_force", "VIEW view_copy", 1))
        con.execute(change)
    assert not _current(cfg.db_path)


def test_the_time_zone_of_the_connection_does_not_change_the_version(cfg):
    NightlyRun(cfg)._do_refresh()
    with reader(cfg.db_path) as con:
        con.execute("SET TimeZone = 'America/New_York'")
        assert materialized.is_current(con)


def test_a_warehouse_without_migration_003_is_read_from_the_view(tmp_path, make_config):
    old = tmp_path / "old_migrations"
    old.mkdir()
    # every migration but 003 (the views need the later columns, not the materialized table)
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        if not path.name.startswith("003_"):
            shutil.copy(path, old)
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    migrate(con, old, VIEWS_DIR)
    con.execute(
        "INSERT INTO models VALUES ('v1', 'test', ?, NULL)", [datetime(2025, 1, 1, tzinfo=UTC)]
    )
    con.close()
    with reader(db) as con:
        assert materialized.recorded_version(con) is None
        assert not materialized.is_current(con)
    assert snapshot.read(str(db))["passage_scores"].num_rows == 0
    # The next writer migrates it; the refresh then builds the table.
    NightlyRun(make_config(db))._do_refresh()
    with reader(db) as con:
        assert materialized.is_current(con)
