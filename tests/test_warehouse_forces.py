"""Many forces in the warehouse: views per force, `pcm sql --force`, alerts and digests per
force, and a warehouse from before forces were recorded (issue 16, item 1). No model: the
synthetic warehouse of `demo.synthetic` with its articles spread over six forces."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from core.config import load_config
from demo.synthetic import build_fixture
from pcm import nightly_stages as stages
from pcm.alerts import raise_alerts
from pcm.cli import main
from pcm.digest_data import collect_digest
from pcm.nightly_record import RunResult
from warehouse.connection import reader, writer
from warehouse.migrate import MIGRATIONS_DIR, migrate


@pytest.fixture(scope="module")
def six(tmp_path_factory):
    return build_fixture(tmp_path_factory.mktemp("six"), passages=4000, forces=6)


def sql(capsys, fx, *args) -> list[dict]:
    code = main(["sql", "--config", str(fx.config), "--db", str(fx.db), "--format", "json", *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def test_sql_answers_for_the_force_asked(capsys, six):
    query = "SELECT DISTINCT force_id FROM passage_scores ORDER BY 1"
    assert sql(capsys, six, query) == [{"force_id": "norfolk"}]  # the default force
    assert sql(capsys, six, "--force", "cheshire", query) == [{"force_id": "cheshire"}]
    every = {r["force_id"] for r in sql(capsys, six, "--force", "*", query)}
    assert len(every) == 6
    code = main(["sql", "--config", str(six.config), "--db", str(six.db), "--force", "kent", query])
    assert code == 1
    assert "no force with id 'kent'" in capsys.readouterr().err


def test_comparison_view_counts_each_force_s_stories_with_intervals(capsys, six):
    start = (six.end_day - timedelta(days=27)).isoformat()
    rows = sql(
        capsys,
        six,
        "--force", "*", "--from", start, "--to", six.end_day.isoformat(),
        "SELECT force_id, topic, stories, negative, negative_share, negative_low, negative_high, "
        "enough FROM force_topic_comparison WHERE voices = 'external'",
    )  # fmt: skip
    assert {r["force_id"] for r in rows} == {
        "norfolk", "avon-and-somerset", "bedfordshire", "cambridgeshire", "cheshire",
        "city-london",
    }  # fmt: skip
    for r in rows:
        assert r["negative_share"] == pytest.approx(r["negative"] / r["stories"])
        assert r["negative_low"] <= r["negative_share"] <= r["negative_high"]
    # each force's stories are its own: the comparison of one force equals its own view
    one = sql(
        capsys, six, "--force", "cheshire", "--from", start, "--to", six.end_day.isoformat(),
        "SELECT topic, stories FROM force_topic_comparison WHERE voices = 'external'",
    )  # fmt: skip
    mine = {(r["topic"], r["stories"]) for r in rows if r["force_id"] == "cheshire"}
    assert {(r["topic"], r["stories"]) for r in one} == mine


def test_alerts_and_digests_are_per_force(tmp_path):
    two = build_fixture(tmp_path, passages=20_000, forces=2)  # enough stories a week for alerts
    cfg = load_config(two.config, str(two.db))
    now = datetime.combine(two.end_day, datetime.min.time(), UTC) + timedelta(hours=20)
    with writer(cfg) as con:
        con.execute("DELETE FROM alerts")
        ids = raise_alerts(con, cfg, now, days=14)
        rows = con.execute("SELECT force_id, explanation FROM alerts").fetchall()
        digests = {f.id: collect_digest(con, cfg, now, force_id=f.id) for f in cfg.forces}
    assert ids, "the synthetic drift raises some alerts"
    names = {f.id: f.name for f in cfg.forces}
    for force, explanation in rows:
        assert force in names
        assert f"negative about {names[force]}" in explanation
    for force, digest in digests.items():
        assert digest.force == names[force]
        assert {a.id for a in digest.alerts} <= {i for i in ids}
        assert all(f"about {names[force]}" in a.explanation for a in digest.alerts)
    assert len({f for f, _ in rows}) > 1  # several forces raised alerts of their own
    # each force's alert is judged on its own passages: the same day and topic may differ
    with writer(cfg) as con:
        again = raise_alerts(con, cfg, now, days=14)
    assert again == []  # unique per force, day, topic and kind: nothing raised twice


def test_an_old_warehouse_gives_its_alerts_to_the_default_force(tmp_path):
    old = tmp_path / "old"
    old.mkdir()
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        if path.name < "008":
            (old / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    migrate(con, old, tmp_path / "no-views")
    con.execute(
        "INSERT INTO alerts (day, topic, kind, value, baseline, threshold, explanation, "
        "created_at) VALUES (DATE '2026-11-01', 'general', 'worsening', 0.5, 0.1, 0.2, 'x', now())"
    )
    con.close()
    config = tmp_path / "c.yaml"
    config.write_text(
        "forces:\n  - {id: north, name: Northshire Police}\n  - {id: south, name: South Police}\n",
        encoding="utf-8",
    )
    cfg = load_config(config, str(db))
    with writer(cfg):
        pass  # migrates to 008, then records the forces
    with reader(str(db)) as con:
        assert con.execute("SELECT id, force_id FROM alerts").fetchall() == [(1, "north")]
        assert con.execute("SELECT id FROM forces ORDER BY position").fetchall() == [
            ("north",),
            ("south",),
        ]


def test_day_arguments_are_checked(capsys, six):
    with pytest.raises(SystemExit) as stopped:
        main(["sql", "--config", str(six.config), "--from", "1 Nov", "SELECT 1"])
    assert stopped.value.code == 2
    assert "expected a day as YYYY-MM-DD, got '1 Nov'" in capsys.readouterr().err


def test_the_nightly_digest_stage_writes_one_digest_per_force(six, tmp_path):
    cfg = load_config(six.config, str(tmp_path / "w.duckdb"))
    (tmp_path / "w.duckdb").write_bytes(six.db.read_bytes())
    cfg = cfg.model_copy(
        update={
            "digest": cfg.digest.model_copy(
                update={"out_dir": str(tmp_path / "r"), "dashboard_url": "https://dash.example"}
            )
        }
    )
    result = RunResult(run_id=None)
    now = datetime.combine(six.end_day, datetime.min.time(), UTC) + timedelta(hours=20)
    stages.digest(cfg, result, lambda: now)
    folders = sorted(p.name for p in (tmp_path / "r").iterdir())
    assert folders == sorted(f.id for f in cfg.forces)
    day = f"digest-{six.end_day:%Y-%m-%d}"
    for force in cfg.forces:
        html = (tmp_path / "r" / force.id / f"{day}.html").read_text(encoding="utf-8")
        assert f"{force.name}: public confidence digest" in html
        assert f'href="https://dash.example/?force={force.id}"' in html  # opens this force
    counts = result.counts["digest"]
    assert set(counts["forces"]) == {f.id for f in cfg.forces}
    assert len(counts["files"]) == 2 * len(cfg.forces)  # HTML and Markdown each
    assert counts["stories"] == sum(c["stories"] for c in counts["forces"].values())


def test_an_annotation_belongs_to_one_force_or_to_every_force(six, tmp_path):
    from datetime import date

    from warehouse.annotations import add_annotation, list_annotations

    cfg = load_config(six.config, str(tmp_path / "w.duckdb"))
    (tmp_path / "w.duckdb").write_bytes(six.db.read_bytes())
    day = date(2026, 11, 2)
    with writer(cfg) as con:
        add_annotation(con, day, "Cheshire PEEL report published", "a@x.example", None,
                       force_id="cheshire")  # fmt: skip
        add_annotation(con, day, "National stop and search data", "a@x.example", None)
        shown = {
            force: [a.label for a in list_annotations(con, day, day, (), force)]
            for force in ("cheshire", "norfolk", None)
        }
    assert shown == {
        "cheshire": ["Cheshire PEEL report published", "National stop and search data"],
        "norfolk": ["National stop and search data"],
        None: ["Cheshire PEEL report published", "National stop and search data"],
    }
