"""A click on a weekly point opens that week's stories on that topic (the page itself is
clicked in Chromium: tests/test_dashboard_browser.py)."""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

import pandas as pd

from dashboard import charts
from dashboard.trends import picked_week


def _event(*points):
    return SimpleNamespace(selection={charts.WEEK_PICK: list(points)})


def test_a_clicked_point_gives_its_topic_and_week():
    monday = int(datetime(2026, 11, 23).timestamp() * 1000)
    assert picked_week(_event({"topic": "stop_and_search", "week": monday})) == (
        "stop_and_search",
        date(2026, 11, 23),
    )
    # a date string (as some Vega-Lite versions send) reads the same, and so does the
    # selection state as Streamlit keeps it in the session (a mapping)
    assert picked_week(_event({"topic": "stop_and_search", "week": "2026-11-23"})) == (
        "stop_and_search",
        date(2026, 11, 23),
    )
    state = {"selection": {charts.WEEK_PICK: [{"topic": "road_safety", "week": monday}]}}
    assert picked_week(state) == ("road_safety", date(2026, 11, 23))


def test_no_click_opens_nothing():
    assert picked_week(_event()) is None
    assert picked_week(SimpleNamespace(selection={})) is None
    assert picked_week(None) is None


def test_the_weekly_chart_offers_the_click():
    df = pd.DataFrame(
        {
            "week": pd.to_datetime(["2026-11-16", "2026-11-23"]),
            "topic": ["road_safety", "road_safety"],
            "label": ["Road safety", "Road safety"],
            "segment": [0, 0],
            "stories": [3, 4],
            "negative": [1, 2],
            "share": [1 / 3, 0.5],
            "share_low": [0.06, 0.15],
            "share_high": [0.79, 0.85],
            "outlets": [2, 3],
        }
    )
    spec = charts.weekly_share_chart(df, "t").to_dict()
    params = spec.get("params", [])  # Altair lifts a layer's selection to the top
    assert [p["name"] for p in params] == [charts.WEEK_PICK]
    assert params[0]["select"]["fields"] == ["topic", "week"]
