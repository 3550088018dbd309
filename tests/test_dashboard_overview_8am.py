"""The Overview's 8 a.m. answer (new since the last run, needs attention), its click-through to
the Stories page, and plain words on both pages: AppTest runs on the fixture warehouse."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs

import duckdb
import pytest
from dashboard_apptest import open_page, wire
from streamlit.testing.v1 import AppTest

from core.vocabulary import TOPICS
from dashboard import filters
from dashboard.filters import Filters
from dashboard.widgets import topic_label
from demo.synthetic import build_fixture

STORIES = "dashboard/stories.py"
# What a reader must never see on these pages: ids with an underscore, "None", table and
# column names of the warehouse.
RAW = re.compile(
    "|".join(
        [re.escape(t) for t in TOPICS if "_" in t]
        + [r"\bNone\b", "passage_scores", "story_topics", "topic_change", "source_kind"]
        + ["local_news", "national_news", "run_new_articles"]
    )
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_fixture(tmp_path_factory.mktemp("dash8am"))


@pytest.fixture
def fixture(built, tmp_path, monkeypatch):
    return wire(built, tmp_path, monkeypatch)


def _links(at: AppTest, page: str = STORIES) -> list[tuple[str, dict]]:
    """(label, query parameters) of every link to `page`, in page order."""
    return [
        (p.value, parse_qs(p.proto.query_string))
        for p in at.page_link
        if p.proto.page.endswith(Path(page).stem) or p.proto.page == page
    ]


def _link(at: AppTest, contains: str) -> dict:
    found = [q for label, q in _links(at) if contains in label]
    assert found, f"no link with {contains!r} in {[label for label, _ in _links(at)]}"
    return found[0]


def _text(at: AppTest) -> str:
    return "\n".join(
        [m.value for m in at.main.markdown]
        + [c.value for c in at.main.caption]
        + [s.value for s in at.main.subheader]
        + [p.value for p in at.page_link]
        + [w.value for w in at.main.warning]
        + [i.value for i in at.main.info]
    )


def _newest_window(db: Path) -> tuple[int, ...]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return tuple(
            con.execute(
                "SELECT article_ids FROM run_new_articles ORDER BY finished_at DESC LIMIT 1"
            ).fetchone()[0]
        )
    finally:
        con.close()


def test_since_the_last_run_lists_the_new_stories_by_topic_with_links(fixture):
    at = open_page()
    assert [s.value for s in at.subheader][:2] == ["Since the last run", "Needs attention"]
    text = _text(at)
    # The two road-safety stories of the end day came in with the newest run; from voices
    # outside the force the Guardian's is critical, the EDP's favourable.
    assert "**Road safety** · 2 stories: 1 critical, 1 favourable" in text
    labels = [label for label, _ in _links(at)]
    assert "▼ critical · The Guardian: Families criticise slow response to A11 collision" in (
        labels
    )
    assert "▲ favourable · Eastern Daily Press: Speed cameras praised after crash figures fall" in (
        labels
    )
    link = _link(at, "Families criticise")
    assert link["article"] == [str(fixture.known.criticised)]
    assert link["topic"] == ["road_safety"]
    assert link[filters.KEY_FROM] == ["link"]
    # Exactly the stories of the view's newest window, nothing older (the 10-day-old story).
    new_ids = set(_newest_window(fixture.db))
    assert {fixture.known.praised, fixture.known.criticised} <= new_ids
    linked = {int(q["article"][0]) for _, q in _links(at) if "article" in q}
    assert fixture.known.earlier not in linked
    assert linked - {fixture.known.criticised} <= new_ids  # (the alert's story is also linked)
    every = _link(at, "new since the run before")
    assert every[filters.KEY_SINCE][0].endswith("Z")


def test_needs_attention_names_the_alerted_topic_and_links_its_stories(fixture):
    at = open_page()
    text = _text(at)
    assert (
        ":gray-badge[● no clear change] :orange-badge[⚠ 1 alert] 1 of 2 stories negative this "
        "week, from 2 outlets; only 2 stories this week \\(3 needed\\)."
    ) in text
    week = [(fixture.end_day - timedelta(days=6)).isoformat(), fixture.end_day.isoformat()]
    behind = _link(at, "The 2 stories behind it")
    assert behind["topic"] == ["road_safety"]
    assert behind["dates"] == week
    alert = _link(at, "Read the alert's story")
    assert alert["article"] == [str(fixture.known.criticised)]


def test_cards_link_to_their_stories_in_priority_order(fixture):
    at = open_page()
    week = [(fixture.end_day - timedelta(days=6)).isoformat(), fixture.end_day.isoformat()]
    cards = [q for label, q in _links(at) if label.endswith("this week")]
    assert len(cards) == len(at.metric) == 13
    # one link per card, in the cards' order (a phone stacks the rows in this order too)
    assert [topic_label(q["topic"][0]) for q in cards] == [m.label for m in at.metric]
    assert all(q["dates"] == week for q in cards)


def test_following_a_link_opens_the_stories_page_filtered_to_it(fixture):
    at = open_page()
    query = _link(at, "The 2 stories behind it")
    for key, values in query.items():
        at.query_params[key] = values
    at.switch_page(STORIES).run()
    assert not at.exception, [e.value for e in at.exception]
    # the sidebar had "all topics" before; the link's topic and week win over it
    assert at.multiselect(key="topic").value == ["road_safety"]
    titles = set(at.dataframe[0].value["title"])
    assert titles == {
        "Families criticise slow response to A11 collision",
        "Speed cameras praised after crash figures fall",
    }


def test_stories_page_honours_since_and_can_drop_it(fixture):
    stamp = _link(open_page(), "new since the run before")[filters.KEY_SINCE][0]  # UTC, ...Z
    at = open_page("stories", since=stamp, topic="road_safety")
    titles = set(at.dataframe[0].value["title"])
    assert titles == {
        "Families criticise slow response to A11 collision",
        "Speed cameras praised after crash figures fall",
    }
    assert "Only the stories that came in after" in at.info[0].value
    at.button[0].click().run()  # "Show every story"
    assert "Road safety week draws crowds" in set(at.dataframe[0].value["title"])


def test_nothing_new_is_said_in_one_sentence(fixture):
    con = duckdb.connect(str(fixture.db))
    try:
        con.execute("DELETE FROM alerts")
        con.execute(
            "INSERT INTO runs (started_at, finished_at, status) "
            "SELECT max(started_at) + INTERVAL 1 DAY, max(finished_at) + INTERVAL 1 DAY, "
            "'success' FROM runs"
        )
    finally:
        con.close()
    at = open_page()
    assert next(s.value for s in at.subheader) == "Since the last run"
    assert "Needs attention" not in [s.value for s in at.subheader]
    sentence = at.main.markdown[0].value
    assert sentence.startswith("Nothing new since the last run (")
    assert sentence.endswith("no topic is worsening or has an alert this week.")


def test_failed_sources_are_warned_about_in_the_page(fixture):
    con = duckdb.connect(str(fixture.db))
    try:
        con.execute(
            "UPDATE crawl_stats SET status = 'failed' "
            "WHERE source = 'Lynn News' AND run_id = (SELECT max(id) FROM runs)"
        )
    finally:
        con.close()
    at = open_page()
    warnings = [w.value for w in at.main.warning]
    assert warnings == [
        "1 source could not be read in the latest run: Lynn News. Their new stories are missing."
    ]
    assert any(p.proto.page.endswith("sources") for p in at.page_link)


def test_passages_show_their_score_and_whether_they_count(fixture):
    at = open_page("stories", article=str(fixture.known.praised))
    text = "\n".join(m.value for m in at.markdown)
    assert (
        "🗣 The force's own staff · Paul Sanford] :gray-badge[not counted: the force's own "
        "words] Road safety :blue-badge[▲ positive] score +0.90"
    ) in text
    assert (
        "🗣 The public · Jane Doe] :green-badge[counted] Road safety :blue-badge[▲ positive] "
        in (text)
    )
    assert "score +0.80" in text


def test_no_ids_none_or_table_names_on_overview_and_stories(fixture):
    for page, params in ((None, {}), ("stories", {"article": str(fixture.known.criticised)})):
        at = open_page(page, **params)
        found = RAW.findall(_text(at))
        assert not found, (page, found)
    table = at.dataframe[0].value.set_index("title")
    assert table.loc["Families criticise slow response to A11 collision", "stances"] == (
        "Road safety: critical"
    )
    assert table.loc["Families criticise slow response to A11 collision", "source_kind"] == (
        "National news"
    )


def test_link_params_keep_the_filters_and_replace_topic_and_dates():
    f = Filters(
        start=date(2026, 9, 1),
        end=date(2026, 12, 6),
        topics=("general",),
        voices=("public",),
        outlets=("The Guardian",),
        external_only=False,
    )
    assert filters.link_params(f, "road_safety", date(2026, 11, 30), date(2026, 12, 6)) == {
        "dates": ["2026-11-30", "2026-12-06"],
        "topic": ["road_safety"],
        "voice": ["public"],
        "outlet": ["The Guardian"],
        "external": "false",
        "from": "link",
    }
    assert filters.link_params(f, article="7")["topic"] == ["general"]
    assert filters.link_params(f, article="7")["dates"] == ["2026-09-01", "2026-12-06"]
    assert "topics: The force as a whole; voices: The public" in f.describe()
