"""Event annotations, alert acknowledgements, alerts re-evaluated after corrections, and the
briefing CSVs: on real DuckDB files (the change fixture and the dashboard's synthetic one)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

import duckdb
import pandas as pd
import pytest
from change_fixture import END, fill

from core.config import Config, Force
from dashboard import briefing, charts, corrections, trends_queries
from dashboard.corrections import Change
from dashboard.filters import Filters
from pcm.alerts import LONDON, raise_alerts
from pcm.digest_data import collect_digest
from warehouse import alert_store, annotations
from warehouse.analyst import run_query
from warehouse.annotations import AnnotationError
from warehouse.connection import reader, writer

NOW = datetime.combine(END, time(21, 0), tzinfo=LONDON)
WHEN = datetime(2025, 11, 20, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The change fixture with the night's alerts raised (victim updates: 4 of 5 negative)."""
    folder = tmp_path_factory.mktemp("acks")
    cfg = Config(force=Force(name="Norfolk Constabulary"), db_path=str(folder / "w.duckdb"))
    with writer(cfg) as con:
        fill(con)
        raise_alerts(con, cfg, NOW, run_id=1)
    return folder / "w.duckdb"


@pytest.fixture
def cfg(built, tmp_path):
    """A private copy of the built warehouse."""
    db = tmp_path / "w.duckdb"
    db.write_bytes(built.read_bytes())
    return Config(force=Force(name="Norfolk Constabulary"), db_path=str(db))


def _victims_alert(cfg) -> tuple:
    con = duckdb.connect(cfg.db_path, read_only=True)
    try:
        return con.execute(
            "SELECT id, value, explanation, raised_explanation, withdrawn_at, withdrawn_reason "
            "FROM alerts WHERE topic = 'victim_updates'"
        ).fetchone()
    finally:
        con.close()


def _negative_passages(cfg) -> list[int]:
    con = duckdb.connect(cfg.db_path, read_only=True)
    try:
        rows = con.execute(
            "SELECT passage_id FROM passage_scores WHERE topic = 'victim_updates' AND day = ? "
            "AND label = 'negative' ORDER BY passage_id",
            [END],
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


def _flip(cfg, passage_id: int) -> None:
    change = [Change("stance", "victim_updates", "negative", "positive")]
    assert corrections.save(cfg, passage_id, change, "Pat Analyst", WHEN) == 1


def test_annotations_are_stored_listed_and_deleted(cfg):
    with writer(cfg) as con:
        peel = annotations.add_annotation(
            con, END, "  PEEL report   published ", "pat@force.example", now=WHEN
        )
        annotations.add_annotation(
            con, END - timedelta(days=3), "Chief constable", "Pat", "general"
        )
        annotations.add_annotation(con, END, "Road campaign", "Pat", "road_safety")
        everything = annotations.list_annotations(con)
        on_general = annotations.list_annotations(con, END - timedelta(days=5), END, ["general"])
        annotations.delete_annotation(con, peel)
        with pytest.raises(AnnotationError, match=f"no annotation {peel}"):
            annotations.delete_annotation(con, peel)
        left = [a.label for a in annotations.list_annotations(con)]
    assert [(a.day, a.topic, a.label) for a in everything] == [
        (END - timedelta(days=3), "general", "Chief constable"),
        (END, None, "PEEL report published"),
        (END, "road_safety", "Road campaign"),
    ]
    assert everything[1].added_by == "pat@force.example"
    assert everything[1].added_at == WHEN
    # a topic filter keeps that topic's annotations and those on every topic
    assert [a.label for a in on_general] == ["Chief constable", "PEEL report published"]
    assert left == ["Chief constable", "Road campaign"]
    # analysts read the plain table (`pcm sql`)
    result = run_query(cfg.db_path, "SELECT label FROM annotations ORDER BY id", timeout_s=20)
    assert [r[0] for r in result.rows] == ["Chief constable", "Road campaign"]


@pytest.mark.parametrize(
    ("day", "label", "topic", "by", "message"),
    [
        (END, "   ", None, "Pat", "label is empty"),
        (END, "x" * 121, None, "Pat", "keep it under 120"),
        (END + timedelta(days=400), "Report due", None, "Pat", "more than a year ahead"),
        (date(1999, 12, 31), "Old", None, "Pat", "before 2000"),
        (END, "Report", "weather", "Pat", "unknown topic 'weather'"),
        (END, "Report", None, " ", "say who is writing"),
    ],
)
def test_bad_annotations_are_refused_in_one_line(cfg, day, label, topic, by, message):
    with writer(cfg) as con:
        with pytest.raises(AnnotationError, match=message):
            annotations.add_annotation(con, day, label, by, topic, now=WHEN)
        assert con.execute("SELECT count(*) FROM annotations").fetchone()[0] == 0


def test_a_planned_event_within_a_year_is_allowed(cfg):
    new_id = annotations.save_annotation(cfg, END + timedelta(days=30), "Inspection due", "Pat")
    assert new_id == 1


def test_acknowledging_an_alert_records_who_when_and_a_note(cfg):
    alert_id = _victims_alert(cfg)[0]
    ack = annotations.save_ack(cfg, alert_id, "pat@force.example", " Called the editor ", WHEN)
    assert (ack.acknowledged_by, ack.acknowledged_at, ack.note) == (
        "pat@force.example",
        WHEN,
        "Called the editor",
    )
    with pytest.raises(AnnotationError, match=r"already acknowledged by pat@force\.example"):
        annotations.save_ack(cfg, alert_id, "Sam", None, WHEN)
    with pytest.raises(AnnotationError, match="no alert 999"):
        annotations.save_ack(cfg, 999, "Sam")
    with pytest.raises(AnnotationError, match="say who"):
        annotations.save_ack(cfg, alert_id, "")
    with reader(cfg.db_path) as con:
        assert set(annotations.acks(con)) == {alert_id}
        rows = con.execute("SELECT alert_id, acknowledged_by, note FROM alert_acks").fetchall()
    assert rows == [(alert_id, "pat@force.example", "Called the editor")]


def test_a_correction_changes_the_alerts_count_then_withdraws_it(cfg):
    first = _victims_alert(cfg)
    assert first[1] == pytest.approx(0.8)
    assert first[2].startswith("Keeping victims updated: 4 of 5 stories")
    negative = _negative_passages(cfg)
    assert len(negative) == 4
    _flip(cfg, negative[0])
    after_one = _victims_alert(cfg)
    assert after_one[1] == pytest.approx(0.6)
    assert after_one[2].startswith("Keeping victims updated: 3 of 5 stories")
    assert after_one[3] == first[2]  # as first raised
    assert after_one[4] is None
    _flip(cfg, negative[1])
    assert _victims_alert(cfg)[2].startswith("Keeping victims updated: 2 of 5 stories")
    _flip(cfg, negative[2])  # 1 of 5: the rise is within chance, and one story a day
    withdrawn = _victims_alert(cfg)
    assert withdrawn[4] == WHEN
    assert withdrawn[5] == "withdrawn after corrections"
    # the digest leaves it out; the other alert (officer conduct) stays
    con = duckdb.connect(cfg.db_path, read_only=True)
    try:
        digest = collect_digest(con, cfg, NOW, run_id=1)
    finally:
        con.close()
    assert {a.topic for a in digest.alerts} == {"officer_conduct"}
    # a correction undone brings it back, with the current figures
    change = [Change("stance", "victim_updates", "positive", "negative")]
    corrections.save(cfg, negative[2], change, "Pat Analyst", WHEN)
    back = _victims_alert(cfg)
    assert back[4] is None
    assert back[2].startswith("Keeping victims updated: 2 of 5 stories")


def test_the_scoped_rule_agrees_with_the_views(cfg):
    with writer(cfg) as con:
        whole = alert_store.detect_spikes(con, cfg.alerts, END - timedelta(days=40), END)
        rule = alert_store.scoped_rule(con, cfg.alerts, END - timedelta(days=40), END)
        try:
            scoped = alert_store.detect_spikes(rule, cfg.alerts, END - timedelta(days=40), END)
        finally:
            rule.close()
    assert [vars(s) for s in scoped] == [vars(s) for s in whole]
    assert {s.topic for s in whole} == {"victim_updates", "officer_conduct"}


def test_the_nightly_run_revises_alerts_after_corrections_made_elsewhere(cfg):
    from warehouse.feedback import add_feedback

    negative = _negative_passages(cfg)
    with writer(cfg) as con:
        for pid in negative[:3]:
            add_feedback(con, pid, "stance", "positive", "script", topic="victim_updates")
        assert raise_alerts(con, cfg, NOW, run_id=2) == []  # nothing new, and ...
        reason = con.execute(
            "SELECT withdrawn_reason FROM alerts WHERE topic = 'victim_updates'"
        ).fetchone()[0]
    assert reason.startswith("withdrawn")  # ... the stored one no longer holds


def test_annotations_reach_the_charts_data(cfg):
    annotations.save_annotation(cfg, END, "PEEL report published", "Pat")
    annotations.save_annotation(cfg, END, "Road campaign", "Pat", "road_safety")
    marks = trends_queries.annotations(
        cfg.db_path, "test-version", END - timedelta(days=7), END, ("victim_updates",)
    )
    assert marks["text"].tolist() == ["PEEL report published"]
    weekly = trends_queries.with_gaps(
        pd.DataFrame(
            {
                "week": [END - timedelta(days=END.weekday())],
                "topic": ["victim_updates"],
                "stories": [5],
                "negative": [4],
                "positive": [1],
                "outlets": [3],
                "share": [0.8],
                "share_low": [0.38],
                "share_high": [0.96],
                "net_score": [-0.5],
            }
        ),
        ("victim_updates",),
        END - timedelta(days=7),
        END,
    ).assign(label="Keeping victims updated")
    spec = json.dumps(charts.weekly_share_chart(weekly, "t", marks).to_dict())
    assert "PEEL report published" in spec
    assert "Road campaign" not in spec


def test_briefing_file_names_carry_page_dates_and_filters():
    f = Filters(start=date(2026, 11, 1), end=date(2026, 12, 6), topics=("stop_and_search",))
    assert briefing.file_name("trends", f.start, f.end, briefing.filter_parts(f)) == (
        "pcm-trends_2026-11-01_2026-12-06_topic-stop-and-search.csv"
    )
    g = Filters(
        start=date(2026, 11, 1),
        end=date(2026, 12, 6),
        topics=("road_safety", "general"),
        outlets=("Eastern Daily Press",),
        external_only=False,
    )
    assert briefing.file_name("alerts", g.start, g.end, briefing.filter_parts(g)) == (
        "pcm-alerts_2026-11-01_2026-12-06_topic-road-safety+general_"
        "outlet-eastern-daily-press_with-force-voice.csv"
    )
    many = Filters(start=f.start, end=f.end, outlets=tuple(f"Outlet {i}" for i in range(40)))
    long = briefing.file_name("trends", f.start, f.end, briefing.filter_parts(many))
    assert long.endswith("_more-filters.csv")
    assert len(long) <= briefing.MAX_NAME + len(".csv")
