"""Migrations: the exact schema, idempotence, and all-or-nothing failure."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from warehouse.migrate import (
    MIGRATIONS_DIR,
    MigrationError,
    applied_migrations,
    create_views,
    migrate,
    pending_migrations,
)

TABLES = {
    "alert_acks",
    "alerts",
    "annotations",
    "articles",
    "crawl_errors",
    "crawl_stats",
    "dashboard_passage_scores",
    "feedback",
    "forces",
    "materialized_versions",
    "models",
    "passage_forces",
    "passages",
    "runs",
    "schema_migrations",
    "scored_passages",
    "scores",
    "seen_urls",
}
VIEWS = {
    "alert_candidates",
    "force_topic_comparison",
    "article_topic_voices",
    "article_topics",
    "current_model",
    "passage_scores",
    "passage_scores_all",
    "passage_scores_by_force",
    "passage_scores_other_targets",
    "passage_voices",
    "period_comparison",
    "rule_statistics",
    "run_new_articles",
    "share_of_voice",
    "story_topics",
    "topic_change",
    "topic_daily",
    "topic_weekly",
}


def relations(con: duckdb.DuckDBPyConnection, kind: str) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'main' AND table_type = ?",
        [kind],
    ).fetchall()
    return {r[0] for r in rows}


def snapshot(con: duckdb.DuckDBPyConnection) -> tuple:
    columns = con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'main' ORDER BY ALL"
    ).fetchall()
    views = con.execute("SELECT view_name, sql FROM duckdb_views() WHERE NOT internal ORDER BY 1")
    ledger = con.execute("SELECT * FROM schema_migrations ORDER BY name").fetchall()
    return columns, views.fetchall(), ledger


def test_fresh_warehouse_has_exactly_the_expected_tables_and_views(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    assert migrate(con) == [
        "001_core",
        "002_alerts_feedback",
        "003_dashboard_scores",
        "004_passage_cap",
        "005_target_uncertain",
        "006_attribution_versions",
        "007_annotations_acks",
        "008_forces",
    ]
    assert relations(con, "BASE TABLE") == TABLES
    assert relations(con, "VIEW") == VIEWS
    for view in VIEWS - {"rule_statistics"}:  # every view binds and runs on an empty warehouse
        assert con.execute(f"SELECT * FROM {view}").fetchall() == []
    # the statistics' one row, and the macros the rule views call
    assert float(con.execute("SELECT z FROM rule_statistics").fetchone()[0]) == 1.959963984540054
    low, high = con.execute("SELECT pcm_wilson_low(0.5, 4), pcm_wilson_high(0.5, 4)").fetchone()
    assert (round(low, 4), round(high, 4)) == (0.15, 0.85)
    con.close()


def test_applying_twice_changes_nothing(tmp_path):
    path = str(tmp_path / "w.duckdb")
    con = duckdb.connect(path)
    migrate(con)
    before = snapshot(con)
    assert migrate(con) == []
    assert snapshot(con) == before
    assert pending_migrations(con) == []
    con.close()
    con = duckdb.connect(path)  # and after reopening the file
    assert migrate(con) == []
    assert snapshot(con) == before
    con.close()


def test_failing_migration_leaves_nothing_half_applied(tmp_path):
    migrations, views = tmp_path / "migrations", tmp_path / "views"
    migrations.mkdir()
    views.mkdir()
    shutil.copy(MIGRATIONS_DIR / "001_core.sql", migrations)
    bad = migrations / "002_bad.sql"
    bad.write_text("CREATE TABLE first_half (x INTEGER);\nCREATE TABLE broken (;\n")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    with pytest.raises(MigrationError, match=r"002_bad\.sql failed and was rolled back"):
        migrate(con, migrations, views)
    assert applied_migrations(con) == ["001_core"]
    assert "first_half" not in relations(con, "BASE TABLE")
    assert relations(con, "BASE TABLE") == TABLES - {
        "alert_acks",
        "alerts",
        "annotations",
        "feedback",
        "dashboard_passage_scores",
        "materialized_versions",
        "forces",
        "passage_forces",
    }
    # Fixed, the migration applies on the next run, alone.
    bad.write_text("CREATE TABLE first_half (x INTEGER);\nCREATE TABLE second_half (y INTEGER);\n")
    assert migrate(con, migrations, views) == ["002_bad"]
    assert {"first_half", "second_half"} <= relations(con, "BASE TABLE")
    con.close()


def test_failing_view_changes_no_view(tmp_path):
    views = tmp_path / "views"
    views.mkdir()
    (views / "01_good.sql").write_text("CREATE OR REPLACE VIEW good AS SELECT 1 AS x;")
    (views / "02_bad.sql").write_text("CREATE OR REPLACE VIEW bad AS SELECT * FROM nowhere;")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    with pytest.raises(MigrationError, match=r"view 02_bad\.sql failed"):
        migrate(con, views_dir=views)
    assert relations(con, "VIEW") == set()
    assert applied_migrations(con) == [
        "001_core",
        "002_alerts_feedback",
        "003_dashboard_scores",
        "004_passage_cap",
        "005_target_uncertain",
        "006_attribution_versions",
        "007_annotations_acks",
        "008_forces",
    ]
    con.close()


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["1_core.sql"], "bad file name"),
        (["001_Core.sql"], "bad file name"),
        (["001_a.sql", "001_b.sql"], "number 001 is also used"),
    ],
)
def test_misnamed_migration_files_are_refused(tmp_path, names, message):
    for name in names:
        (tmp_path / name).write_text("SELECT 1;")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    with pytest.raises(MigrationError, match=message):
        migrate(con, tmp_path, tmp_path / "no-views")
    con.close()


def test_edited_applied_migration_is_not_rerun_but_warned(tmp_path, caplog):
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "001_t.sql").write_text("CREATE TABLE t (x INTEGER);")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    assert migrate(con, migrations, tmp_path) == ["001_t"]
    (migrations / "001_t.sql").write_text("CREATE TABLE t (x INTEGER, y INTEGER);")
    assert migrate(con, migrations, tmp_path) == []
    assert "changed since it was applied" in caplog.text
    assert [c[0] for c in con.execute("DESCRIBE t").fetchall()] == ["x"]
    con.close()


def test_migration_files_ship_with_the_package():
    assert [p.name for p in sorted(Path(MIGRATIONS_DIR).glob("*.sql"))][:3] == [
        "001_core.sql",
        "002_alerts_feedback.sql",
        "003_dashboard_scores.sql",
    ]


def test_views_are_recreated_only_when_a_file_changed(tmp_path):
    views = tmp_path / "views"
    views.mkdir()
    (views / "01_one.sql").write_text(
        "-- The number one,\n-- as a view.\nCREATE OR REPLACE VIEW one AS SELECT 1 AS x;"
    )
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    migrate(con, views_dir=views)
    assert create_views(con, views) == []
    comment = con.execute("SELECT comment FROM duckdb_views() WHERE view_name = 'one'").fetchone()
    assert comment[0].startswith("The number one, as a view. [sha256 ")
    (views / "01_one.sql").write_text("CREATE OR REPLACE VIEW one AS SELECT 2 AS x;")
    assert create_views(con, views) == ["01_one"]
    assert con.execute("SELECT x FROM one").fetchall() == [(2,)]
    (views / "02_nameless.sql").write_text("SELECT 3;")
    with pytest.raises(MigrationError, match="expected one CREATE OR REPLACE VIEW"):
        create_views(con, views)
    con.close()


def test_rows_scored_before_versioned_voices_read_the_crawl_time_voice(tmp_path):
    """Migration 006 on a warehouse with scores: the old rows get no voice (NULL) and the views
    fall back to `passages`; a row scored after it carries its own voice and speaker."""
    old = tmp_path / "old_migrations"
    old.mkdir()
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        if path.name < "006_":
            shutil.copy(path, old)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    migrate(con, old, tmp_path / "no-views")
    con.execute(
        "INSERT INTO articles (url, source, source_kind, published_at, fetched_at) VALUES "
        "('https://a.example/1', 'A', 'local_news', TIMESTAMPTZ '2025-03-01 10:00+00', "
        "TIMESTAMPTZ '2025-03-01 10:00+00')"
    )
    con.execute(
        "INSERT INTO passages (article_id, position, paragraph, text, voice, speaker) VALUES "
        "(1, 0, 0, 'Jane Smith said the police let her down.', 'public', 'Jane Smith'), "
        "(1, 1, 1, 'Officers were praised.', 'media', NULL)"
    )
    con.execute("INSERT INTO models VALUES ('v1', 'old', TIMESTAMPTZ '2025-01-01 00:00+00', NULL)")
    for passage in (1, 2):
        con.execute(
            "INSERT INTO scores (passage_id, topic, label, score, p_positive, p_neutral, "
            "p_negative, topic_prob, model_version, scored_at) VALUES "
            "(?, 'general', 'neutral', 0.0, 0.0, 1.0, 0.0, 0.9, 'v1', now())",
            [passage],
        )
        con.execute(
            "INSERT INTO scored_passages (passage_id, model_version, topics, scored_at, target) "
            "VALUES (?, 'v1', 1, now(), 'force')",
            [passage],
        )
    assert migrate(con) == ["006_attribution_versions", "007_annotations_acks", "008_forces"]
    assert con.execute("SELECT voice, speaker FROM scored_passages ORDER BY 1").fetchall() == [
        (None, None),
        (None, None),
    ]
    con.execute(
        "UPDATE scored_passages SET voice = 'pcc', speaker = 'Jane Smith' WHERE passage_id = 1"
    )
    assert con.execute(
        "SELECT passage_id, voice, speaker FROM passage_scores ORDER BY 1"
    ).fetchall() == [(1, "pcc", "Jane Smith"), (2, "media", None)]
    con.execute("UPDATE scored_passages SET voice = NULL, speaker = NULL")
    assert con.execute(
        "SELECT passage_id, voice, speaker FROM passage_scores ORDER BY 1"
    ).fetchall() == [(1, "public", "Jane Smith"), (2, "media", None)]
    con.close()
