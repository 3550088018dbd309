"""AppTest runs of every dashboard page against a small fixture warehouse, with concrete values."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from dashboard_apptest import APP, TIMEOUT, open_page, wire
from streamlit.testing.v1 import AppTest

from dashboard import queries, trends_queries, widgets
from dashboard.filters import Filters
from demo.synthetic import build_fixture


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_fixture(tmp_path_factory.mktemp("dash"))


@pytest.fixture
def fixture(built, tmp_path, monkeypatch):
    """A private copy of the fixture per test, wired in through PCM_CONFIG / PCM_DB."""
    return wire(built, tmp_path, monkeypatch)


def _metric(at: AppTest, label: str):
    found = [m for m in at.metric if m.label == label]
    assert found, f"no metric {label!r} in {[m.label for m in at.metric]}"
    return found[0]


def _markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_overview_cards_show_this_week_against_the_baseline(fixture):
    at = open_page()
    card = _metric(at, "Road safety")
    # External voices only: this week one positive story (0.0, +0.8) and one negative (-0.7,
    # -0.5); one positive story in the four weeks before. Two stories are too few to judge.
    assert card.value == "50% negative"
    assert card.delta == "+50 points vs the weeks before"
    assert len(at.metric) == 13  # a card per topic
    assert at.metric[0].label == "Road safety"  # nothing worsening: the alerted topic first
    text = _markdown(at)
    assert "**Road safety** :orange-badge[⚠ 1 alert]" in text
    assert "no clear change] only 2 stories this week \\(3 needed\\)" in text
    captions = "\n".join(c.value for c in at.caption)
    assert "net score -0.10 over 4 passages" in captions  # (0.0 + 0.8 - 0.7 - 0.5) / 4
    assert any(b.label == "Download CSV" for b in at.download_button)
    assert any(b.label == "Download briefing (PDF)" for b in at.download_button)


def test_freshness_and_no_auth_banner_on_every_page(fixture):
    for page in (None, "trends", "stories", "alerts", "sources", "review"):
        at = open_page(page)
        side = "\n".join(m.value for m in at.sidebar.markdown)
        assert "**Last successful run:**" in side
        assert "**Newest article fetched:**" in side
        assert "No authentication" in at.sidebar.warning[0].value
        # The synthetic run of 3 days ago failed, but the newest one succeeded: no warning.
        assert len(at.sidebar.warning) == 1


def test_external_voices_toggle_brings_the_force_back(fixture):
    at = open_page()
    at.toggle(key="external").set_value(False).run()
    captions = "\n".join(c.value for c in at.caption)
    assert "net score +0.10 over 5 passages" in captions  # + the force's own +0.9


def test_filters_come_from_the_url(fixture):
    at = open_page(topic=["road_safety"], external="false")
    assert [m.label for m in at.metric] == ["Road safety"]
    assert at.metric[0].value == "50% negative"
    assert "net score +0.10" in "\n".join(c.value for c in at.caption)
    assert at.multiselect(key="topic").value == ["road_safety"]


def test_trends_page_rolling_score_band_and_alert(fixture):
    at = open_page("trends", topic=["road_safety"], grain="day")
    assert len(at.get("vega_lite_chart")) == 1  # the trend above the volume bars
    table = at.dataframe[0].value
    last = table[table["day"] == table["day"].max()].iloc[0]
    assert last["topic"] == "road_safety"
    assert last["rolling_net"] == pytest.approx(-0.10)
    assert last["low"] < last["rolling_net"] < last["high"]
    assert last["passages"] == 4


def test_trends_split_by_voice(fixture):
    at = open_page("trends", topic=["road_safety"], grain="day", split="voice")
    table = at.dataframe[0].value
    assert set(table["voice"]) == {"media", "public", "inspectorate"}
    assert [s.value for s in at.subheader] == ["Road safety"]


def test_stories_page_lists_titles_and_stances(fixture):
    at = open_page("stories", topic=["road_safety"])
    table = at.dataframe[0].value
    rows = table.set_index("title")
    # the table shows stances in words (the query keeps the ids: see the next test)
    assert rows.loc["Families criticise slow response to A11 collision", "stances"] == (
        "Road safety: critical"
    )
    assert rows.loc["Speed cameras praised after crash figures fall", "stances"] == (
        "Road safety: favourable"
    )
    assert rows.loc["Families criticise slow response to A11 collision", "net"] == (
        pytest.approx(-0.6)
    )
    assert table["net"].tolist() == sorted(table["net"].tolist())  # most negative first


def test_opening_a_story_shows_its_passages(fixture):
    at = open_page("stories", article=str(fixture.known.criticised))
    text = _markdown(at)
    assert "A relative said police took forty minutes to arrive\\." in text
    assert "public · Ann Smith" in text
    assert ":orange-badge[▼ negative]" in text
    assert at.link_button[0].proto.url == (
        "https://known.example/families-criticise-slow-response-to-a11-collision"
    )
    assert at.selectbox(key="story_choice").value == fixture.known.criticised


def test_story_stances_match_the_article_topics_view(fixture):
    """The Stories page evaluates the warehouse's own article views over its snapshot."""
    version, _ = queries.data_version(str(fixture.db))
    f = Filters(
        start=fixture.end_day.replace(year=fixture.end_day.year - 2),
        end=fixture.end_day,
        external_only=False,
    )
    ours = queries.stories(str(fixture.db), version, f, "Newest first", 100000)
    con = duckdb.connect(str(fixture.db), read_only=True)
    try:
        view = con.execute(
            "SELECT article_id, string_agg(topic || ': ' || stance, ', ' "
            "ORDER BY topic) FROM article_topics GROUP BY article_id"
        ).fetchall()
    finally:
        con.close()
    assert dict(zip(ours["id"], ours["stances"], strict=True)) == dict(view)


def test_alerts_page_explains_and_links_stories(fixture):
    at = open_page("alerts", topic=["road_safety"])
    text = _markdown(at)
    assert widgets.escape("against a 28-day average of 0.1") in text
    labels = [p.value for p in at.page_link]
    assert labels == ["Families criticise slow response to A11 collision (The Guardian)"]


def test_sources_page_flags_silent_sources(fixture):
    at = open_page("sources")
    table = at.dataframe[0].value.set_index("source")
    assert table.loc["Lynn News", "state"] == "No new articles"  # nothing new for 12 days
    assert table.loc["Diss Express", "state"] == "Not crawled yet"  # configured, never crawled
    assert table.loc["Eastern Daily Press", "state"] == "Working"
    assert table.loc["Lynn News", "errors"] > 0
    assert table.index[0] == "Lynn News"  # the worst state first, then the most errors
    # Lynn News, Great Yarmouth Mercury, Norfolk PCC, Norwich Evening News and HMICFRS, whose
    # newest article is from the day before the window (today and the six days before) opens,
    # whatever the hour the test runs at
    assert _metric(at, "No new articles (7 days)").value == "5"
    assert table.loc["HMICFRS", "state"] != "Working"
    assert table.loc["Norfolk Constabulary newsroom", "new_articles"] > 0
    errors = at.dataframe[1].value
    # reasons in words, never the codes
    assert {"page not found (HTTP 404)", "timed out"} <= set(errors["reason"])
    shown = " ".join(str(v) for v in table.to_numpy().ravel())
    assert "None" not in shown
    assert "local_news" not in shown


def test_review_correction_changes_the_overview(fixture):
    pid = fixture.known.criticised_first_passage
    at = open_page("review", passage=str(pid))
    assert "A relative said police took forty minutes to arrive\\." in _markdown(at)
    at.selectbox(key=f"stance_{pid}_road_safety").set_value("positive")
    at.text_input(key="reviewer").set_value("Pat Analyst")
    at.button[0].click().run()  # the form's submit button
    assert not at.exception
    assert "Saved 1 correction of passage" in at.success[0].value
    con = duckdb.connect(str(fixture.db), read_only=True)
    try:
        rows = con.execute(
            "SELECT passage_id, field, topic, old_value, new_value, author FROM feedback"
        ).fetchall()
    finally:
        con.close()
    assert rows == [(pid, "stance", "road_safety", "negative", "positive", "Pat Analyst")]
    at.switch_page("dashboard/overview.py").run()
    # -0.7 became +1.0: the story is mixed now (+1.0, -0.5), not negative
    assert _metric(at, "Road safety").value == "0% negative"
    assert "net score +0.33" in "\n".join(c.value for c in at.caption)


def test_review_needs_a_name_and_a_change(fixture):
    pid = fixture.known.criticised_first_passage
    at = open_page("review", passage=str(pid))
    at.selectbox(key=f"stance_{pid}_road_safety").set_value("neutral")
    at.button[0].click().run()
    assert "say who is correcting" in at.error[0].value
    at.text_input(key="reviewer").set_value("Pat Analyst")
    at.selectbox(key=f"stance_{pid}_road_safety").set_value("negative")
    at.button[0].click().run()
    assert "Nothing changed" in at.warning[0].value
    con = duckdb.connect(str(fixture.db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM feedback").fetchone()[0] == 0
    finally:
        con.close()


def test_review_adds_and_removes_topics_and_voice(fixture):
    pid = fixture.known.criticised_first_passage
    at = open_page("review", passage=str(pid))
    at.checkbox(key=f"remove_{pid}_road_safety").check()
    at.selectbox(key=f"add_{pid}").set_value("emergency_response")
    at.selectbox(key=f"add_stance_{pid}").set_value("negative")
    at.selectbox(key=f"voice_{pid}").set_value("government")
    at.text_input(key="reviewer").set_value("Pat Analyst")
    at.button[0].click().run()
    assert "Saved 3 corrections" in at.success[0].value
    text = _markdown(at)
    assert "Emergency response :orange-badge[▼ negative]" in text
    assert "Road safety" not in text.split("passage")[0]
    assert "🗣 government" in text


def test_missing_warehouse_says_what_to_do(fixture, tmp_path, monkeypatch):
    monkeypatch.setenv("PCM_DB", str(tmp_path / "nothing.duckdb"))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert "no warehouse at" in at.error[0].value
    assert "pcm run" in at.error[0].value


def test_bad_config_is_one_clear_line(tmp_path, monkeypatch):
    bad = tmp_path / "bad.yaml"
    bad.write_text("force: {name: Norfolk}\nsurprise: 1\n", encoding="utf-8")
    monkeypatch.setenv("PCM_CONFIG", str(bad))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert "surprise: unknown field" in at.error[0].value


def test_every_page_copes_with_an_empty_warehouse(tmp_path, monkeypatch):
    from demo.synthetic import write_fixture_config
    from warehouse.migrate import migrate

    db = tmp_path / "empty.duckdb"
    con = duckdb.connect(str(db))
    migrate(con)
    con.close()
    monkeypatch.setenv("PCM_CONFIG", str(write_fixture_config(tmp_path)))
    monkeypatch.setenv("PCM_DB", str(db))
    at = open_page()
    assert {m.value for m in at.metric} == {"—"}
    assert "**Last successful run:** never" in "\n".join(m.value for m in at.sidebar.markdown)
    for page in ("trends", "stories", "alerts", "sources", "review"):
        at.switch_page(f"dashboard/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not at.error, (page, [e.value for e in at.error])


def test_bad_ids_in_the_url_are_explained_not_raised(fixture):
    at = open_page("stories", article="999999")
    assert "There is no story 999999" in at.warning[0].value
    at = open_page("stories", article="not-a-number")
    assert at.selectbox(key="story_choice").value is None
    assert not at.main.warning
    at = open_page("review", passage="999999")
    assert "There is no passage 999999" in at.warning[0].value


def _set_runs(db: Path, newest_success_hours_ago: float | None) -> None:
    """Move the fixture's runs so that the newest success is this many hours old (None: no
    run ever succeeded)."""
    con = duckdb.connect(str(db))
    try:
        if newest_success_hours_ago is None:
            con.execute("UPDATE runs SET status = 'failed', error = 'crawl: every source failed'")
        else:
            shift = con.execute(
                "SELECT now() - INTERVAL (?) HOUR - max(coalesce(finished_at, started_at)) "
                "FROM runs WHERE status = 'success'",
                [newest_success_hours_ago],
            ).fetchone()[0]
            con.execute(
                "UPDATE runs SET started_at = started_at + ?, finished_at = finished_at + ?",
                [shift, shift],
            )
    finally:
        con.close()


@pytest.mark.parametrize(
    ("hours", "banner"),
    [
        (30, "No nightly run has succeeded since"),
        (None, "No nightly run has succeeded yet"),
        (2, None),
    ],
)
def test_a_stopped_nightly_job_is_said_above_every_page(fixture, hours, banner):
    _set_runs(fixture.db, hours)
    for page in (None, "stories"):
        at = open_page(page)
        errors = [e.value for e in at.error]
        if banner is None:
            assert not errors
        else:
            assert any(banner in e for e in errors), errors
            if hours is not None:
                assert any(f"({hours} hours ago)" in e for e in errors), errors


def test_trends_default_to_weeks_of_stories_with_gaps(fixture):
    at = open_page("trends", topic=["road_safety"])
    assert len(at.get("vega_lite_chart")) == 1
    captions = "\n".join(c.value for c in at.caption)
    assert "Week by week, counting stories." in captions
    assert any(b.label == "Download chart (PNG)" for b in at.download_button)
    table = at.dataframe[0].value
    assert set(table["topic"]) == {"road_safety"}
    assert (table["stories"] > 0).all()
    assert ((table["share_low"] <= table["share"]) & (table["share"] <= table["share_high"])).all()
    # the same weeks as the warehouse's own view gives them (the first week may be cut by the
    # date filter, so it is left out of the comparison)
    con = duckdb.connect(str(fixture.db), read_only=True)
    try:
        view = con.execute(
            "SELECT week, stories, negative FROM topic_weekly "
            "WHERE voices = 'external' AND topic = 'road_safety' AND week > ? ORDER BY week",
            [table["week"].min()],
        ).fetchall()
    finally:
        con.close()
    shown = table[table["week"] > table["week"].min()]
    assert len(view) >= 1
    assert [
        (w.date(), s, n)
        for w, s, n in shown[["week", "stories", "negative"]].itertuples(index=False)
    ] == [(w, s, n) for w, s, n in view]


def test_weekly_gaps_are_gaps_not_zeros():
    found = pd.DataFrame(
        {
            "week": [date(2026, 3, 2), date(2026, 3, 16)],
            "topic": ["general", "general"],
            "stories": [3, 4],
            "negative": [1, 2],
            "positive": [1, 1],
            "outlets": [2, 3],
            "share": [1 / 3, 0.5],
            "share_low": [0.06, 0.15],
            "share_high": [0.79, 0.85],
            "net_score": [0.1, -0.2],
        }
    )
    out = trends_queries.with_gaps(found, ("general",), date(2026, 3, 4), date(2026, 3, 20))
    assert [d.date() for d in out["week"]] == [
        date(2026, 3, 2),
        date(2026, 3, 9),
        date(2026, 3, 16),
    ]
    assert out["stories"].tolist() == [3, 0, 4]
    assert out["share"].isna().tolist() == [False, True, False]
    # the empty week starts a new segment: the line is drawn 2 Mar, then again from 16 Mar
    assert out["segment"].tolist() == [0, 1, 1]


def test_sidebar_shows_names_and_keeps_ids_in_the_url(fixture):
    at = open_page(topic=["stop_and_search"], voice=["pcc"])
    topics = at.sidebar.multiselect(key="topic")
    assert topics.value == ["stop_and_search"]
    assert "Stop and search" in topics.options
    assert "stop_and_search" not in topics.options
    assert "Police and crime commissioner" in at.sidebar.multiselect(key="voice").options
    assert _url_values(at, "topic") == ["stop_and_search"]
    topics.set_value(["stop_and_search", "road_safety"]).run()
    assert _url_values(at, "topic") == ["stop_and_search", "road_safety"]
    at.sidebar.multiselect(key="topic").set_value([]).run()
    assert "topic" not in at.query_params


def _url_values(at: AppTest, key: str) -> list[str]:
    value = at.query_params[key]
    return [value] if isinstance(value, str) else list(value)
