"""Trends page: rolling 7-day net score per topic with an uncertainty band, volume and alerts."""

from __future__ import annotations

import logging
from dataclasses import replace

import streamlit as st

from dashboard import charts, context, queries, widgets

logger = logging.getLogger(__name__)

DEFAULT_TOPICS = 4  # without a topic filter, compare the busiest few topics
MAX_SPLIT_TOPICS = 6  # split views draw one chart per topic


def render() -> None:
    """Draw the Trends page."""
    ctx = context.current()
    f = ctx.filters
    st.title("Trends")
    split = (
        st.segmented_control(
            "Split by", list(queries.SPLITS), default="none", key="split", bind="query-params"
        )
        or "none"
    )
    if f.topics:
        topics = list(f.topics)
    else:
        topics = queries.busiest_topics(ctx.db, ctx.version, f, DEFAULT_TOPICS)
        st.caption(
            f"Comparing the {len(topics)} busiest topics in this period; pick topics in the "
            "sidebar to compare others."
        )
    shown = replace(f, topics=tuple(topics))
    df = queries.daily(ctx.db, ctx.version, shown, split)
    alerts = queries.alerts(ctx.db, ctx.version, f.start, f.end, tuple(topics))
    st.caption(
        "Line: mean passage score over the 7 days up to each day; band: ± 1.96 standard "
        "errors of that mean; ▼ marks an alert. " + f.describe()
    )
    if df.empty:
        st.info("No scored passages match these filters.")
        return
    if split == "none":
        st.altair_chart(
            charts.trend_and_volume(
                df, alerts, "topic", "Net score, 7-day rolling", (f.start, f.end)
            ),
            width="stretch",
        )
    else:
        for topic in topics[:MAX_SPLIT_TOPICS]:
            part = df[df["topic"] == topic]
            if part.empty:
                continue
            st.subheader(widgets.topic_label(topic))
            st.altair_chart(
                charts.trend_and_volume(
                    part,
                    alerts[alerts["topic"] == topic],
                    "grp",
                    f"Net score by {split}, 7-day rolling",
                    (f.start, f.end),
                ),
                width="stretch",
            )
    table = df.rename(columns={"grp": split if split != "none" else "group"})
    with st.expander("The numbers behind the charts"):
        st.dataframe(table, hide_index=True, width="stretch")
    widgets.csv_download(table, "trends")


if __name__ == "__main__":  # st.Page runs this file as __main__
    render()
