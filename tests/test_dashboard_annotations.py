"""AppTest runs of the Trends and Alerts pages: annotations added from the page and drawn on the
charts, alerts acknowledged and withdrawn after corrections, and the briefing CSVs."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

import duckdb
import pytest
from change_fixture import END, fill
from dashboard_apptest import open_page, wire
from streamlit.testing.v1 import AppTest

from core.config import Config, Force
from dashboard import corrections, queries
from dashboard.corrections import Change
from demo.synthetic import build_fixture, write_fixture_config
from pcm.alerts import LONDON, raise_alerts
from warehouse.connection import writer


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_fixture(tmp_path_factory.mktemp("dash-notes"), passages=600)


@pytest.fixture
def fixture(built, tmp_path, monkeypatch):
    return wire(built, tmp_path, monkeypatch)


def _app(page: str, **params) -> AppTest:
    return open_page(page, **params)


def _chart_text(at: AppTest) -> str:
    """Every chart's spec and data, as text (Altair's data travel as Arrow datasets)."""
    out = []
    for chart in at.get("vega_lite_chart"):
        out.append(chart.proto.spec)
        out += [d.data.data.decode("utf-8", "replace") for d in chart.proto.datasets]
    return "\n".join(out)


def _rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("grain", ["week", "day"])
def test_an_annotation_added_on_trends_is_drawn_on_the_chart(fixture, grain):
    at = _app("trends", topic=["road_safety"], grain=grain)
    at.date_input(key="annotation_day").set_value(fixture.end_day)
    at.text_input(key="annotation_label").set_value("PEEL report published")
    at.text_input(key="annotation_by").set_value("Pat Analyst")
    next(b for b in at.button if b.label == "Add annotation").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Added “PEEL report published”" in at.success[0].value
    assert _rows(fixture.db, "SELECT day, topic, label, added_by FROM annotations") == [
        (fixture.end_day, None, "PEEL report published", "Pat Analyst")
    ]
    assert "PEEL report published" in _chart_text(at)
    file_names = [b.proto.help.removeprefix("Saves ") for b in at.get("download_button")]
    page = "trends" if grain == "week" else "trends-daily"
    assert any(
        n.startswith(f"pcm-{page}_") and n.endswith("_topic-road-safety.csv") for n in file_names
    ), file_names


def test_an_empty_label_is_refused_on_the_page(fixture):
    at = _app("trends", topic=["road_safety"])
    at.text_input(key="annotation_by").set_value("Pat Analyst")
    next(b for b in at.button if b.label == "Add annotation").click().run()
    assert "label is empty" in at.error[0].value
    assert _rows(fixture.db, "SELECT count(*) FROM annotations") == [(0,)]


def test_acknowledging_an_alert_greys_it_with_who_and_when(fixture):
    at = _app("alerts", topic=["road_safety"])
    (alert_id,) = _rows(fixture.db, "SELECT id FROM alerts WHERE topic = 'road_safety'")[0]
    at.text_area(key=f"ack_note_{alert_id}").set_value("Briefed the press office")
    at.text_input(key=f"ack_by_{alert_id}").set_value("Pat Analyst")
    next(b for b in at.button if b.label == "Acknowledge").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Acknowledged the alert as Pat Analyst" in at.success[0].value
    text = "\n".join(m.value for m in at.markdown)
    assert "Acknowledged by Pat Analyst on " in text
    assert "Briefed the press office" in text
    assert [s.value for s in at.subheader] == ["Acknowledged (1)"]
    (who, note) = _rows(fixture.db, "SELECT acknowledged_by, note FROM alert_acks")[0]
    assert (who, note) == ("Pat Analyst", "Briefed the press office")
    names = [b.proto.help.removeprefix("Saves ") for b in at.get("download_button")]
    assert any(n.startswith("pcm-alerts_") and n.endswith("_topic-road-safety.csv") for n in names)


def test_alerts_page_shows_the_count_after_corrections_and_withdrawn_alerts(tmp_path, monkeypatch):
    cfg = Config(force=Force(name="Norfolk Constabulary"), db_path=str(tmp_path / "w.duckdb"))
    with writer(cfg) as con:
        fill(con)
        raise_alerts(con, cfg, datetime.combine(END, time(21, 0), tzinfo=LONDON), run_id=1)
        negative = [
            r[0]
            for r in con.execute(
                "SELECT passage_id FROM passage_scores WHERE topic = 'victim_updates' "
                "AND day = ? AND label = 'negative' ORDER BY passage_id",
                [END],
            ).fetchall()
        ]
    monkeypatch.setenv("PCM_CONFIG", str(write_fixture_config(tmp_path)))
    monkeypatch.setenv("PCM_DB", cfg.db_path)
    flip = [Change("stance", "victim_updates", "negative", "positive")]
    when = datetime(2025, 11, 20, 9, 0, tzinfo=UTC)
    corrections.save(cfg, negative[0], flip, "Pat", when)
    at = _app("alerts")
    text = "\n".join(m.value for m in at.markdown)
    assert "3 of 5 stories" in text  # was 4 of 5 when raised
    assert "60% of the week's stories were negative" in text
    for pid in negative[1:3]:
        corrections.save(cfg, pid, flip, "Pat", when)
    queries.clear(cfg.db_path)  # as the Review page does after a save
    at = _app("alerts")
    assert [s.value for s in at.subheader] == ["Withdrawn after corrections (1)"]
    text = "\n".join(m.value for m in at.markdown)
    assert "Withdrawn after corrections on 20 Nov 2025" in text
