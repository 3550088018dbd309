"""A source's state in words: down, blocked by robots.txt, unreadable pages, silent, working."""

from __future__ import annotations

import pytest

from core.vocabulary import reason_name
from dashboard import sources_queries as sq


@pytest.mark.parametrize(
    ("status", "reasons", "silent", "state", "words"),
    [
        (None, None, True, sq.NOT_CRAWLED, "no crawl"),
        ("failed", {"dns": 1}, True, sq.DOWN, "address not found (DNS) (1)"),
        ("failed", '{"timeout": 2, "http_503": 5}', True, sq.DOWN, "server error (HTTP 503) (5)"),
        ("failed", {"robots_unavailable": 1}, True, sq.BLOCKED, "robots.txt could not be read"),
        ("partial", {"robots_disallowed": 3}, False, sq.BLOCKED, "robots.txt forbids it (3)"),
        ("partial", {"bad_feed": 1, "http_404": 2}, False, sq.UNREADABLE, "feed is no longer"),
        ("ok", {"bad_html": 1}, True, sq.UNREADABLE, "page could not be read (1)"),
        ("ok", {}, True, sq.SILENT, "published nothing new"),
        ("partial", {"http_404": 2}, False, sq.PARTIAL, "page not found (HTTP 404) (2)"),
        ("ok", "not json", False, sq.WORKING, "went through"),
        ("ok", None, False, sq.WORKING, "went through"),
    ],
)
def test_source_state(status, reasons, silent, state, words):
    got_state, detail = sq.source_state(status, reasons, silent)
    assert got_state == state
    assert words in detail
    assert "None" not in detail
    assert "_" not in detail


def test_reasons_in_words():
    assert reason_name("robots_disallowed") == "robots.txt forbids it"
    assert reason_name("http_404") == "page not found (HTTP 404)"
    assert reason_name("http_500") == "server error (HTTP 500)"
    assert reason_name("http_429") == "refused (HTTP 429)"
    assert reason_name("brand_new_reason") == "Brand new reason"
    assert reason_name(None) == "not known"


def _contrast_on_white(hex_colour: str) -> float:
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return 1.05 / (lum + 0.05)


def test_chart_text_meets_wcag_aa():
    import pandas as pd

    from dashboard import charts

    errors = pd.DataFrame(
        {"source": ["A"], "reason": ["timed out"], "errors": [2], "example_url": ["http://a/"]}
    )
    config = charts.errors_chart(errors).to_dict()["config"]
    for colour in (
        config["axis"]["labelColor"],
        config["axis"]["titleColor"],
        config["legend"]["labelColor"],
        config["title"]["color"],
    ):
        assert _contrast_on_white(colour) >= 4.5, colour


def test_the_window_starts_at_london_midnight_and_holds_today():
    import datetime as dt
    from zoneinfo import ZoneInfo

    import duckdb

    london = ZoneInfo("Europe/London")

    def expected(days: int) -> dt.datetime:
        first = dt.datetime.now(london).date() - dt.timedelta(days=days - 1)
        return dt.datetime.combine(first, dt.time(0), tzinfo=london)

    con = duckdb.connect()
    for days in (1, 7, 28):
        before = expected(days)
        got = con.execute(f"SELECT {sq.window_start('?')}", [days]).fetchone()[0]
        # the same moment whatever the hour; either side of midnight if the test straddles it
        assert got in (before, expected(days))
