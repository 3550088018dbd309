"""Many forces on the dashboard: a force picker that scopes every page, and the Compare page
(issue 16, item 1). AppTest on a synthetic warehouse whose articles are spread over six forces."""

from __future__ import annotations

import duckdb
import pytest
from dashboard_apptest import open_page, wire
from streamlit.testing.v1 import AppTest

from demo.synthetic import build_fixture

SIX = [
    "Norfolk Constabulary",
    "Avon and Somerset Constabulary",
    "Bedfordshire Police",
    "Cambridgeshire Constabulary",
    "Cheshire Constabulary",
    "City of London Police",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_fixture(tmp_path_factory.mktemp("forces"), passages=4000, forces=6)


@pytest.fixture
def fixture(built, tmp_path, monkeypatch):
    return wire(built, tmp_path, monkeypatch)


def _titles(at: AppTest) -> list[str]:
    return [t.value for t in at.main.title]


def _stories_per_force(db, start, end) -> dict[str, int]:
    """Each force's external stories in the dates, straight from the warehouse's views."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute("SET VARIABLE pcm_force = '*'")
        con.execute("SET VARIABLE pcm_start = ?", [start])
        con.execute("SET VARIABLE pcm_end = ?", [end])
        rows = con.execute(
            "SELECT force_id, sum(stories) FROM force_topic_comparison "
            "WHERE voices = 'external' GROUP BY 1"
        ).fetchall()
    finally:
        con.close()
    return {force: int(n) for force, n in rows}


def test_the_picker_scopes_every_page_to_one_force(fixture):
    at = open_page(force="bedfordshire")
    picker = at.sidebar.selectbox(key="force")
    assert picker.value == "bedfordshire"
    assert picker.options == SIX  # shown by name, the default force first
    assert _titles(at) == ["Overview: Bedfordshire Police"]
    for page in ("trends", "stories", "coverage", "alerts", "review"):
        at.switch_page(f"dashboard/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert _titles(at)[0].endswith(": Bedfordshire Police"), page
    # without ?force= the default (first) force is shown
    assert _titles(open_page()) == ["Overview: Norfolk Constabulary"]


def test_pages_count_only_the_picked_force_s_stories(fixture):
    norfolk = open_page("stories", force="norfolk")
    bedford = open_page("stories", force="bedfordshire")
    ids = {}
    for name, at in (("norfolk", norfolk), ("bedfordshire", bedford)):
        table = at.main.dataframe[0].value
        ids[name] = set(table["id"])
        assert ids[name], name
    # a tenth of the articles are about two forces; most belong to one
    assert len(ids["norfolk"] & ids["bedfordshire"]) < 0.3 * len(ids["norfolk"])


def test_compare_page_sets_every_force_side_by_side(fixture):
    at = open_page("compare")
    assert _titles(at) == ["Compare forces"]
    topic = at.main.selectbox(key="compare_topic")
    detail, wide = (d.value for d in at.main.dataframe)
    # the chosen topic: one row per force with a story, most stories first, with intervals
    assert set(detail["Force"]) <= set(SIX)
    assert len(detail) == 6
    assert list(detail["Stories"]) == sorted(detail["Stories"], reverse=True)
    assert all(" to " in cell for cell in detail["95% interval"])
    # every topic: one row per force, one column per topic in words
    assert sorted(wide.index) == sorted(SIX)
    assert "Victim updates" in wide.columns or "Stop and search" in wide.columns
    # the numbers are the warehouse view's (a week of dates in the sidebar by default)
    f = at.session_state["dates"]
    per_force = _stories_per_force(fixture.db, f[0], f[1])
    topic_rows = detail.set_index("Force")["Stories"].to_dict()
    assert sum(topic_rows.values()) <= sum(per_force.values())
    assert topic.value in {
        "community_engagement",
        "crime_prevention",
        "general",
        "domestic_abuse",
        "emergency_response",
        "fair_treatment",
        "investigations",
        "officer_conduct",
        "stop_and_search",
        "value_for_money",
        "victim_updates",
        "vulnerable_people",
    }
    assert not at.exception


def test_one_force_has_no_picker_and_no_compare_page(tmp_path, monkeypatch):
    one = build_fixture(tmp_path / "one", passages=300)
    wire(one, tmp_path, monkeypatch)
    at = open_page()
    assert not [s for s in at.sidebar.selectbox if s.key == "force"]
    assert _titles(at) == ["Overview"]
    with pytest.raises(Exception, match="compare"):
        at.switch_page("dashboard/compare.py").run()
