"""Overview page: one card per topic, this week's net score against the previous four weeks."""

from __future__ import annotations

import logging
import math
from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard import context, queries, widgets

logger = logging.getLogger(__name__)

COLUMNS = 3  # cards per row: readable on a 13-inch laptop with the sidebar open
_DELTA_COLOURS = {"improving": "blue", "worsening": "orange"}


def _score(value) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:+.2f}"


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _card(row: pd.Series) -> None:
    title = f"**{widgets.topic_label(row.topic)}**"
    if row.alerts:
        title += f" :orange-badge[⚠ {row.alerts} alert{'s' if row.alerts > 1 else ''}]"
    st.markdown(title)
    has_delta = row.delta is not None and not pd.isna(row.delta)
    st.metric(
        widgets.topic_label(row.topic),
        _score(row.net),
        delta=f"{row.delta:+.2f} vs previous 4 weeks" if has_delta else None,
        delta_color=_DELTA_COLOURS.get(row.trend, "gray"),
        label_visibility="collapsed",
    )
    band = ""
    if row.se is not None and not pd.isna(row.se) and not math.isinf(row.se):
        band = f" ± {1.96 * row.se:.2f}"
    st.markdown(f"{widgets.TREND_BADGES[row.trend]} {band}")
    st.caption(
        f"{_n(row.passages, 'passage')} in {_n(row.articles, 'article')} this week · "
        f"{row.negative:,} negative · baseline {_score(row.baseline)} "
        f"({_n(row.baseline_passages, 'passage')})"
    )
    if row.alerts and isinstance(row.alert_text, str):
        st.caption(
            widgets.escape(row.alert_text[:240] + ("…" if len(row.alert_text) > 240 else ""))
        )


def render() -> None:
    """Draw the Overview page."""
    ctx = context.current()
    f = ctx.filters
    st.title("Overview")
    week_start = f.end - timedelta(days=queries.WEEK_DAYS - 1)
    voices = (
        "External voices only (the force's own statements left out)"
        if f.external_only
        else "Including the force's own statements"
    )
    st.caption(
        f"Net score: mean of P(positive) − P(negative) over passages, from −1 to +1. "
        f"This week: {week_start:%d %b} – {f.end:%d %b %Y}, against the four weeks "
        f"before. {voices}. Topics that need attention come first."
    )
    df = queries.overview(ctx.db, ctx.version, f)
    columns = st.columns(COLUMNS)
    for i, row in enumerate(df.itertuples(index=False)):
        with columns[i % COLUMNS].container(border=True):
            _card(row)
    widgets.csv_download(df.drop(columns=["alert_text"]), "overview")


if __name__ == "__main__":  # st.Page runs this file as __main__
    render()
