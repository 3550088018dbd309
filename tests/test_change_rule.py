"""The one change rule (views 07-10): its numbers, and Overview, digest and alerts agreeing."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

import duckdb
import pytest
from change_fixture import ALERTED, END, MOVED, fill
from streamlit.testing.v1 import AppTest

from core.config import Alerts, Config, Force
from demo.synthetic import write_fixture_config
from pcm.alerts import LONDON, raise_alerts
from pcm.digest_data import collect_digest
from pcm.digest_render import render_html, render_markdown
from warehouse.change_rule import topic_changes
from warehouse.connection import writer

APP = str(Path(__file__).resolve().parents[1] / "app.py")
NOW = datetime.combine(END, time(21, 0), tzinfo=LONDON)  # the nightly run on END's evening


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    """The change fixture with the night's alerts raised, and its config."""
    folder = tmp_path_factory.mktemp("change")
    cfg = Config(force=Force(name="Norfolk Constabulary"), db_path=str(folder / "w.duckdb"))
    with writer(cfg) as con:
        fill(con)
        raise_alerts(con, cfg, NOW, run_id=1)
    return cfg, write_fixture_config(folder)


def test_verdicts_intervals_and_reasons(warehouse):
    cfg, _ = warehouse
    con = duckdb.connect(cfg.db_path, read_only=True)
    try:
        got = topic_changes(con, cfg.alerts, END)
        everyone = topic_changes(con, cfg.alerts, END, voices="all")
        stricter = topic_changes(con, Alerts(min_stories=6), END)
    finally:
        con.close()
    assert {t: c.verdict for t, c in got.items() if c.moved} == MOVED
    victims = got["victim_updates"]
    assert (victims.stories, victims.negative, victims.outlets) == (5, 4, 3)
    assert (victims.base_stories, victims.base_negative) == (10, 0)
    # Wilson 95% for 4 of 5: 0.376 to 0.964; Newcombe's interval for 0.8 - 0: 0.293 to 0.964
    assert victims.share_low == pytest.approx(0.3755, abs=1e-3)
    assert victims.share_high == pytest.approx(0.9638, abs=1e-3)
    assert victims.change_low == pytest.approx(0.293, abs=1e-3)
    assert got["road_safety"].reason == "only 2 stories this week (3 needed)"
    assert got["domestic_abuse"].reason == "all from one outlet"  # though 4 of 4 negative
    assert got["officer_conduct"].outlets == 3  # A, B and C, which syndicated A's story
    assert got["general"].reason == "no stories this week"  # only the force's own words
    assert everyone["general"].verdict == "worsening"  # ... which count with every voice
    assert not stricter["victim_updates"].moved  # alerts.min_stories = 6: 5 are too few


def test_overview_digest_and_alerts_agree(warehouse, tmp_path, monkeypatch):
    cfg, config_path = warehouse
    con = duckdb.connect(cfg.db_path, read_only=True)
    try:
        alerts = con.execute("SELECT day, topic, kind, article_ids FROM alerts").fetchall()
        digest = collect_digest(con, cfg, NOW, run_id=1)
    finally:
        con.close()
    assert {(day, topic) for day, topic, _, _ in alerts} == {(END, t) for t in ALERTED}
    assert {kind for _, _, kind, _ in alerts} == {"worsening"}
    assert {m.topic: m.verdict for m in digest.moves} == MOVED
    assert [m.topic for m in digest.moves][-1] == "stop_and_search"  # worsening first
    assert {a.topic for a in digest.alerts} == ALERTED
    md = render_markdown(digest)
    assert "| Keeping victims updated | Worsening | 80% of 5 stories (95% interval 38%-96%)" in md
    assert "victim_updates" not in md
    assert "victim_updates" not in render_html(digest)

    monkeypatch.setenv("PCM_CONFIG", str(config_path))
    monkeypatch.setenv("PCM_DB", cfg.db_path)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    badges = dict(
        zip(
            [m.label for m in at.metric],
            [m.value for m in at.markdown if "badge[" in m.value and "alert]" not in m.value],
            strict=True,
        )
    )
    assert {k: v.split("]")[0].split()[-1] for k, v in badges.items() if "clear" not in v} == {
        "Keeping victims updated": "worsening",
        "Officer conduct": "worsening",
        "Stop and search": "improving",
    }
    card = next(m for m in at.metric if m.label == "Keeping victims updated")
    assert card.value == "80% negative"
    assert card.delta == "+80 points vs the weeks before"
    text = "\n".join(m.value for m in at.markdown) + "\n".join(c.value for c in at.caption)
    assert text.index("Keeping victims updated") < text.index("Stop and search")
    assert "Net score: how favourable the coverage is" in text
    assert "only 2 stories this week \\(3 needed\\)" in text
    for raw in ("victim_updates", "stop_and_search", "None", "P(positive)"):
        assert raw not in text, raw
    # The alert badges sit on the worsening cards only.
    alert_titles = [m.value for m in at.markdown if "⚠" in m.value]
    assert sorted(alert_titles) == [
        "**Keeping victims updated** :orange-badge[⚠ 1 alert]",
        "**Officer conduct** :orange-badge[⚠ 1 alert]",
    ]


def test_an_empty_week_is_a_gap_in_topic_weekly(warehouse):
    cfg, _ = warehouse
    con = duckdb.connect(cfg.db_path, read_only=True)
    try:
        weeks = con.execute(
            "SELECT week, stories, negative FROM topic_weekly "
            "WHERE voices = 'external' AND topic = 'victim_updates' ORDER BY week"
        ).fetchall()
    finally:
        con.close()
    monday = END - timedelta(days=END.weekday())
    assert [w for w, _, _ in weeks] == [
        monday - timedelta(weeks=4),
        monday - timedelta(weeks=3),
        monday - timedelta(weeks=2),
        monday,  # the week before END's has no story: no row, not a zero
    ]
    assert weeks[-1][1:] == (5, 4)
