"""A click on a weekly point opens that week's stories on that topic, the other filters kept."""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

import pandas as pd

from dashboard import charts
from dashboard.filters import Filters
from dashboard.trends import week_link

FILTERS = Filters(
    start=date(2026, 9, 1),
    end=date(2026, 12, 6),
    topics=("road_safety", "stop_and_search"),
    voices=("public",),
    source_kinds=(),
    outlets=(),
    external_only=True,
)


def _event(*points):
    return SimpleNamespace(selection={charts.WEEK_PICK: list(points)})


def test_a_clicked_point_opens_its_week_of_stories_on_its_topic():
    monday = int(datetime(2026, 11, 23).timestamp() * 1000)
    params = week_link(_event({"topic": "stop_and_search", "week": monday}), FILTERS)
    assert params["topic"] == ["stop_and_search"]
    assert params["dates"] == ["2026-11-23", "2026-11-29"]
    assert params["voice"] == ["public"]  # the reader's other filters come along
    # a date string (as some Vega-Lite versions send) reads the same
    again = week_link(_event({"topic": "stop_and_search", "week": "2026-11-23"}), FILTERS)
    assert again["dates"] == params["dates"]


def test_no_click_opens_nothing():
    assert week_link(_event(), FILTERS) is None
    assert week_link(SimpleNamespace(selection={}), FILTERS) is None
    assert week_link(None, FILTERS) is None


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
